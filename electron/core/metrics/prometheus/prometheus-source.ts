/**
 * Per-tenant rates from Prometheus: one instant query per tick (`/api/v1/query`, 1 request), and a
 * range query (`/api/v1/query_range`, 1 request) to fill the charts on start. Values arrive as strings
 * ("409.64", "NaN", "+Inf"); a series without the tenant label is left out; an answer with
 * `status: "error"` is a source error carrying Prometheus's own message. An answer with no series
 * at all makes the source degraded, with a hint: it is a query problem, not a quiet system.
 */
import { z } from 'zod';
import { tenantIdSchema } from '../../api';
import { HttpSource } from '../http-source';
import type { MetricsSample } from '../metrics-source';
import { formatDuration, httpGet, parseJson, SourceError } from '../source-health';

export interface PrometheusSourceOptions {
  id?: string;
  label?: string;
  /** the server's base URL, e.g. http://127.0.0.1:9090 */
  url: string;
  /** PromQL giving one series per tenant (default `sum by (tenant) (rate(events_published_total[30s]))`) */
  query?: string;
  /** the label naming the tenant (default `tenant`) */
  tenantLabel?: string;
  /** per request (default 2 s) */
  timeoutMs?: number;
  /** an answer slower than this makes the source degraded (default half the timeout) */
  slowMs?: number;
  /** extra headers, e.g. `authorization` for a protected server */
  headers?: Record<string, string>;
  clock?: () => number;
  random?: () => number;
}

export const DEFAULT_PROMETHEUS_QUERY = 'sum by (tenant) (rate(events_published_total[30s]))';
const SERVICE = 'Prometheus';
const WHAT = 'the Prometheus HTTP API';
/** Prometheus refuses ranges of more than 11,000 points per series. */
const MAX_POINTS = 11_000;

const sampleValue = z.tuple([z.number(), z.string()]);
const metric = z.record(z.string(), z.string());
const errorAnswer = z.object({
  status: z.literal('error'),
  errorType: z.string().nullish(),
  error: z.string().nullish(),
});
const successAnswer = z.object({
  status: z.literal('success'),
  warnings: z.array(z.string()).nullish(),
  data: z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric, value: sampleValue })) }),
    z.object({
      resultType: z.literal('matrix'),
      result: z.array(z.object({ metric, values: z.array(sampleValue) })),
    }),
    z.object({ resultType: z.literal('scalar'), result: sampleValue }),
    z.object({ resultType: z.literal('string'), result: sampleValue }),
  ]),
});
export const prometheusAnswerSchema = z.union([successAnswer, errorAnswer]);
export type PrometheusAnswer = z.output<typeof prometheusAnswerSchema>;

export class PrometheusSource extends HttpSource {
  readonly provides = { tenantRates: true, broker: false };
  readonly query: string;
  readonly tenantLabel: string;
  private readonly base: URL;

  constructor(private readonly options: PrometheusSourceOptions) {
    const url = new URL(options.url);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    super({
      ...options,
      id: options.id ?? 'prometheus',
      kind: 'prometheus',
      label: options.label ?? `Prometheus ${url.host}`,
    });
    this.base = url;
    this.query = options.query ?? DEFAULT_PROMETHEUS_QUERY;
    this.tenantLabel = options.tenantLabel ?? 'tenant';
  }

  protected async read(now: number): Promise<MetricsSample> {
    try {
      const { answer, ms } = await this.request(`api/v1/query?query=${encodeURIComponent(this.query)}`);
      if (answer.data.resultType !== 'vector')
        throw new SourceError(
          `${SERVICE}: the query must give one series per ${this.tenantLabel} (an instant vector), not a ${answer.data.resultType}: ${this.query}`,
        );
      const problems = this.problems(answer, ms);
      const rates = new Map<string, number>();
      let unlabelled = 0;
      for (const series of answer.data.result) {
        const tenant = series.metric[this.tenantLabel];
        const value = Number(series.value[1]);
        if (tenant === undefined || !tenantIdSchema.safeParse(tenant).success) {
          unlabelled++;
          continue;
        }
        if (!Number.isFinite(value) || value < 0) continue;
        rates.set(tenant, (rates.get(tenant) ?? 0) + value);
      }
      // No series at all is not "every tenant at 0/s": rate() over a range shorter than two scrapes
      // and a misspelt metric both answer an empty vector, and both are the query's fault.
      if (answer.data.result.length === 0) problems.push(noSeriesProblem(this.query));
      else if (unlabelled > 0 && rates.size === 0)
        problems.push(`no series has a "${this.tenantLabel}" label: check the query (${this.query})`);
      this.health.ok(now, problems);
      return { t: now, rates };
    } catch (error) {
      throw this.health.fail(now, error);
    }
  }

