/**
 * The Prometheus source against a REAL Prometheus scraping a prom-client /metrics that we serve with
 * a per-tenant counter. The counter moves 1 : 3 : 0 between tenants on every increment, so the
 * answers are checked by their proportions, not by the wall clock.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrometheusInstance, startPrometheus } from '../../../../test-services/prometheus-instance';
import { assembleConsole } from '../../console-core';
import { LocalServer } from '../scrape/testing/local-server';
import { PrometheusSource } from './prometheus-source';
import { TcpProxy } from './testing/tcp-proxy';

const QUERY = 'sum by (tenant) (rate(events_published_total[5s]))';
let app: LocalServer;
let prometheus: PrometheusInstance | null = null;
let proxy: TcpProxy;
let publishing: NodeJS.Timeout;

const registry = new Registry();
const published = new Counter({
  name: 'events_published_total',
  help: 'events published, by tenant',
  labelNames: ['tenant'],
  registers: [registry],
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (ok(value)) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms; last: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const targetOf = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

beforeAll(async () => {
  app = await new LocalServer(async () => ({
    body: await registry.metrics(),
    headers: { 'content-type': registry.contentType },
  })).start();
  published.inc({ tenant: 'quiet' }, 0);
  publishing = setInterval(() => {
    published.inc({ tenant: 'acme' }, 10);
    published.inc({ tenant: 'globex' }, 30);
  }, 50);
  prometheus = await startPrometheus({ scrapeTargets: [new URL(app.url).host], scrapeIntervalSec: 1 });
  proxy = await new TcpProxy(targetOf(prometheus.url)).start();
}, 90_000);

afterAll(async () => {
  clearInterval(publishing);
  await proxy?.stop();
  await prometheus?.stop();
  await app?.stop();
}, 30_000);

describe('PrometheusSource on a real Prometheus', () => {
  it('per-tenant rates via PromQL, and a query_range backfill', async () => {
    const source = new PrometheusSource({ url: proxy.url, query: QUERY, timeoutMs: 5_000 });
    const { rates } = await until(
      () => source.sample(Date.now()),
      (s) => (s.rates.get('acme') ?? 0) > 0 && (s.rates.get('globex') ?? 0) > 0,
    );
    expect(rates.get('globex')! / rates.get('acme')!).toBeCloseTo(3, 1);
    expect(rates.get('quiet')).toBe(0);
    expect(source.status()).toMatchObject({ state: 'ok', message: null, stale: false });

    // Let a few more scrapes land, then fill a chart with the last 10 s at 1 s steps.
    await until(
      () => source.backfill(10_000, 1_000),
      (samples) => samples.filter((s) => (s.rates.get('acme') ?? 0) > 0).length >= 4,
    );
    const samples = await source.backfill(10_000, 1_000);
    const ts = samples.map((s) => s.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBe(1_000);
    for (const s of samples.filter((x) => (x.rates.get('acme') ?? 0) > 0))
      expect(s.rates.get('globex')! / s.rates.get('acme')!).toBeCloseTo(3, 1);
  });

  it('a range shorter than two scrapes, or a misspelt metric: no series → degraded with a hint', async () => {
    // The counter is in Prometheus: the empty answers below are the queries' fault alone.
    await until(
      () => prometheus!.query('events_published_total'),
      (series) => series.length >= 2,
    );
    // One scrape a second: a 500 ms range holds at most one sample, and rate() needs two.
    const shortRange = 'sum by (tenant) (rate(events_published_total[500ms]))';
    const misspelt = 'sum by (tenant) (rate(event_published_total[5s]))';
    for (const query of [shortRange, misspelt]) {
      const source = new PrometheusSource({ url: proxy.url, query, timeoutMs: 5_000 });
      expect((await source.sample(Date.now())).rates.size).toBe(0);
      expect(source.status()).toMatchObject({
        state: 'degraded',
        message: `query returned no series — is the range at least 2× the scrape interval? is the metric name right? (${query})`,
      });
    }
    // The same server with a sound range: ok.
    const sound = new PrometheusSource({ url: proxy.url, query: QUERY, timeoutMs: 5_000 });
    await until(
      () => sound.sample(Date.now()),
      (s) => s.rates.size > 0,
    );
    expect(sound.status()).toMatchObject({ state: 'ok', message: null });
  });

  it("an error answer carries Prometheus's own message", async () => {
    const source = new PrometheusSource({ url: proxy.url, query: 'sum by (tenant (', timeoutMs: 5_000 });
    await expect(source.sample(Date.now())).rejects.toThrow(/^Prometheus: bad_data: .*parse error/);
    expect(source.status().state).toBe('down');
  });

  it('Prometheus down → "down" with the reason; a new server behind the same URL → recovers', async () => {
    let now = Date.now();
    const source = new PrometheusSource({
      url: proxy.url,
      query: QUERY,
      timeoutMs: 5_000,
      clock: () => now,
      random: () => 1,
    });
    await source.sample(now);
    expect(source.status().state).toBe('ok');

    await prometheus!.stop();
    prometheus = null;
    now += 1_000;
    await expect(source.sample(now)).rejects.toThrow(/closed before it answered, retrying in 1 s$/);
    expect(source.status()).toMatchObject({ state: 'down', stale: true });

    prometheus = await startPrometheus({ scrapeTargets: [new URL(app.url).host], scrapeIntervalSec: 1 });
    proxy.target = targetOf(prometheus.url);
    now += 2_000;
    await until(
      async () => {
        now += 1_000;
        return source.sample(now);
      },
      (s) => (s.rates.get('acme') ?? 0) > 0,
    );
    expect(source.status()).toMatchObject({ state: 'ok', message: null, stale: false });
  }, 90_000);

  it('fills the console charts from query_range when the console starts', async () => {
    const source = new PrometheusSource({ url: prometheus!.url, query: QUERY });
    await until(
      // the console asks for 15 minutes in 300 steps (3 s each)
      () => source.backfill(15 * 60_000, 3_000),
      (samples) => samples.filter((s) => (s.rates.get('acme') ?? 0) > 0).length >= 4,
      60_000,
    );
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-backfill-'));
    const { core, parts } = await assembleConsole({
      dataDir,
      host: 'web',
      ofrepPort: 0,
      sources: [{ kind: 'prometheus', url: prometheus!.url, query: QUERY }],
    });
    try {
      // before the first live tick could have landed more than one sample, the history is there
      const series = parts.model.tenantSeries('acme');
      expect(series?.rate.filter((r) => r > 0).length ?? 0).toBeGreaterThanOrEqual(4);
      expect(parts.model.tenantSeries('globex')?.rate.at(-1)).toBeGreaterThan(0);
    } finally {
      await core.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
