import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalServer, type Reply } from '../scrape/testing/local-server';
import {
  DEFAULT_PROMETHEUS_QUERY,
  PrometheusSource,
  type PrometheusSourceOptions,
} from './prometheus-source';

/** Real answers captured from Prometheus 2.42 (shared/reference/samples/prometheus). */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const T0 = 1_795_632_110_000;

describe('PrometheusSource against a server we control', () => {
  let server: LocalServer;
  let reply: (url: URL) => Reply;
  let now: number;
  const make = (options: Partial<PrometheusSourceOptions> = {}) =>
    new PrometheusSource({
      url: server.url,
      timeoutMs: 1_000,
      clock: () => now,
      random: () => 1,
      ...options,
    });

  beforeEach(async () => {
    now = T0;
    reply = (url) =>
      url.pathname === '/api/v1/query_range'
        ? { body: fixture('prom_query_range_tenant_rate.json') }
        : { body: fixture('prom_query_tenant_rate.json') };
    server = await new LocalServer((url) => reply(url)).start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('one instant query per tick; string values become per-tenant rates', async () => {
    const source = make();
    expect(source.provides).toEqual({ tenantRates: true, broker: false });
    const sample = await source.sample(now);
    expect(sample.t).toBe(now);
    expect(Object.fromEntries(sample.rates)).toEqual({
      t1: 22.428571428571427,
      t2: 22.428571428571427,
      t3: 409.64285714285717,
      t4: 22.428571428571427,
      t5: 19.857142857142854,
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.pathname).toBe('/api/v1/query');
    expect(server.requests[0]!.searchParams.get('query')).toBe(DEFAULT_PROMETHEUS_QUERY);
    expect(source.status()).toMatchObject({ state: 'ok', message: null });
  });

  it('backfills the charts with a range query: one sample per step, oldest first', async () => {
    const source = make();
    const samples = await source.backfill(10_000, 2_000);
    const q = server.requests[0]!;
    expect(q.pathname).toBe('/api/v1/query_range');
    expect(Number(q.searchParams.get('end'))).toBe(T0 / 1000);
    expect(Number(q.searchParams.get('start'))).toBe(T0 / 1000 - 10);
    expect(q.searchParams.get('step')).toBe('2');
    expect(samples.map((s) => s.t)).toEqual([0, 2, 4, 6, 8, 10].map((d) => 1_795_632_100_000 + d * 1000));
    expect(Object.fromEntries(samples[0]!.rates)).toEqual({
      t1: 22.5,
      t2: 22.25,
      t3: 412.5,
      t4: 22.25,
      t5: 20,
    });
    expect(samples.at(-1)!.rates.get('t3')).toBe(402.5);
  });

  it('skips NaN/Inf values and series without the tenant label', async () => {
    reply = () => ({
      body: JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { tenant: 'acme' }, value: [1, '8400'] },
            { metric: { tenant: 'globex' }, value: [1, 'NaN'] },
            { metric: { tenant: 'initech' }, value: [1, '+Inf'] },
            { metric: {}, value: [1, '12'] },
          ],
        },
      }),
    });
    expect(Object.fromEntries((await make().sample(now)).rates)).toEqual({ acme: 8400 });
  });

  it('a query without the tenant label is degraded, with a hint', async () => {
    reply = () => ({
      body: JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [1, '5'] }] },
      }),
    });
    const source = make({ query: 'sum(rate(events_published_total[30s]))' });
    expect((await source.sample(now)).rates.size).toBe(0);
    expect(source.status()).toMatchObject({
      state: 'degraded',
      message: 'no series has a "tenant" label: check the query (sum(rate(events_published_total[30s])))',
    });
  });

  it('an answer with no series is degraded with a hint, not every tenant at 0/s', async () => {
    reply = () => ({
      body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
    });
    const source = make();
    expect((await source.sample(now)).rates.size).toBe(0);
    expect(source.status()).toMatchObject({
      state: 'degraded',
      message: `query returned no series — is the range at least 2× the scrape interval? is the metric name right? (${DEFAULT_PROMETHEUS_QUERY})`,
    });
    // Series again: ok, the hint gone.
    reply = () => ({ body: fixture('prom_query_tenant_rate.json') });
    now += 1_000;
    await source.sample(now);
    expect(source.status()).toMatchObject({ state: 'ok', message: null });
  });

  it("an error answer is a source error with Prometheus's own message", async () => {
    reply = () => ({
      status: 400,
      body: JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: 'invalid parameter "query": 1:8: parse error: unexpected "(" in aggregation',
      }),
    });
    const source = make({ query: 'sum by (' });
    await expect(source.sample(now)).rejects.toThrow(
      'Prometheus: bad_data: invalid parameter "query": 1:8: parse error: unexpected "(" in aggregation, retrying in 1 s',
    );
    expect(source.status().state).toBe('down');
  });

  it('a scalar answer is not per-tenant rates', async () => {
    reply = () => ({
      body: JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }),
    });
    await expect(make({ query: '1' }).sample(now)).rejects.toThrow(/must give one series per tenant/);
  });

  it('429 Too Many Requests: waits what Retry-After says, then recovers', async () => {
    reply = () => ({
      status: 429,
      body: 'slow down',
      headers: { 'retry-after': '4', 'content-type': 'text/plain' },
    });
    const source = make();
    await expect(source.sample(now)).rejects.toThrow('Prometheus: 429 Too Many Requests, retrying in 4 s');
    expect(source.status().message).toBe('Prometheus: 429 Too Many Requests, retrying in 4 s');
    reply = () => ({ body: fixture('prom_query_tenant_rate.json') });
    now += 3_000;
    expect(source.status().message).toBe('Prometheus: 429 Too Many Requests, retrying in 1 s');
    await expect(source.sample(now)).rejects.toThrow(/retrying in 1 s$/);
    expect(server.requests).toHaveLength(1);
    now += 1_000;
    expect((await source.sample(now)).rates.size).toBe(5);
    expect(source.status()).toMatchObject({ state: 'ok', message: null });
  });

  it('warnings in a good answer make it degraded', async () => {
    reply = () => ({
      body: JSON.stringify({
        status: 'success',
        warnings: ['results truncated due to limit'],
        data: { resultType: 'vector', result: [{ metric: { tenant: 'acme' }, value: [1, '5'] }] },
      }),
    });
    const source = make();
    await source.sample(now);
    expect(source.status()).toMatchObject({
      state: 'degraded',
      message: 'Prometheus: results truncated due to limit',
    });
  });

  it('garbage: not the Prometheus HTTP API', async () => {
    reply = () => ({ body: '<html><body>Grafana</body></html>', headers: { 'content-type': 'text/html' } });
    await expect(make().sample(now)).rejects.toThrow(
      /^answered something that is not the Prometheus HTTP API: Grafana/,
    );
    reply = () => ({ body: '{"data":[]}' });
    await expect(make().sample(now)).rejects.toThrow(
      /^answered something that is not the Prometheus HTTP API/,
    );
  });
});
