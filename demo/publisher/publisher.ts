/**
 * The tenant workload done right: many tenants publishing events to the topic exchange `events`
 * (routing key `tenant.<id>.<type>`) over ONE connection and ONE confirm channel (see AmqpLink).
 *
 * - Each tenant is gated by its `publish-events` flag: `gate.allowed(id)` is a Map lookup kept
 *   current by the OFREP change stream (OfrepGate), so the check costs nothing per publish. A
 *   gated event is counted as dropped, reason "switched_off" — or "flags_unknown" while the gate
 *   holds a tenant it has no answer for yet (the flag server unreachable at start), so that a
 *   flag outage is not mistaken for tenants being switched off.
 * - At most `maxInFlight` publishes await their confirm. What cannot be sent is dropped and counted
 *   (blocked, disconnected, backpressure), never buffered without bound: when the broker blocks the
 *   connection (memory alarm) the publisher pauses instead of filling amqplib's buffer in silence.
 * - `events_published_total{tenant}` counts broker confirms, not calls to publish().
 *
 * Two ways to drive it: `paced` (each tenant at its rate, ticks of `tickMs`, with the optional
 * scripted spike) and `flood` (round-robin over the tenants as fast as the confirm window allows:
 * the throughput benchmark). Channel-leak mode reproduces the original bug: a NEW channel for every
 * publish, never closed, until amqplib runs out at channel_max.
 */
import type { ConfirmChannel } from 'amqplib';
import { OfrepGate } from '../../electron/core/flags/ofrep-gate/ofrep-gate';
import type { TenantGate } from '../../electron/core/metrics/metrics-source';
import { ScriptedSpike } from '../../electron/core/metrics/simulated/scripted-spike';
import { AmqpLink, type LinkState } from './amqp-link';
import {
  DROP_REASONS,
  type DropReason,
  type MetricsServer,
  publisherRegistry,
  serveMetrics,
  TenantCounters,
} from './publisher-metrics';
import type { SpikeOptions, TenantLoad } from './tenant-load';

export interface PublisherOptions {
  /** amqp://user:pass@host:port/vhost */
  amqpUrl: string;
  tenants: readonly TenantLoad[];
  /** default "events" */
  exchange?: string;
  /** event types cycled per tenant, the last part of the routing key (default order, click, login, invoice) */
  eventTypes?: readonly string[];
  /**
   * The kill switch: an OFREP endpoint (the publisher runs and owns an OfrepGate for
   * `publish-events`), a gate of the caller's, or null for the flag-less mode.
   */
  flags: { ofrepEndpoint: string; token?: string; flagKey?: string } | { gate: TenantGate } | null;
  /** default "paced" */
  mode?: 'paced' | 'flood';
  /** paced mode: ms between scheduling rounds (default 10) */
  tickMs?: number;
  spike?: SpikeOptions | null;
  /** reproduce the incident: a new channel per publish, never closed */
  channelLeak?: boolean;
  /** publishes awaiting their confirm, at most (default 1,000) */
  maxInFlight?: number;
  /** /metrics on 127.0.0.1:<port>; 0 picks a free port; null: no server (default 0) */
  metricsPort?: number | null;
  /** the broker shows it as the connection name (default "switchboard-demo-publisher") */
  connectionName?: string;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** how long stopping waits for the broker to confirm the close before cutting the socket (default 2 s) */
  closeTimeoutMs?: number;
  /** how long start() waits for the first flag evaluations before publishing anyway (default 5 s) */
  flagsTimeoutMs?: number;
  log?: (line: string) => void;
}

/** One tenant's counts, for tests, benchmarks and the demo's status line. */
export interface TenantStats {
  id: string;
  published: number;
  dropped: Record<DropReason, number>;
  inFlight: number;
  /** performance.now() of the last broker confirm of this tenant's events, or null */
  lastConfirmAt: number | null;
  allowed: boolean;
  /** not allowed only because the flag client has no answer for it yet */
  flagsUnknown: boolean;
}

