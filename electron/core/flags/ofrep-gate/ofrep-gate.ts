/**
 * A real OFREP client for one boolean flag (the kill switch) over many tenants, as a service that
 * publishes events would run it: the simulated workload and the demo publisher ask `allowed(id)` on
 * every publish, so that is a Map lookup; all I/O happens in the background.
 *
 * - Each tenant is evaluated with a bulk POST (targetingKey = tenant id), many at a time over
 *   keep-alive sockets, with that tenant's ETag in If-None-Match (a flip elsewhere costs a 304).
 * - The SSE stream says when to re-fetch (`refetchEvaluation`, sent on with `?flagConfigEtag=`).
 *   When the event names the targeting keys that changed (`changedTargetingKeys`, our server's
 *   hint for a tenant flip), only those tenants are re-evaluated, on slots of their own: at 10,000
 *   tenants a flipped one is seen at once instead of wherever it sits in the list, and a flip costs
 *   one request instead of 10,000 (which, even as 304s, kept a publisher's event loop busy for a
 *   tenth of a second per flip at 2,000 tenants, delaying its confirms and dropping events for
 *   backpressure). The hint is exact for values: the server sends it only when nothing but tenant
 *   overrides changed, and names every tenant whose override did (flag-server/
 *   changed-targeting-keys.ts). Without a hint — any other change, or another OFREP server —
 *   everyone is re-fetched.
 * - When the stream drops, it reconnects with exponential backoff and jitter, and re-fetches once
 *   it is back. Meanwhile, and whenever an evaluation fails, the last known values stay in force,
 *   and a tenant whose re-evaluation failed is asked again with backoff: a flip must not wait for
 *   the next change that happens to name the same tenant.
 * - A tenant the gate was given but has not evaluated yet is held (not allowed): at start-up a
 *   switched-off tenant must not publish until its answer arrives. Failed first evaluations are
 *   retried with backoff. A tenant the gate was never given is none of its business: allowed.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { errorText } from '../../errors/error-text';
import type { TenantGate } from '../../metrics/metrics-source';
import { backoffDelay } from '../../retry/backoff';
import { readBulkAnswer } from './bulk-answer';
import { postJson } from './post-json';
import { openSseConnection, type SseConnection } from './sse-connection';
import type { SseMessage } from './sse-parser';

export interface OfrepGateOptions {
  /** the OFREP server: its origin or its ".../ofrep/v1" base URL */
  endpoint: string;
  /** default "publish-events" */
  flagKey?: string;
  token?: string;
  /** per evaluation request, default 5 s */
  fetchTimeoutMs?: number;
  /** background evaluations in flight at once, default 32 (hinted tenants get URGENT_SLOTS more) */
  concurrency?: number;
  /** first reconnect delay, default 250 ms; doubles up to reconnectMaxMs (default 30 s) */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** reconnect when the stream is silent this long, default 45 s (3× the server's keep-alive) */
  idleTimeoutMs?: number;
}

/** For the sources/status display. */
export interface OfrepGateState {
  /** the change stream is open */
  connected: boolean;
  /** why not, or the last evaluation failure; null when all is well */
  error: string | null;
  /** epoch ms of the last successful evaluation */
  lastOkAt: number | null;
  /** tenants with a known value */
  evaluated: number;
  /** evaluations queued or in flight */
  pending: number;
}

const OFREP_PREFIX = '/ofrep/v1';
/** Connections kept free of the background round for the tenants a change event names. */
const URGENT_SLOTS = 4;

export class OfrepGate implements TenantGate {
  private readonly origin: string;
  private readonly flagKey: string;
  private readonly authorization: Record<string, string>;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly timeoutMs: number;
  private readonly concurrency: number;

  private tenants = new Set<string>();
  private readonly values = new Map<string, boolean>();
  private readonly etags = new Map<string, string>();
  /** the newest request per tenant: an older answer arriving late must not win */
  private readonly newest = new Map<string, number>();
  private requestSeq = 0;
  /** tenants a change event named: evaluated before anything in `pending` */
  private readonly urgent = new Set<string>();
  /** the background queue */
  private readonly pending = new Set<string>();
  private active = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAttempt = 0;
  private configEtag: string | null = null;

  private sseUrl: URL;
  private stream: SseConnection | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private everConnected = false;

  private connected = false;
  private streamError: string | null = null;
  private evaluationError: string | null = null;
  private lastOkAt: number | null = null;
  private closed = false;

  private readonly changeListeners = new Set<(tenantIds: string[]) => void>();
  private readonly stateListeners = new Set<(state: OfrepGateState) => void>();
  private readonly idleWaiters: (() => void)[] = [];
  private changed = new Set<string>();
  /** tenants with a value whose latest re-evaluation failed: it may be out of date */
  private readonly stale = new Set<string>();
  private flushScheduled = false;

