import type { SourceStatus } from '../api';
import type { EmbeddedFlagProvider } from '../flags/embedded/embedded-flag-provider';
import type { OfrepGate } from '../flags/ofrep-gate/ofrep-gate';
import type { MetricsSample, MetricsSource } from '../metrics/metrics-source';
import type { EventBus } from './event-bus';

export interface SourceBoardOptions {
  source: MetricsSource;
  gate: OfrepGate;
  provider: EmbeddedFlagProvider;
  bus: EventBus;
}

/**
 * Samples the metrics source and keeps every source's status: a source that fails keeps serving its
 * last rates marked stale (the table does not drop to zero because a scrape failed), and the status
 * list is pushed to the UI only when it changes.
 */
export class SourceBoard {
  private last: MetricsSample = { t: 0, rates: new Map() };
  private failure: string | null = null;
  private intervalMs = 1000;
  private published = '';

  constructor(private readonly options: SourceBoardOptions) {}

  async sample(now: number): Promise<MetricsSample> {
    try {
      this.last = await this.options.source.sample(now);
      this.failure = null;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
    return this.last;
  }

  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
  }

  statuses(now = Date.now()): SourceStatus[] {
    return [this.metricsStatus(now), this.flagsStatus(), this.flagClientStatus()];
  }

  /** Push the statuses when anything a user would see about them changed. */
  publishIfChanged(now = Date.now()): void {
    const statuses = this.statuses(now);
    const key = JSON.stringify(statuses.map((s) => [s.state, s.message, s.stale]));
    if (key === this.published) return;
    this.published = key;
    this.options.bus.emit('sources.onStatus', statuses);
  }

  private metricsStatus(now: number): SourceStatus {
    const status = this.options.source.status();
    const stale = this.last.t > 0 && now - this.last.t > 2 * this.intervalMs;
    if (!this.failure) return { ...status, stale };
    return { ...status, state: 'down', message: this.failure, stale: true };
  }

  private flagsStatus(): SourceStatus {
    const { provider } = this.options;
    const problem = provider.store.error;
    return {
      id: 'flags',
      kind: provider.kind,
      label: `flags: ${provider.label}`,
      state: problem ? 'degraded' : 'ok',
      message: problem
        ? `${problem.message} — serving the last good flags; writes are refused until it is fixed`
        : null,
      lastOkAt: null,
      stale: false,
      simulated: false,
    };
  }

  /** The workload's own OFREP client: if it cannot hear flips, the kill switch cannot take effect. */
  private flagClientStatus(): SourceStatus {
    const state = this.options.gate.state();
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