export interface PublisherStats {
  state: LinkState;
  blocked: boolean;
  connections: number;
  channelsOpened: number;
  inFlight: number;
  published: number;
  dropped: Record<DropReason, number>;
  lastError: string | null;
}

const DEFAULT_EVENT_TYPES = ['order', 'click', 'login', 'invoice'];

export class Publisher {
  /** http://127.0.0.1:<port>/metrics, or null when not served */
  metricsUrl: string | null = null;

  private readonly ids: string[];
  private readonly index = new Map<string, number>();
  private readonly rates: Float64Array;
  private readonly owed: Float64Array;
  private readonly inFlightBy: Int32Array;
  private readonly lastConfirm: Float64Array;
  private readonly seq: Float64Array;
  private readonly keys: string[][];
  private readonly counters: TenantCounters;
  private readonly exchange: string;
  private readonly types: readonly string[];
  private readonly maxInFlight: number;
  private readonly mode: 'paced' | 'flood';
  private readonly tickMs: number;
  private readonly link: AmqpLink;
  private readonly gate: TenantGate | null;
  private readonly ownsGate: boolean;
  private readonly log: (line: string) => void;

  private inFlight = 0;
  private channelsOpened = 0;
  private writable = true;
  private drainChannel: ConfirmChannel | null = null;
  private spike: ScriptedSpike | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private rotate = 0;
  private pumpScheduled = false;
  private leakReported = false;
  private running = false;
  private stopped = false;
  private metrics: MetricsServer | null = null;
  private readonly waiters = new Set<{
    check: () => boolean;
    resolve: () => void;
    reject: (e: Error) => void;
  }>();
  private unsubscribeGate: (() => void) | null = null;

  constructor(private readonly options: PublisherOptions) {
    if (options.tenants.length === 0) throw new Error('the publisher needs at least one tenant');
    this.ids = options.tenants.map((t) => t.id);
    this.ids.forEach((id, i) => {
      if (this.index.has(id)) throw new Error(`tenant "${id}" is listed twice`);
      this.index.set(id, i);
    });
    const n = this.ids.length;
    this.rates = Float64Array.from(options.tenants.map((t) => t.rate));
    this.owed = new Float64Array(n);
    this.inFlightBy = new Int32Array(n);
    this.lastConfirm = new Float64Array(n).fill(Number.NaN);
    this.seq = new Float64Array(n);
    this.exchange = options.exchange ?? 'events';
    this.types = options.eventTypes ?? DEFAULT_EVENT_TYPES;
    this.keys = this.ids.map((id) => this.types.map((type) => `tenant.${id}.${type}`));
    this.counters = new TenantCounters(this.ids);
    this.maxInFlight = options.maxInFlight ?? 1_000;
    this.mode = options.mode ?? 'paced';
    this.tickMs = options.tickMs ?? 10;
    this.log = options.log ?? (() => {});

    const flags = options.flags;
    if (flags === null) {
      this.gate = null;
      this.ownsGate = false;
    } else if ('gate' in flags) {
      this.gate = flags.gate;
      this.ownsGate = false;
    } else {
      this.gate = new OfrepGate({
        endpoint: flags.ofrepEndpoint,
        token: flags.token,
        flagKey: flags.flagKey,
      });
      this.ownsGate = true;
    }

    this.link = new AmqpLink(
      {
        url: options.amqpUrl,
        connectionName: options.connectionName ?? 'switchboard-demo-publisher',
        exchange: this.exchange,
        reconnectMinMs: options.reconnectMinMs,
        reconnectMaxMs: options.reconnectMaxMs,
        closeTimeoutMs: options.closeTimeoutMs,
        log: this.log,
      },
      {
        state: (state, reason) => this.linkState(state, reason),
        blocked: (blocked, reason) => this.linkBlocked(blocked, reason),
        channelOpened: () => {
          this.channelsOpened++;
        },
      },
    );
  }

