import type { MetricsSource, TenantGate } from './metrics-source';
import { PrometheusSource } from './prometheus/prometheus-source';
import { RabbitMqSource } from './rabbitmq/rabbitmq-source';
import { ScrapeSource } from './scrape/scrape-source';
import { SimulatedSource } from './simulated/simulated-source';
import type { SourceConfig } from './source-config';

export interface SourceDeps {
  /** the simulated workload's OFREP client; only the simulated source needs one */
  gate: () => TenantGate;
  defaultTenants: number;
  defaultSpikeAfterMs: number | null;
}

/** One place that knows every kind of source: adding a kind is a folder plus one line here. */
export function createSource(config: SourceConfig, deps: SourceDeps): MetricsSource {
  switch (config.kind) {
    case 'simulated':
      return new SimulatedSource({
        tenants: config.tenants ?? deps.defaultTenants,
        spikeAfterMs: config.spikeAfterMs === undefined ? deps.defaultSpikeAfterMs : config.spikeAfterMs,
        gate: deps.gate(),
      });
    case 'rabbitmq':
      return new RabbitMqSource({
        ...config,
        id: config.id ?? 'rabbitmq',
        label: `RabbitMQ ${hostOf(config.url)}`,
      });
    case 'prometheus':
      return new PrometheusSource({
        ...config,
        id: config.id ?? 'prometheus',
        label: `Prometheus ${hostOf(config.url)}`,
      });
    case 'scrape':
      return new ScrapeSource({
        ...config,
        id: config.id ?? 'scrape',
        label: `scrape ${hostOf(config.url)}`,
      });
  }
}

/** host:port only — never the userinfo, which may carry a password. */
function hostOf(url: string): string {
  return new URL(url).host;
}