  constructor(private readonly options: OfrepGateOptions) {
    this.origin = ofrepOrigin(options.endpoint);
    this.flagKey = options.flagKey ?? 'publish-events';
    this.authorization = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    this.timeoutMs = options.fetchTimeoutMs ?? 5_000;
    this.concurrency = options.concurrency ?? 32;
    const secure = this.origin.startsWith('https:');
    const agentOptions = { keepAlive: true, maxSockets: this.concurrency + URGENT_SLOTS };
    this.agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.sseUrl = new URL(`${this.origin}${OFREP_PREFIX}/sse`);
    this.connect();
  }

  allowed(tenantId: string): boolean {
    return this.values.get(tenantId) ?? !this.tenants.has(tenantId);
  }

  /** Given to the gate but not answered yet: not allowed for want of a value, not switched off. */
  held(tenantId: string): boolean {
    return this.tenants.has(tenantId) && !this.values.has(tenantId);
  }

  setTenants(tenantIds: readonly string[]): void {
    const next = new Set(tenantIds);
    const released: string[] = [];
    for (const id of this.tenants) {
      if (next.has(id)) continue;
      if (this.values.get(id) === false) released.push(id);
      this.forget(id);
    }
    const added = tenantIds.filter((id) => !this.tenants.has(id));
    this.tenants = next;
    for (const id of released) this.markChanged(id);
    this.enqueue(added);
  }