  /** Serve /metrics, learn the flags, connect, and start publishing (connecting goes on in the background). */
  async start(): Promise<void> {
    if (this.running || this.stopped) throw new Error('a publisher starts once');
    this.running = true;
    const port = this.options.metricsPort === undefined ? 0 : this.options.metricsPort;
    if (port !== null) {
      const registry = publisherRegistry(this.counters, {
        connected: () => this.link.state === 'connected',
        blocked: () => this.link.blocked,
        reconnecting: () => this.link.state === 'reconnecting',
        channelsOpened: () => this.channelsOpened,
        inFlight: () => this.inFlight,
      });
      this.metrics = await serveMetrics(registry, port);
      this.metricsUrl = this.metrics.url;
    }
    if (this.gate) {
      this.unsubscribeGate = this.gate.onChange((ids) => this.gateChanged(ids));
      if (this.gate instanceof OfrepGate) this.watchFlagClient(this.gate);
      this.gate.setTenants(this.ids);
      if (this.gate instanceof OfrepGate)
        await withTimeout(this.gate.whenIdle(), this.options.flagsTimeoutMs ?? 5_000);
    }
    const spike = this.options.spike;
    if (spike) {
      const tenantId = spike.tenantId && this.index.has(spike.tenantId) ? spike.tenantId : this.ids[0]!;
      this.spike = new ScriptedSpike(
        tenantId,
        spike.factor ?? 15,
        performance.now() + spike.afterMs,
        spike.durationMs ?? Number.POSITIVE_INFINITY,
      );
    }
    this.link.start();
    this.lastTick = performance.now();
    if (this.mode === 'paced') this.scheduleTick();
  }

  /** Resolves once connected (now, or after the next reconnect). */
  whenConnected(): Promise<void> {
    return this.link.whenConnected();
  }

  /** Whether the tenant may publish, as the gate sees it now. */
  allowed(tenantId: string): boolean {
    return this.gate ? this.gate.allowed(tenantId) : true;
  }

  tenantIds(): readonly string[] {
    return this.ids;
  }

  tenant(tenantId: string): TenantStats {
    const i = this.index.get(tenantId);
    if (i === undefined) throw new Error(`unknown tenant "${tenantId}"`);
    const dropped = {} as Record<DropReason, number>;
    for (const reason of DROP_REASONS) dropped[reason] = this.counters.dropped[reason][i]!;
    const last = this.lastConfirm[i]!;
    return {
      id: tenantId,
      published: this.counters.published[i]!,
      dropped,
      inFlight: this.inFlightBy[i]!,
      lastConfirmAt: Number.isNaN(last) ? null : last,
      allowed: this.allowed(tenantId),
      flagsUnknown: this.gate?.held?.(tenantId) ?? false,
    };
  }

  stats(): PublisherStats {
    const dropped = {} as Record<DropReason, number>;
    for (const reason of DROP_REASONS) dropped[reason] = sum(this.counters.dropped[reason]);
    return {
      state: this.link.state,
      blocked: this.link.blocked,
      connections: this.link.connections,
      channelsOpened: this.channelsOpened,
      inFlight: this.inFlight,
      published: sum(this.counters.published),
      dropped,
      lastError: this.link.error,
    };
  }

