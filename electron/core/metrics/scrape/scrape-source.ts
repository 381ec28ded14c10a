/**
 * Per-tenant rates read straight from a service's `/metrics` (Prometheus text format), for setups
 * without a Prometheus server: one GET per tick; the rates are computed here from a counter
 * (default `events_published_total`, tenant in the label `tenant`) and our own timestamps. Each
 * series (full label set) is its own counter — a restart that resets it counts from zero, never
 * negative — and the series' rates are summed per tenant.
 */
import parsePrometheusTextFormat, { type PromTextFamily } from 'parse-prometheus-text-format';
import { tenantIdSchema } from '../../api';
import { HttpSource } from '../http-source';
import type { MetricsSample } from '../metrics-source';
import { formatDuration, httpGet, SourceError, snippet } from '../source-health';
import { CounterRates, type CounterReading } from './counter-rates';

export interface ScrapeSourceOptions {
  id?: string;
  label?: string;
  /** the metrics URL, e.g. http://127.0.0.1:9464/metrics */
  url: string;
  /** the counter to read (default `events_published_total`) */
  counter?: string;
  /** the label naming the tenant (default `tenant`) */
  tenantLabel?: string;
  /** per request (default 2 s) */
  timeoutMs?: number;
  /** an answer slower than this makes the source degraded (default half the timeout) */
  slowMs?: number;
  headers?: Record<string, string>;
  clock?: () => number;
  random?: () => number;
}

const SERVICE = '/metrics endpoint';

export class ScrapeSource extends HttpSource {
  readonly provides = { tenantRates: true, broker: false };
  readonly counter: string;
  readonly tenantLabel: string;
  private readonly url: URL;
  private readonly rates = new CounterRates({ live: true });

  constructor(private readonly options: ScrapeSourceOptions) {
    const url = new URL(options.url);
    super({
      ...options,
      id: options.id ?? 'scrape',
      kind: 'scrape',
      label: options.label ?? `scrape ${url.host}`,
    });
    this.url = url;
    this.counter = options.counter ?? 'events_published_total';
    this.tenantLabel = options.tenantLabel ?? 'tenant';
  }

  protected async read(now: number): Promise<MetricsSample> {
    try {
      const answer = await httpGet(this.url, {
        timeoutMs: this.timeoutMs,
        service: SERVICE,
        headers: { accept: 'text/plain;version=0.0.4;q=1, */*;q=0.1', ...this.options.headers },
        clock: this.options.clock,
        hints: {
          401: 'check the credentials',
          404: `nothing at ${this.url.pathname}: is this the metrics path?`,
        },
      });
      const problems: string[] = [];
      const { readings, tenants, found } = this.counterSeries(answer.body);
      if (!found) problems.push(`no ${this.counter} in the metrics: check the counter name`);
      else if (tenants.size === 0 && readings.size > 0)
        problems.push(`${this.counter} has no "${this.tenantLabel}" label`);
      const slowMs = this.options.slowMs ?? this.timeoutMs / 2;
      if (answer.ms > slowMs) problems.unshift(`slow: the ${SERVICE} took ${formatDuration(answer.ms)}`);
      const seriesRates = this.rates.update(now, readings);
      const rates = new Map<string, number>();
      for (const [key, tenant] of tenants)
        rates.set(tenant, (rates.get(tenant) ?? 0) + (seriesRates.get(key) ?? 0));
      this.health.ok(now, problems);
      return { t: now, rates };
    } catch (error) {
      throw this.health.fail(now, error);
    }
  }

  /** The counter's series, keyed by their label set, and the tenant of each. */
  private counterSeries(body: string): {
    readings: Map<string, CounterReading>;
    tenants: Map<string, string>;
    found: boolean;
  } {
    const families = parseMetrics(body);
    const wanted = new Set([this.counter, this.counter.replace(/_total$/, '')]);
    const readings = new Map<string, CounterReading>();
    const tenants = new Map<string, string>();
    let found = false;
    for (const family of families) {
      if (!wanted.has(family.name)) continue;
      found = true;
      for (const sample of family.metrics) {
        const value = Number(sample.value);
        const labels = sample.labels ?? {};
        const tenant = labels[this.tenantLabel];
        const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
        readings.set(key, { value: Number.isFinite(value) ? value : undefined });
        if (tenant !== undefined && tenantIdSchema.safeParse(tenant).success) tenants.set(key, tenant);
      }
    }
    return { readings, tenants, found };
  }
}

/** `name{labels} value [timestamp]` */
const SAMPLE_LINE = /^[A-Za-z_:][A-Za-z0-9_:]*(\{.*\})?\s+[-+]?(\d|\.\d|Inf|NaN|inf|nan)\S*(\s+-?\d+)?$/;

/** Parse Prometheus text format; anything else is said to be so, with what it was. */
export function parseMetrics(body: string): PromTextFamily[] {
  const text = body.trimStart();
  if (text.startsWith('<') || text.startsWith('{'))
    throw new SourceError(`answered something that is not Prometheus text format: ${snippet(body)}`);
  // The parser is lenient: look at the first sample lines ourselves.
  let checked = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (!SAMPLE_LINE.test(trimmed))
      throw new SourceError(`answered something that is not Prometheus text format: ${snippet(trimmed)}`);
    if (++checked >= 20) break;
  }
  try {
    return parsePrometheusTextFormat(body);
  } catch (error) {
    const line = (error as { message?: string }).message ?? String(error);
    throw new SourceError(`answered something that is not Prometheus text format: ${snippet(line)}`);
  }
}
