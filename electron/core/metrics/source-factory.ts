import type { BrokerHealthDetectorOptions } from '../traffic/broker-health/broker-health-detector';
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
  /** broker-health thresholds for every RabbitMQ source (the `detection.broker` settings) */
  brokerDetector?: BrokerHealthDetectorOptions;
}

/**
 * Every source of a profile, each with an id of its own. Statuses, broker health and its history
 * are keyed by source id, so two RabbitMQ sources sharing the default id `rabbitmq` would overwrite
 * each other's board.
 */
export function createSources(configs: readonly SourceConfig[], deps: SourceDeps): MetricsSource[] {
  const ids = sourceIds(configs);
  return configs.map((config, i) => createSource(config, deps, ids[i]));
}

/**
 * One unique id per source, the same for the same list: an id given in the config is kept, a source
 * without one gets its kind (`rabbitmq`), and a later one that would repeat an id gets the first free
 * `-2`, `-3`… suffix (`rabbitmq-2`). Given ids are reserved first, so a defaulted source never takes
 * an id that the profile names explicitly further down the list.
 */
export function sourceIds(configs: readonly SourceConfig[]): string[] {
  const taken = new Set<string>();
  const explicit = configs.map((c) => (c.kind === 'simulated' ? undefined : c.id));
  for (const id of explicit) if (id !== undefined) taken.add(id);
  const seenExplicit = new Set<string>();
  return configs.map((config, i) => {
    const given = explicit[i];
    // the first holder of a given id keeps it; a repeat of it is renamed like a default
    if (given !== undefined && !seenExplicit.has(given)) {
      seenExplicit.add(given);
      return given;
    }
    const id = freeId(given ?? config.kind, taken);
    taken.add(id);
    return id;
  });
}

function freeId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/**
 * One place that knows every kind of source: adding a kind is a folder plus one line here. `id`
 * overrides the config's (see `createSources`, which makes ids unique across a profile).
 */
export function createSource(config: SourceConfig, deps: SourceDeps, id?: string): MetricsSource {
  switch (config.kind) {
    case 'simulated':
      return new SimulatedSource({
        ...(id === undefined ? {} : { id }),
        tenants: config.tenants ?? deps.defaultTenants,
        spikeAfterMs: config.spikeAfterMs === undefined ? deps.defaultSpikeAfterMs : config.spikeAfterMs,
        gate: deps.gate(),
      });
    case 'rabbitmq':
      return new RabbitMqSource({
        ...config,
        id: id ?? config.id ?? 'rabbitmq',
        label: `RabbitMQ ${hostOf(config.url)}`,
        detector: deps.brokerDetector,
      });
    case 'prometheus':
      return new PrometheusSource({
        ...config,
        id: id ?? config.id ?? 'prometheus',
        label: `Prometheus ${hostOf(config.url)}`,
      });
    case 'scrape':
      return new ScrapeSource({
        ...config,
        id: id ?? config.id ?? 'scrape',
        label: `scrape ${hostOf(config.url)}`,
      });
  }
}

/** host:port only — never the userinfo, which may carry a password. */
function hostOf(url: string): string {
  return new URL(url).host;
}