  /**
   * Resolves when `condition` holds; it is checked now, after every confirm, flag change and tick
   * (no polling). Rejects after `timeoutMs` (default 30 s).
   */
  until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        check: condition,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`publisher: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /**
   * Stop publishing, give in-flight publishes up to `drainMs` to be confirmed, close the
   * connection, the flag client (when it is ours) and the metrics server.
   */
  async stop(drainMs = 2_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight > 0 && this.link.state === 'connected' && !this.link.blocked && drainMs > 0) {
      await this.until(() => this.inFlight === 0, drainMs).catch(() => {});
    }
    this.unsubscribeGate?.();
    await this.link.stop();
    if (this.ownsGate) await this.gate?.close();
    await this.metrics?.close();
    for (const waiter of this.waiters) waiter.reject(new Error('publisher stopped'));
    this.waiters.clear();
  }

  // ── paced mode ──────────────────────────────────────────────────────────────────────────────

  private scheduleTick(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick();
      this.scheduleTick();
    }, this.tickMs);
  }

  private tick(): void {
    const now = performance.now();
    const dt = Math.min((now - this.lastTick) / 1000, 1);
    this.lastTick = now;
    const n = this.ids.length;
    const channel = this.link.confirmChannel;
    const blocked = this.link.blocked;
    const spikeIndex = this.spike ? this.index.get(this.spike.tenantId)! : -1;
    // Start the round at a different tenant each tick: when the window is full, nobody is always last.
    const start = this.rotate++ % n;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const id = this.ids[i]!;
      const allowed = this.gate === null || this.gate.allowed(id);
      const rate = i === spikeIndex ? this.rates[i]! * this.spike!.multiplier(now, allowed) : this.rates[i]!;
      const owed = this.owed[i]! + rate * dt;
      let count = Math.floor(owed);
      this.owed[i] = owed - count;
      if (count === 0) continue;
      if (!allowed) this.counters.dropped[this.gatedReason(id)][i]! += count;
      else if (channel === null) this.counters.dropped.disconnected[i]! += count;
      else if (blocked) this.counters.dropped.blocked[i]! += count;
      else {
        while (count > 0 && this.inFlight < this.maxInFlight && this.writable) {
          this.publishOne(i, channel);
          count--;
        }
        if (count > 0) this.counters.dropped.backpressure[i]! += count;
      }
    }
    this.checkWaiters();
  }

  // ── flood mode ──────────────────────────────────────────────────────────────────────────────

  private schedulePump(): void {
    if (this.pumpScheduled || this.stopped || this.mode !== 'flood') return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const channel = this.link.confirmChannel;
    if (this.stopped || channel === null || this.link.blocked) return;
    const n = this.ids.length;
    let skipped = 0;
    while (this.inFlight < this.maxInFlight && this.writable) {
      const i = this.rotate++ % n;
      const id = this.ids[i]!;
      if (this.gate !== null && !this.gate.allowed(id)) {
        this.counters.dropped[this.gatedReason(id)][i]!++;
        // Everyone switched off: look again after a while rather than spin.
        if (++skipped >= n) {
          setTimeout(() => this.schedulePump(), 10).unref();
          return;
        }
        continue;
      }
      skipped = 0;
      this.publishOne(i, channel);
    }
  }

  /** Why the gate stopped a tenant's event: its flag is off, or the gate has no answer for it yet. */
  private gatedReason(tenantId: string): 'switched_off' | 'flags_unknown' {
    return this.gate?.held?.(tenantId) ? 'flags_unknown' : 'switched_off';
  }

  // ── publishing ──────────────────────────────────────────────────────────────────────────────

  private publishOne(i: number, channel: ConfirmChannel): void {
    const seq = this.seq[i]!++;
    const typeIndex = seq % this.types.length;
    const type = this.types[typeIndex]!;
    const id = this.ids[i]!;
    const body = Buffer.from(`{"tenant":"${id}","type":"${type}","seq":${seq},"ts":${Date.now()}}`);
    this.inFlight++;
    this.inFlightBy[i]!++;
    if (this.options.channelLeak) {
      this.publishOnNewChannel(i, this.keys[i]![typeIndex]!, body, type);
      return;
    }
    try {
      const ok = channel.publish(
        this.exchange,
        this.keys[i]![typeIndex]!,
        body,
        { contentType: 'application/json', type },
        (error: unknown) => this.settle(i, error),
      );
      if (!ok) this.waitForDrain(channel);
    } catch {
      // The channel closed under us (amqplib throws): no confirm callback will come.
      this.settle(i, 'disconnected');
    }
  }

  /** The original bug: open a channel, publish once, never close it. */
  private publishOnNewChannel(i: number, key: string, body: Buffer, type: string): void {
    this.link.openChannel().then(
      (leaked) => {
        try {
          leaked.publish(
            this.exchange,
            key,
            body,
            { contentType: 'application/json', type },
            (error: unknown) => this.settle(i, error),
          );
        } catch {
          this.settle(i, 'disconnected');
        }
      },
      (error: Error) => {
        if (!this.leakReported) {
          this.leakReported = true;
          this.log(`channel-leak: ${error.message} after ${this.channelsOpened} channels on one connection`);
        }
        this.settle(i, 'channel_error');
      },
    );
  }

  private settle(i: number, error: unknown): void {
    this.inFlight--;
    this.inFlightBy[i]!--;
    if (error === null || error === undefined) {
      this.counters.published[i]!++;
      this.lastConfirm[i] = performance.now();
    } else if (error === 'disconnected' || error === 'channel_error') {
      this.counters.dropped[error][i]!++;
    } else if (error instanceof Error && error.message === 'message nacked') {
      this.counters.dropped.nacked[i]!++;
    } else {
      this.counters.dropped.unconfirmed[i]!++;
    }
    if (this.mode === 'flood') this.schedulePump();
    if (this.waiters.size > 0) this.checkWaiters();
  }

  private waitForDrain(channel: ConfirmChannel): void {
    this.writable = false;
    if (this.drainChannel === channel) return;
    this.drainChannel = channel;
    channel.once('drain', () => {
      if (this.drainChannel !== channel) return;
      this.drainChannel = null;
      this.writable = true;
      this.schedulePump();
    });
  }

  // ── events from the link and the gate ────────────────────────────────────────────────────────

  private linkState(state: LinkState, reason: string | null): void {
    // A new channel starts with an empty buffer.
    this.writable = true;
    this.drainChannel = null;
    if (state === 'connected') {
      this.log(
        this.link.connections === 1
          ? 'amqp: connected'
          : `amqp: connected again (connection #${this.link.connections})`,
      );
      this.schedulePump();
    } else if (state === 'reconnecting') {
      this.log(`amqp: reconnecting${reason ? ` (${reason})` : ''}`);
    }
    this.checkWaiters();
  }

  private linkBlocked(blocked: boolean, reason: string | null): void {
    this.log(
      blocked
        ? `amqp: the broker blocked the connection (${reason ?? 'resource alarm'}): pausing, counting drops`
        : 'amqp: unblocked: resuming',
    );
    if (!blocked) this.schedulePump();
    this.checkWaiters();
  }

  private gateChanged(ids: string[]): void {
    for (const id of ids) {
      if (!this.index.has(id)) continue;
      this.log(
        `flags: ${id} ${this.allowed(id) ? 'may publish again' : 'switched off: dropping its events'}`,
      );
    }
    this.schedulePump();
    this.checkWaiters();
  }

  /** Say when the flag client loses or regains the OFREP server (the last known values stay in force). */
  private watchFlagClient(gate: OfrepGate): void {
    let said: string | null = null;
    const off = gate.onState((state) => {
      const line = state.error
        ? `flags: ${state.error} (last known values stay in force; tenants not yet evaluated are held)`
        : state.connected
          ? 'flags: following the OFREP change stream'
          : null;
      if (line === null || line === said) return;
      said = line;
      this.log(line);
    });
    const unsubscribe = this.unsubscribeGate;
    this.unsubscribeGate = () => {
      off();
      unsubscribe?.();
    };
  }

  private checkWaiters(): void {
    for (const waiter of this.waiters) {
      if (!waiter.check()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}

/** Build and start a publisher. */
export async function startPublisher(options: PublisherOptions): Promise<Publisher> {
  const publisher = new Publisher(options);
  try {
    await publisher.start();
  } catch (error) {
    await publisher.stop(0);
    throw error;
  }
  return publisher;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
