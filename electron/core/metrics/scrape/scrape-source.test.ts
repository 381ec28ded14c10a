import { Counter, Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMetrics, ScrapeSource, type ScrapeSourceOptions } from './scrape-source';
import { LocalServer, type Reply } from './testing/local-server';

const T0 = 1_795_632_100_000;

/** A service's own /metrics, as prom-client serves it. */
function service() {
  const registry = new Registry();
  const published = new Counter({
    name: 'events_published_total',
    help: 'events published, by tenant',
    labelNames: ['tenant', 'exchange'],
    registers: [registry],
  });
  return { registry, published };
}

describe('ScrapeSource against a prom-client /metrics we serve', () => {
  let app: ReturnType<typeof service>;
  let server: LocalServer;
  let override: Reply | null;
  let now: number;
  const make = (options: Partial<ScrapeSourceOptions> = {}) =>
    new ScrapeSource({
      url: `${server.url}/metrics`,
      timeoutMs: 1_000,
      clock: () => now,
      random: () => 1,
      ...options,
    });

  beforeEach(async () => {
    app = service();
    override = null;
    now = T0;
    server = await new LocalServer(
      async () =>
        override ?? {
          body: await app.registry.metrics(),
          headers: { 'content-type': app.registry.contentType },
        },
    ).start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('computes per-tenant rates from the counter and our timestamps, one request per tick', async () => {
    app.published.inc({ tenant: 'acme', exchange: 'events' }, 1_000);
    app.published.inc({ tenant: 'globex', exchange: 'events' }, 10);
    const source = make();
    expect(source.provides).toEqual({ tenantRates: true, broker: false });
    const first = await source.sample(now);
    expect(Object.fromEntries(first.rates)).toEqual({ acme: 0, globex: 0 });

    app.published.inc({ tenant: 'acme', exchange: 'events' }, 8_400);
    app.published.inc({ tenant: 'acme', exchange: 'audit' }, 100);
    app.published.inc({ tenant: 'globex', exchange: 'events' }, 310);
    now += 1_000;
    const second = await source.sample(now);
    // acme's two series are summed; the new `audit` series counts from zero.
    expect(Object.fromEntries(second.rates)).toEqual({ acme: 8_500, globex: 310 });

    app.published.inc({ tenant: 'acme', exchange: 'events' }, 800);
    now += 2_000;
    const third = await source.sample(now);
    expect(Object.fromEntries(third.rates)).toEqual({ acme: 400, globex: 0 });
    expect(server.requests).toHaveLength(3);
    expect(source.status()).toMatchObject({ state: 'ok', message: null, stale: false });
  });

  it('a restarted service (counters reset) gives no negative rates', async () => {
    app.published.inc({ tenant: 'acme', exchange: 'events' }, 50_000);
    const source = make();
    await source.sample(now);
    app = service();
    app.published.inc({ tenant: 'acme', exchange: 'events' }, 120);
    now += 1_000;
    expect((await source.sample(now)).rates.get('acme')).toBe(120);
  });

  it('a missing counter or label is degraded, with what to check', async () => {
    app.published.inc({ tenant: 'acme', exchange: 'events' });
    const wrongName = make({ counter: 'messages_sent_total' });
    expect((await wrongName.sample(now)).rates.size).toBe(0);
    expect(wrongName.status()).toMatchObject({
      state: 'degraded',
      message: 'no messages_sent_total in the metrics: check the counter name',
    });
    const wrongLabel = make({ tenantLabel: 'customer' });
    await wrongLabel.sample(now);
    expect(wrongLabel.status().message).toBe('events_published_total has no "customer" label');
  });

  it('HTML or JSON is not Prometheus text format', async () => {
    override = { body: '<html><body>Login required</body></html>', headers: { 'content-type': 'text/html' } };
    const source = make();
    await expect(source.sample(now)).rejects.toThrow(
      /^answered something that is not Prometheus text format: Login required, retrying in 1 s$/,
    );
    override = { body: '{"status":"ok"}' };
    now += 1_000;
    await expect(source.sample(now)).rejects.toThrow(/not Prometheus text format: \{"status":"ok"\}/);
  });

  it('down, then back: connection refused, then recovery with fresh rates', async () => {
    app.published.inc({ tenant: 'acme', exchange: 'events' }, 100);
    const source = make();
    await source.sample(now);
    await server.stop();
    now += 1_000;
    await expect(source.sample(now)).rejects.toThrow(`connection refused at ${server.url}, retrying in 1 s`);
    expect(source.status()).toMatchObject({ state: 'down', stale: true });
    await server.restart();
    app.published.inc({ tenant: 'acme', exchange: 'events' }, 200);
    now += 1_000;
    const back = await source.sample(now);
    expect(back.rates.get('acme')).toBe(100);
    expect(source.status()).toMatchObject({ state: 'ok', stale: false });
  });
});

describe('parseMetrics', () => {
  it('reads counters with labels, and refuses what is not text format', () => {
    const families = parseMetrics(
      '# HELP events_published_total x\n# TYPE events_published_total counter\nevents_published_total{tenant="t3"} 409\n',
    );
    expect(families[0]).toMatchObject({ name: 'events_published_total', type: 'COUNTER' });
    expect(families[0]!.metrics[0]).toEqual({ value: '409', labels: { tenant: 't3' } });
    expect(() => parseMetrics('this is { not metrics')).toThrow(/not Prometheus text format/);
  });
});
