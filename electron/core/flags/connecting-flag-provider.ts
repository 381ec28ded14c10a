/**
 * A remote flag system (Unleash, LaunchDarkly) that could not be reached when its profile started:
 * an unreachable server, a rejected or missing token. Rather than no console at all — the person
 * could not even open it to pick another profile — the session runs on this stand-in. It keeps
 * trying to create and load the real provider with backoff, says why it is not connected (the
 * `problem()` the flags status and app.info show), refuses every read and write with that reason,
 * and once connected hands everything to the real provider and tells the change listeners, so that
 * every view of the flags reloads.
 */
import type { FlagEnvironmentState, FlagInfo, FlagValue, ProviderEvent, TenantFlag } from '../api';
import { errorText } from '../errors/error-text';
import { backoffDelay } from '../retry/backoff';
import {
  type ApprovalRequest,
  type FlagProvider,
  FlagProviderError,
  type ProposedChange,
  type WriteContext,
} from './flag-provider';

export interface RetryDelays {
  minMs: number;
  maxMs: number;
}

/** First retry after 2.5–5 s, doubling to at most a minute: a server back from a restart is found soon. */
export const DEFAULT_CONNECT_RETRY: RetryDelays = { minMs: 5_000, maxMs: 60_000 };

type ChangeListener = Parameters<FlagProvider['onChange']>[0];

export interface ConnectingFlagProviderOptions {
  kind: string;
  /** the label the provider will have once connected, e.g. "LaunchDarkly default/production" */
  label: string;
  /** where it connects, for messages: "Unleash at http://127.0.0.1:4242" — never a token */
  target: string;
  /** creates the real provider and loads it; rejects when it cannot */
  connect: () => Promise<FlagProvider>;
  /** why the attempt made before this stand-in was created failed */
  firstError: unknown;
  retry?: RetryDelays;
  /** after the real provider took over (the change listeners have been told already) */
  onConnected?: (provider: FlagProvider) => void;
  now?: () => number;
  random?: () => number;
}

export class ConnectingFlagProvider implements FlagProvider {
  readonly kind: string;
  private real: FlagProvider | null = null;
  private cause: string;
  private attempt = 0;
  private nextAttemptAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private attempting = false;
  private closed = false;
  private readonly listeners = new Set<ChangeListener>();
  private unsubscribeReal: (() => void) | null = null;
  private readonly now: () => number;
  private readonly connection: Promise<FlagProvider>;
  private resolveConnection: (provider: FlagProvider) => void = () => undefined;

  constructor(private readonly options: ConnectingFlagProviderOptions) {
    this.kind = options.kind;
    this.now = options.now ?? Date.now;
    this.cause = errorText(options.firstError);
    this.connection = new Promise((resolve) => (this.resolveConnection = resolve));
    this.scheduleAttempt();
  }

  get label(): string {
    return this.real?.label ?? this.options.label;
  }

  /** The real provider once connected, else null. */
  connected(): FlagProvider | null {
    return this.real;
  }

  /**
   * Resolves with the real provider the moment it takes over — before the change listeners are told,
   * so that what waited for it (changes an earlier run left unsettled) is queued ahead of anything a
   * listener or a timer starts. Never resolves when the stand-in is closed first.
   */
  whenConnected(): Promise<FlagProvider> {
    return this.connection;
  }

  problem(): string | null {
    if (this.real) return this.real.problem?.() ?? null;
    return `${this.options.target}: cannot connect (${this.cause}) — ${this.retryText()}`;
  }

  async listFlags(): Promise<FlagInfo[]> {
    return this.provider().listFlags();
  }

  async readFlag(flagKey: string): Promise<FlagInfo | null> {
    const real = this.provider();
    if (real.readFlag) return real.readFlag(flagKey);
    return (await real.listFlags()).find((flag) => flag.key === flagKey) ?? null;
  }

  async environmentStates(): Promise<Record<string, FlagEnvironmentState[]>> {
    return (await this.provider().environmentStates?.()) ?? {};
  }

  async tenantFlags(tenantId: string): Promise<TenantFlag[]> {
    return this.provider().tenantFlags(tenantId);
  }

  /** Nothing is known before the first listing: every tenant reads as "no value" (the switch's default). */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    return this.real?.valuesFor(flagKey, tenantIds) ?? new Map();
  }

  async setTenantValue(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    ctx: WriteContext,
  ): Promise<void> {
    return this.provider().setTenantValue(flagKey, tenantId, value, ctx);
  }

  async servedValue(flagKey: string, tenantId: string): Promise<FlagValue> {
    return this.provider().servedValue(flagKey, tenantId);
  }

  async setFlagEnabled(flagKey: string, enabled: boolean, ctx: WriteContext): Promise<void> {
    return this.provider().setFlagEnabled(flagKey, enabled, ctx);
  }

  async scheduleNativeRevert(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    revertAt: number,
  ): Promise<boolean> {
    return this.provider().scheduleNativeRevert(flagKey, tenantId, value, revertAt);
  }

  async cancelNativeRevert(flagKey: string, tenantId: string): Promise<boolean> {
    const real = this.provider();
    return real.cancelNativeRevert ? real.cancelNativeRevert(flagKey, tenantId) : false;
  }

  async requestApproval(change: ProposedChange, ctx: WriteContext): Promise<ApprovalRequest> {
    const real = this.provider();
    if (!real.requestApproval) throw new FlagProviderError(`${real.label} has no approval requests`);
    return real.requestApproval(change, ctx);
  }

  async history(query: { flagKey?: string; limit: number }): Promise<ProviderEvent[]> {
    return this.provider().history(query);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribeReal?.();
    this.listeners.clear();
    await this.real?.close();
  }

  private provider(): FlagProvider {
    if (this.real) return this.real;
    throw new FlagProviderError(
      `${this.options.target} is not connected: ${this.cause} — ${this.retryText()}`,
      true,
    );
  }

  // The same text from one attempt to the next (no countdown): every change of problem() is a
  // status change, and every window reloads the app info on each one.
  private retryText(): string {
    if (this.attempting) return 'trying again now';
    return `next attempt at ${clockTime(this.nextAttemptAt)}`;
  }

  private scheduleAttempt(): void {
    const { minMs, maxMs } = this.options.retry ?? DEFAULT_CONNECT_RETRY;
    const delay = backoffDelay(this.attempt, minMs, maxMs, this.options.random);
    this.attempt += 1;
    this.nextAttemptAt = this.now() + delay;
    this.timer = setTimeout(() => void this.tryConnect(), delay);
  }

  private async tryConnect(): Promise<void> {
    this.timer = null;
    this.attempting = true;
    let provider: FlagProvider;
    try {
      provider = await this.options.connect();
    } catch (error) {
      this.attempting = false;
      if (this.closed) return;
      this.cause = errorText(error);
      this.scheduleAttempt();
      return;
    }
    this.attempting = false;
    // Closed while connecting (the profile was switched or the console stopped): not ours to keep.
    if (this.closed) return void (await provider.close());
    this.real = provider;
    this.resolveConnection(provider);
    this.unsubscribeReal = provider.onChange((change) => this.emit(change));
    const flagKeys = await provider.listFlags().then(
      (flags) => flags.map((flag) => flag.key),
      () => [],
    );
    if (this.closed) return;
    this.emit({ flagKeys, etag: `connected-${this.now()}` });
    this.options.onConnected?.(provider);
  }

  private emit(change: { flagKeys: string[]; etag: string }): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}

/** HH:MM:SS in local time: a moment within the next minute, said the way a clock on the wall says it. */
function clockTime(at: number): string {
  const time = new Date(at);
  return [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}