  /**
   * The last `windowMs` at `stepMs` resolution, oldest first, one sample per step (tenants absent
   * at a step are absent from that sample's rates), to fill the charts on start.
   */
  async backfill(
    windowMs: number,
    stepMs: number,
    now = (this.options.clock ?? Date.now)(),
  ): Promise<MetricsSample[]> {
    const step = Math.max(stepMs, Math.ceil(windowMs / MAX_POINTS), 1) / 1000;
    const end = now / 1000;
    const start = end - windowMs / 1000;
    const { answer } = await this.request(
      `api/v1/query_range?query=${encodeURIComponent(this.query)}&start=${start.toFixed(3)}&end=${end.toFixed(3)}&step=${step}`,
    );
    if (answer.data.resultType !== 'matrix')
      throw new SourceError(`${SERVICE}: a range query answered a ${answer.data.resultType}, not a matrix`);
    const byT = new Map<number, Map<string, number>>();
    for (const series of answer.data.result) {
      const tenant = series.metric[this.tenantLabel];
      if (tenant === undefined || !tenantIdSchema.safeParse(tenant).success) continue;
      for (const [ts, text] of series.values) {
        const value = Number(text);
        if (!Number.isFinite(value) || value < 0) continue;
        const t = Math.round(ts * 1000);
        let rates = byT.get(t);
        if (!rates) {
          rates = new Map();
          byT.set(t, rates);
        }
        rates.set(tenant, (rates.get(tenant) ?? 0) + value);
      }
    }
    return [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([t, rates]) => ({ t, rates }));
  }

  private problems(answer: z.output<typeof successAnswer>, ms: number): string[] {
    const problems: string[] = [];
    const slowMs = this.options.slowMs ?? this.timeoutMs / 2;
    if (ms > slowMs) problems.push(`slow: ${SERVICE} took ${formatDuration(ms)}`);
    for (const warning of answer.warnings ?? []) problems.push(`${SERVICE}: ${warning}`);
    return problems;
  }

  /** GET an API path; error answers (400/422/503 with `status: "error"`) become Prometheus's message. */
  private async request(path: string): Promise<{ answer: z.output<typeof successAnswer>; ms: number }> {
    const http = await httpGet(new URL(path, this.base), {
      timeoutMs: this.timeoutMs,
      service: SERVICE,
      headers: this.options.headers,
      accept: [400, 422, 503],
      clock: this.options.clock,
      hints: {
        401: 'check the credentials',
        404: `no /${path.split('?')[0]} at ${this.base.origin}${this.base.pathname}: is this a Prometheus base URL?`,
      },
    });
    // A 503 with Retry-After is back-pressure, not an answer; without JSON it is an outage.
    const looksJson = http.body.trimStart().startsWith('{');
    if (!http.status.toString().startsWith('2') && !looksJson)
      throw new SourceError(`${SERVICE} answered ${http.status}: ${http.body.slice(0, 120).trim()}`);
    const answer = parseJson(http, prometheusAnswerSchema, WHAT);
    if (answer.status === 'error')
      throw new SourceError(
        `${SERVICE}: ${answer.errorType ? `${answer.errorType}: ` : ''}${answer.error ?? 'query failed'}`,
      );
    return { answer, ms: http.ms };
  }
}

/** The hint for an empty answer: the two usual causes, then the query as it was sent. */
function noSeriesProblem(query: string): string {
  return `query returned no series — is the range at least 2× the scrape interval? is the metric name right? (${query})`;
}
