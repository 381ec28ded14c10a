import type { SourceStatus } from '../../api';
import type { MetricsSample, MetricsSource } from '../../metrics/metrics-source';
import { brokerHealth } from '../../traffic/broker-health/testing';

/**
 * A metrics source for tests whose behaviour each test sets: answer at once, fail, or hold every
 * request until `release()` — a slow management API without a slow server. Counts requests and how
 * many ran at once.
 */
export class ScriptedSource implements MetricsSource {
  readonly kind = 'scripted';
  readonly simulated = false;
  readonly label: string;
  readonly provides: { tenantRates: boolean; broker: boolean };
  mode: 'answer' | 'fail' | 'hold' = 'answer';
  /** the rates each answer carries; a function gets the request's time */
  rates: Map<string, number> | ((now: number) => Map<string, number>) = new Map();
  calls = 0;
  maxInFlight = 0;
  private inFlight = 0;
  private held: (() => void)[] = [];

  constructor(
    readonly id: string,
    options: { broker?: boolean } = {},
  ) {
    this.label = `scripted ${id}`;
    this.provides = { tenantRates: !options.broker, broker: options.broker ?? false };
  }

  async start(): Promise<void> {}

  async sample(now: number): Promise<MetricsSample> {
    this.calls++;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      if (this.mode === 'fail') throw new Error(`${this.id} refused the connection`);
      if (this.mode === 'hold') await new Promise<void>((resolve) => this.held.push(resolve));
      return this.reading(now);
    } finally {
      this.inFlight--;
    }
  }

  /** Let every held request answer (with the time it was made). */
  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }

  status(): SourceStatus {
    return {
      id: this.id,
      kind: this.kind,
      label: this.label,
      state: 'ok',
      message: null,
      lastOkAt: null,
      stale: false,
      simulated: false,
    };
  }

  async close(): Promise<void> {
    this.release();
  }

  private reading(now: number): MetricsSample {
    const rates = typeof this.rates === 'function' ? this.rates(now) : new Map(this.rates);
    if (!this.provides.broker) return { t: now, rates };
    return { t: now, rates, broker: { ...brokerHealth({ t: now }), sourceId: this.id } };
  }
}
