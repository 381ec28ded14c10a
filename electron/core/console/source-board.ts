import type { BrokerHealth, SourceStatus } from '../api';
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
  /** per-tenant rates from the rate source */
  rates: MetricsSample;
  /** every broker source's health this tick (last good, when one failed) */
  brokers: BrokerHealth[];
}

interface SourceSlot {
  source: MetricsSource;
  last: MetricsSample | null;
  failure: string | null;
}

/**
 * Samples every source at once each tick. A source that fails keeps serving its last data marked
 * stale (the table does not drop to zero because a scrape failed) and says why; the status list is
 * pushed to the UI only when something a user would see changed.
 */
export class SourceBoard {
  private readonly slots: SourceSlot[];
  private intervalMs = 1000;
  private published = '';

  constructor(private readonly options: SourceBoardOptions) {
    this.slots = options.sources.map((source) => ({ source, last: null, failure: null }));
  }

  async sample(now: number): Promise<BoardSample> {
    await Promise.all(this.slots.map((slot) => this.sampleOne(slot, now)));
    const rateSlot = this.slots[this.options.rateSource];
    return {
      rates: rateSlot?.last ?? { t: now, rates: new Map() },
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

  private async sampleOne(slot: SourceSlot, now: number): Promise<void> {
    try {
      slot.last = await slot.source.sample(now);
      slot.failure = null;
    } catch (error) {
      slot.failure = error instanceof Error ? error.message : String(error);
    }
  }

  private metricsStatus(slot: SourceSlot, now: number): SourceStatus {
    const status = slot.source.status();
    const stale =
      status.stale || (slot.last !== null && now - slot.last.t > 2 * Math.max(this.intervalMs, 1000));
    if (!slot.failure || status.state !== 'ok') return { ...status, stale };
    return { ...status, state: 'down', message: slot.failure, stale: true };
  }

  private flagsStatus(): SourceStatus {
    const { provider } = this.options;
    const problem = provider.problem?.() ?? null;
    return {
      id: 'flags',
      kind: provider.kind,
      label: `flags: ${provider.label}`,
      state: problem ? 'degraded' : 'ok',
      message: problem
        ? `${problem} — serving the last good flags; writes are refused until it is fixed`
        : null,
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
