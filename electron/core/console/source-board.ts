import type { BrokerHealth, SourceStatus } from '../api';
import { errorText } from '../errors/error-text';
import type { FlagProvider } from '../flags/flag-provider';
import { OfrepGate } from '../flags/ofrep-gate/ofrep-gate';
import type { MetricsSample, MetricsSource, TenantGate } from '../metrics/metrics-source';
import type { EventBus } from './event-bus';

export interface SourceBoardOptions {
  sources: readonly MetricsSource[];
  /** the source whose per-tenant rates drive the table (-1: none) */
  rateSource: number;
  /** the simulated workload's flag client, when a simulated source runs */
  gate: TenantGate | null;
  provider: FlagProvider;
  bus: EventBus;
}

export interface BoardSample {
  /** per-tenant rates from the rate source (its last sample when it has no new one) */
  rates: MetricsSample;
  /**
   * false: the rate source has nothing newer than what the last tick got (it failed, has not
   * answered yet, or was slower than the deadline) — `rates` is a repeat and must not be ingested
   */
  ratesFresh: boolean;
  /** every broker source's health this tick (last good, when one failed) */
  brokers: BrokerHealth[];
}

interface SourceSlot {
  source: MetricsSource;
  last: MetricsSample | null;
  failure: string | null;
  /** the request still running: a slow source never gets a second one at the same time */
  pending: Promise<void> | null;
  /** it had not answered by the last tick's deadline */
  late: boolean;
}

/**
 * A tick waits this share of the interval for its sources, leaving the rest for the model and the
 * push, so that one slow source cannot hold back the others' rates (a spike must be marked within
 * two ticks whatever a broker's management API is doing).
 */
const DEADLINE_SHARE = 0.8;

/**
 * Samples every source at once each tick, waiting for each at most until the tick's deadline. A
 * source that fails, or has not answered by then, keeps serving its last data marked stale (the
 * table does not drop to zero because a scrape failed) and says why; a late request keeps running
 * and its answer serves a later tick. The status list is pushed to the UI only when something a
 * user would see changed.
 */
export class SourceBoard {
  private readonly slots: SourceSlot[];
  private intervalMs = 1000;
  private published = '';
  /** the rate sample the last tick got, to tell a new one from a repeat */
  private servedRates: MetricsSample | null = null;

  constructor(private readonly options: SourceBoardOptions) {
    this.slots = options.sources.map((source) => ({
      source,
      last: null,
      failure: null,
      pending: null,
      late: false,
    }));
  }

  async sample(now: number): Promise<BoardSample> {
    const answers = this.slots.map((slot) => this.request(slot, now));
    await this.untilDeadline(Promise.all(answers));
    for (const slot of this.slots) slot.late = slot.pending !== null;
    return {
      ...this.rates(now),
      brokers: this.slots.flatMap((slot) => (slot.last?.broker ? [slot.last.broker] : [])),
    };
  }

  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
  }

  statuses(now = Date.now()): SourceStatus[] {
    const list = this.slots.map((slot) => this.metricsStatus(slot, now));
    list.push(this.flagsStatus());
    if (this.options.gate instanceof OfrepGate) list.push(this.flagClientStatus(this.options.gate));
    return list;
  }

  /** Push the statuses when anything a user would see about them changed. */
  publishIfChanged(now = Date.now()): void {
    const statuses = this.statuses(now);
    const key = JSON.stringify(statuses.map((s) => [s.id, s.state, s.message, s.stale]));
    if (key === this.published) return;
    this.published = key;
    this.options.bus.emit('sources.onStatus', statuses);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.slots.map((slot) => slot.source.close()));
  }

  /** The source's running request, or a new one when none is running. */
  private request(slot: SourceSlot, now: number): Promise<void> {
    slot.pending ??= this.sampleOne(slot, now).finally(() => {
      slot.pending = null;
    });
    return slot.pending;
  }

  private async untilDeadline(work: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.deadlineMs());
    });
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private deadlineMs(): number {
    return Math.round(this.intervalMs * DEADLINE_SHARE);
  }

  private rates(now: number): Pick<BoardSample, 'rates' | 'ratesFresh'> {
    const slot = this.slots[this.options.rateSource];
    // No rate source: the listed tenants at zero is the truth, every tick.
    if (!slot) return { rates: { t: now, rates: new Map() }, ratesFresh: true };
    const last = slot.last;
    if (!last) return { rates: { t: now, rates: new Map() }, ratesFresh: false };
    const served = this.servedRates;
    this.servedRates = last;
    return { rates: last, ratesFresh: last !== served && last.t !== served?.t };
  }

  private async sampleOne(slot: SourceSlot, now: number): Promise<void> {
    try {
      slot.last = await slot.source.sample(now);
      slot.failure = null;
    } catch (error) {
      slot.failure = errorText(error);
    }
  }

  private metricsStatus(slot: SourceSlot, now: number): SourceStatus {
    const status = slot.source.status();
    const stale =
      status.stale ||
      slot.late ||
      (slot.last !== null && now - slot.last.t > 2 * Math.max(this.intervalMs, 1000));
    if (status.state !== 'ok') return { ...status, stale };
    if (slot.failure) return { ...status, state: 'down', message: slot.failure, stale: true };
    if (slot.late) {
      const message = `no answer within ${this.deadlineMs()} ms — showing its last sample while it answers`;
      return { ...status, state: 'degraded', message, stale: true };
    }
    return { ...status, stale };
  }

  private flagsStatus(): SourceStatus {
    const { provider } = this.options;
    const problem = provider.problem?.() ?? null;
    return {
      id: 'flags',
      kind: provider.kind,
      label: `flags: ${provider.label}`,
      state: problem ? 'degraded' : 'ok',
      // Not "serving the last good flags": a provider still connecting has none to serve.
      message: problem ? `${problem} — writes are refused until it is fixed` : null,
      lastOkAt: null,
      stale: false,
      simulated: false,
    };
  }

  /** The workload's own OFREP client: if it cannot hear flips, the kill switch cannot take effect. */
  private flagClientStatus(gate: OfrepGate): SourceStatus {
    const state = gate.state();
    const healthy = state.connected && !state.error;
    return {
      id: 'workload-flag-client',
      kind: 'ofrep-client',
      label: 'workload OFREP client',
      // A connected stream with one failed evaluation still hears flips: degraded, not down.
      state: healthy ? 'ok' : state.connected ? 'degraded' : state.error ? 'down' : 'connecting',
      message: state.error,
      lastOkAt: state.lastOkAt,
      stale: !healthy,
      simulated: true,
    };
  }
}
