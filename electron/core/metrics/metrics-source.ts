import type { BrokerHealth, SourceStatus } from '../api';
import type { BrokerHealthDetectorOptions } from '../traffic/broker-health/broker-health-detector';

/** One sample from a source: per-tenant rates in events/s and, for a broker, its health. */
export interface MetricsSample {
  /** epoch ms the sample describes */
  t: number;
  /** per-tenant events/s; empty for a source that gives broker health only */
  rates: Map<string, number>;
  broker?: BrokerHealth;
}

/** Where per-tenant rates (and later broker health) come from. */
export interface MetricsSource {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly simulated: boolean;
  /** what this source contributes: per-tenant rates, broker health, or both */
  readonly provides: { tenantRates: boolean; broker: boolean };
  start(): Promise<void>;
  /** Called once per tick; resolves with the latest rates or rejects with the reason the source is down. */
  sample(now: number): Promise<MetricsSample>;
  status(): SourceStatus;
  /** Past rates (oldest first) to fill the charts on start, where the source keeps history (Prometheus). */
  backfill?(windowMs: number, stepMs: number): Promise<MetricsSample[]>;
  /** New broker-health thresholds (the `detection.broker` settings), where the source judges a broker. */
  tuneBrokerDetector?(options: BrokerHealthDetectorOptions): void;
  close(): Promise<void>;
}

/**
 * Whether each tenant may publish, as seen by a flag *client* (not the provider): the simulated
 * workload and the demo publisher consult it on every publish, so a lookup must cost nothing.
 */
export interface TenantGate {
  allowed(tenantId: string): boolean;
  /** Tenants the client evaluates; others are allowed. An OFREP client holds these until first answered. */
  setTenants(tenantIds: readonly string[]): void;
  /**
   * Not allowed only because the client has no answer for the tenant yet (an OFREP client holds
   * tenants until first answered): a publisher counts those apart from switched-off ones.
   * Absent: the client never holds a tenant.
   */
  held?(tenantId: string): boolean;
  onChange(listener: (tenantIds: string[]) => void): () => void;
  close(): Promise<void>;
}
