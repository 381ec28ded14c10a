import type { SourceStatus } from '../api';
import type { MetricsSample, MetricsSource } from './metrics-source';
import { SourceError, SourceHealth } from './source-health';

export interface HttpSourceIdentity {
  id: string;
  kind: string;
  label: string;
  timeoutMs?: number;
  clock?: () => number;
  random?: () => number;
}

/**
 * What every HTTP metrics source shares: its identity, its health (status, backoff, staleness) and
 * the open/closed switch. A source adds what it provides and how one sample is read.
 */
export abstract class HttpSource implements MetricsSource {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly simulated = false;
  abstract readonly provides: { tenantRates: boolean; broker: boolean };
  protected readonly health: SourceHealth;
  protected readonly timeoutMs: number;
  private closed = false;

  constructor(identity: HttpSourceIdentity) {
    this.id = identity.id;
    this.kind = identity.kind;
    this.label = identity.label;
    this.timeoutMs = identity.timeoutMs ?? 2_000;
    this.health = new SourceHealth({
      id: identity.id,
      kind: identity.kind,
      label: identity.label,
      clock: identity.clock,
      random: identity.random,
    });
  }

  async start(): Promise<void> {
    this.closed = false;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  status(): SourceStatus {
    return this.health.status();
  }

  async sample(now: number): Promise<MetricsSample> {
    if (this.closed) throw new SourceError('closed');
    this.health.begin(now);
    return this.read(now);
  }

  /** One sample; report success or failure to `this.health` as it goes. */
  protected abstract read(now: number): Promise<MetricsSample>;
}