  /**
   * Tenants whose known value changed, or that were released by setTenants. A first evaluation is not
   * a change (it only ends the hold): at start-up that would be every tenant; `whenIdle` waits for it.
   */
  onChange(listener: (tenantIds: string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  state(): OfrepGateState {
    return {
      connected: this.connected,
      error: this.streamError ?? this.evaluationError,
      lastOkAt: this.lastOkAt,
      evaluated: this.values.size,
      pending: this.urgent.size + this.pending.size + this.active,
    };
  }

  /** Fires when `connected` or `error` changes. */
  onState(listener: (state: OfrepGateState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Re-evaluate every tenant now; resolves once nothing is queued or in flight. */
  refresh(): Promise<void> {
    this.enqueue([...this.tenants]);
    return this.whenIdle();
  }

  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stream?.close();
    this.stream = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.urgent.clear();
    this.pending.clear();
    this.agent.destroy();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.changeListeners.clear();
    this.stateListeners.clear();
  }

  // ── evaluations ──────────────────────────────────────────────────────────────────────────────

  private enqueue(tenantIds: Iterable<string>): void {
    for (const id of tenantIds) if (!this.urgent.has(id)) this.pending.add(id);
    this.pump();
  }

  /**
   * The hinted tenants on slots of their own, or every tenant when there is no hint (null). Other
   * tenants keep their values: with a hint nothing else changed for them but, after a flag's first
   * override or its last, the reason in their answer — their next re-fetch gets a body, not a 304.
   */
  private refetch(hinted: readonly string[] | null): void {
    if (hinted === null) {
      this.enqueue(this.tenants);
      return;
    }
    for (const id of hinted) {
      if (!this.tenants.has(id)) continue;
      this.pending.delete(id);
      this.urgent.add(id);
    }
    this.pump();
  }

  private pump(): void {
    while (!this.closed) {
      const queue = this.urgent.size > 0 ? this.urgent : this.pending;
      const slots = queue === this.urgent ? this.concurrency + URGENT_SLOTS : this.concurrency;
      if (queue.size === 0 || this.active >= slots) return;
      const id = queue.values().next().value as string;
      queue.delete(id);
      this.active++;
      void this.evaluate(id).finally(() => {
        this.active--;
        this.pump();
        if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  private isIdle(): boolean {
    return this.closed || (this.urgent.size === 0 && this.pending.size === 0 && this.active === 0);
  }

  private async evaluate(tenantId: string): Promise<void> {
    const seq = ++this.requestSeq;
    this.newest.set(tenantId, seq);
    const etag = this.etags.get(tenantId);
    const headers: Record<string, string> = {
      ...this.authorization,
      ...(etag ? { 'If-None-Match': etag } : {}),
    };
    const body = JSON.stringify({ context: { targetingKey: tenantId } });
    try {
      const reply = await postJson(this.bulkUrl(), body, headers, this.agent, this.timeoutMs);
      if (!this.isCurrent(tenantId, seq)) return;
      if (reply.status === 304) return this.evaluated(tenantId);
      if (reply.status !== 200) {
        return this.evaluationFailed(
          tenantId,
          `${this.flagKey} for ${tenantId}: OFREP answered HTTP ${reply.status}`,
          true,
        );
      }
      const answer = readBulkAnswer(reply.body, this.flagKey);
      // As OpenFeature's web provider does: an advertised path is relative to the server's origin.
      if (answer.sseUri) this.sseUrl = new URL(answer.sseUri, new URL(this.origin).origin);
      if (!answer.ok) {
        // The server answered, but not with a value: OpenFeature's code default (publish) ends the
        // hold of a tenant never evaluated; one with a known value keeps it.
        if (!this.values.has(tenantId)) this.setValue(tenantId, true);
        return this.evaluationFailed(tenantId, `${tenantId}: ${answer.problem}`);
      }
      if (reply.etag) this.etags.set(tenantId, reply.etag);
      this.setValue(tenantId, answer.allowed);
      this.evaluated(tenantId);
    } catch (error) {
      if (this.isCurrent(tenantId, seq)) this.evaluationFailed(tenantId, errorText(error), true);
    } finally {
      if (this.newest.get(tenantId) === seq) this.newest.delete(tenantId);
    }
  }

  private isCurrent(tenantId: string, seq: number): boolean {
    return !this.closed && this.tenants.has(tenantId) && this.newest.get(tenantId) === seq;
  }

  private bulkUrl(): URL {
    const url = new URL(`${this.origin}${OFREP_PREFIX}/evaluate/flags`);
    if (this.configEtag) url.searchParams.set('flagConfigEtag', this.configEtag);
    return url;
  }

  private evaluated(tenantId: string): void {
    this.stale.delete(tenantId);
    this.lastOkAt = Date.now();
    this.retryAttempt = 0;
    this.setEvaluationError(null);
  }

  /**
   * `unanswered`: the server gave no answer (transport error, HTTP error), so a known value may be
   * out of date and is asked again; an answer without a value (the flag not served) is an answer.
   */
  private evaluationFailed(tenantId: string, problem: string, unanswered = false): void {
    this.setEvaluationError(problem);
    if (!this.values.has(tenantId)) this.retryLater();
    else if (unanswered) {
      this.stale.add(tenantId);
      this.retryLater();
    }
  }

  /** Held and stale tenants must not wait for the next change event to be tried again. */
  private retryLater(): void {
    if (this.retryTimer || this.closed) return;
    const delay = backoffDelay(
      this.retryAttempt++,
      this.options.reconnectMinMs ?? 250,
      this.options.reconnectMaxMs ?? 30_000,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const again = [...this.tenants].filter((id) => !this.values.has(id) || this.stale.has(id));
      this.enqueue(again);
    }, delay);
    this.retryTimer.unref();
  }

  private setValue(tenantId: string, allowed: boolean): void {
    const before = this.values.get(tenantId);
    this.values.set(tenantId, allowed);
    if (before !== undefined && before !== allowed) this.markChanged(tenantId);
  }

  private forget(tenantId: string): void {
    this.values.delete(tenantId);
    this.etags.delete(tenantId);
    this.newest.delete(tenantId);
    this.stale.delete(tenantId);
    this.urgent.delete(tenantId);
    this.pending.delete(tenantId);
  }

  // ── the change stream ────────────────────────────────────────────────────────────────────────

  private connect(): void {
    if (this.closed) return;
    this.stream = openSseConnection({
      url: this.sseUrl,
      headers: this.authorization,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 45_000,
      onOpen: () => this.streamOpened(),
      onMessage: (message) => this.streamMessage(message),
      onClose: (reason) => this.streamClosed(reason),
    });
  }

  private streamOpened(): void {
    const reconnected = this.everConnected;
    this.everConnected = true;
    this.attempt = 0;
    this.setStream(true, null);
    // Changes made while we were away sent no event to us: catch up.
    if (reconnected) this.enqueue([...this.tenants]);
  }

  private streamMessage(message: SseMessage): void {
    if (message.event !== 'message') return;
    let event: unknown;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (
      typeof event !== 'object' ||
      event === null ||
      (event as { type?: unknown }).type !== 'refetchEvaluation'
    )
      return;
    const { etag, changedTargetingKeys } = event as { etag?: unknown; changedTargetingKeys?: unknown };
    if (typeof etag === 'string' && etag === this.configEtag) return;
    this.configEtag = typeof etag === 'string' ? etag : null;
    this.refetch(isStringList(changedTargetingKeys) ? changedTargetingKeys : null);
  }

  private streamClosed(reason: string): void {
    this.stream = null;
    this.setStream(false, reason);
    if (this.closed) return;
    const delay = backoffDelay(
      this.attempt++,
      this.options.reconnectMinMs ?? 250,
      this.options.reconnectMaxMs ?? 30_000,
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  // ── notifications ────────────────────────────────────────────────────────────────────────────

  private setStream(connected: boolean, error: string | null): void {
    const changed = this.connected !== connected || this.streamError !== error;
    this.connected = connected;
    this.streamError = error;
    if (changed) this.emitState();
  }

  private setEvaluationError(error: string | null): void {
    if (this.evaluationError === error) return;
    this.evaluationError = error;
    this.emitState();
  }

  private emitState(): void {
    if (this.closed) return;
    const state = this.state();
    for (const listener of [...this.stateListeners]) safely(() => listener(state));
  }

  /** Changes are batched per event-loop turn: a refetch of 10,000 tenants is not 10,000 events. */
  private markChanged(tenantId: string): void {
    this.changed.add(tenantId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const ids = [...this.changed];
      this.changed = new Set();
      if (this.closed || ids.length === 0) return;
      for (const listener of [...this.changeListeners]) safely(() => listener(ids));
    });
  }
}

/** "http://h:8016/ofrep/v1/" → "http://h:8016"; a path in front of /ofrep/v1 (a proxy) is kept. */
export function ofrepOrigin(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith(OFREP_PREFIX) ? trimmed.slice(0, -OFREP_PREFIX.length) : trimmed;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // A listener's failure is its own.
  }
}
