/**
 * Every fault a metrics source can meet (down, slow, 401, garbage, wrong-shape JSON, an error
 * answer) on REAL servers: a private Prometheus scraping per-tenant counters (the console's rate
 * source) and a private RabbitMQ's management API (its broker source), each behind a fault proxy.
 * Each fault must show as a source problem with its reason and the source's data marked stale, and
 * must clear by itself once the server answers again (the source retries with backoff).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from '@playwright/test';
import { type PrometheusInstance, startPrometheus } from '../../../test-services/prometheus-instance';
import { type RabbitMq, startRabbitMq } from '../../../test-services/rabbitmq-instance';
import { expect, test } from '../../fixtures/app.fixture';
import { type FaultMode, type FaultProxy, startFaultProxy } from '../../fixtures/fault-proxy';
import { saveScreenshot } from '../../fixtures/screenshots';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

interface Rig {
  counters: Server;
  prometheus: PrometheusInstance;
  rabbit: RabbitMq;
  prometheusProxy: FaultProxy;
  rabbitProxy: FaultProxy;
}

let rig: Partial<Rig> = {};

interface Fault {
  mode: Exclude<FaultMode, 'pass'>;
  /** the reason each source's status must give */
  prometheus: RegExp;
  rabbitmq: RegExp;
}

const FAULTS: Fault[] = [
  { mode: 'down', prometheus: /connection refused/, rabbitmq: /connection refused/ },
  { mode: 'slow', prometheus: /timed out/, rabbitmq: /timed out/ },
  {
    mode: 'unauthorized',
    prometheus: /answered 401: check the credentials/,
    rabbitmq: /answered 401: check the username\/password/,
  },
  { mode: 'garbage', prometheus: /not the Prometheus HTTP API/, rabbitmq: /not the RabbitMQ management API/ },
  {
    mode: 'wrong-shape',
    prometheus: /not the Prometheus HTTP API/,
    rabbitmq: /not the RabbitMQ management API/,
  },
  { mode: 'error', prometheus: /Prometheus: execution: too many samples/, rabbitmq: /answered 500/ },
];

/** Prometheus's own answer to a query it gave up on (HTTP 422). */
const PROMETHEUS_QUERY_ERROR = {
  status: 422,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status: 'error', errorType: 'execution', error: 'too many samples' }),
};

/** Faults and recovery take a few attempts with backoff between them: judge states, not durations. */
const SETTLE = { timeout: 30_000 };

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
test.beforeAll(async ({}, testInfo) => {
  // Nothing to start for the Electron target: its sources are not set by host flags (see the tests).
  if (testInfo.project.name === 'electron') return;
  rig.counters = await startTenantCounters({ acme: 40, globex: 10 });
  const { port } = rig.counters.address() as AddressInfo;
  rig.prometheus = await startPrometheus({ scrapeTargets: [`127.0.0.1:${port}`], scrapeIntervalSec: 1 });
  rig.prometheusProxy = await startFaultProxy({
    target: rig.prometheus.url,
    errorAnswer: PROMETHEUS_QUERY_ERROR,
  });
  rig.rabbit = await startRabbitMq({ statsIntervalMs: 1000, exclusive: true });
  rig.rabbitProxy = await startFaultProxy({ target: rig.rabbit.managementUrl });
});

test.afterAll(async () => {
  const { counters, prometheus, rabbit, prometheusProxy, rabbitProxy } = rig;
  rig = {};
  await prometheusProxy?.stop();
  await rabbitProxy?.stop();
  await prometheus?.stop();
  await rabbit?.stop();
  if (counters) {
    const closed = new Promise((resolve) => counters.close(resolve));
    counters.closeAllConnections();
    await closed;
  }
});

test.use({
  // Read when each test starts, after beforeAll has put the proxies up.
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
  consoleOptions: async ({}, use) => {
    const { prometheusProxy, rabbitProxy } = rig;
    if (!prometheusProxy || !rabbitProxy) return use({});
    const broker = new URL(rabbitProxy.url);
    broker.username = 'guest';
    broker.password = 'guest';
    // No --simulated: Prometheus is the rate source, the broker only reports its health.
    await use({
      spikeAfterSec: null,
      extraArgs: ['--prometheus', prometheusProxy.url, '--rabbitmq', broker.toString()],
    });
  },
});

test('Prometheus as the rate source: each fault is shown with its reason and the rates marked stale, and clears by itself', async ({
  app,
  server,
}, testInfo) => {
  test.skip(!server, 'Electron target: source options come from the web host flags here');
  const { prometheusProxy } = rig as Rig;
  const status = app.getByTestId('source-status-prometheus');
  const broker = app.getByTestId('source-status-rabbitmq');
  await expectLiveRates(app);
  await expect(status).toHaveAttribute('data-state', 'ok');

  for (const fault of FAULTS) {
    await test.step(`Prometheus ${fault.mode}`, async () => {
      await prometheusProxy.set(fault.mode);
      await expect(status).toHaveAttribute('data-state', 'down', SETTLE);
      await expect(status).toHaveAttribute('title', fault.prometheus, SETTLE);
      await expect(app.getByTestId('stale-indicator')).toBeVisible();
      await expect(tenants(app)).toHaveAttribute('data-stale', 'true');
      // the last rates stay on screen, marked, rather than dropping to nothing
      await expect(app.getByTestId('tenant-row-acme')).toBeVisible();
      // one source's fault is not the other's
      await expect(broker).toHaveAttribute('data-state', 'ok');
      if (fault.mode === 'unauthorized') await saveScreenshot(app, testInfo, 'prometheus-401-rates-stale');

      await prometheusProxy.set('pass');
      await expect(status).toHaveAttribute('data-state', 'ok', SETTLE);
      await expect(app.getByTestId('stale-indicator')).toHaveCount(0, SETTLE);
      await expect(tenants(app)).toHaveAttribute('data-stale', 'false');
    });
  }
  // every fault was really served to the console, not skipped by its backoff
  for (const fault of FAULTS) {
    if (fault.mode !== 'down') expect(prometheusProxy.requests[fault.mode]).toBeGreaterThan(0);
  }
});

test('the RabbitMQ management API as the broker source: each fault is shown with its reason and the broker marked stale, and clears by itself', async ({
  app,
  server,
}) => {
  test.skip(!server, 'Electron target: source options come from the web host flags here');
  const { rabbitProxy } = rig as Rig;
  const status = app.getByTestId('source-status-rabbitmq');
  const line = brokerLine(app);
  await expectLiveRates(app);
  await expect(status).toHaveAttribute('data-state', 'ok', SETTLE);
  await expect(app.getByTestId('broker-memory')).toBeVisible();

  for (const fault of FAULTS) {
    await test.step(`management API ${fault.mode}`, async () => {
      await rabbitProxy.set(fault.mode);
      await expect(status).toHaveAttribute('data-state', 'down', SETTLE);
      await expect(status).toHaveAttribute('title', fault.rabbitmq, SETTLE);
      // the broker strip keeps its last figures, marked stale, with the reason on hover
      await expect(line).toHaveAttribute('data-state', 'down');
      await expect(line).toHaveClass(/\bbroker--stale\b/);
      await expect(line.getByRole('button')).toHaveAttribute('title', fault.rabbitmq);
      await expect(app.getByTestId('broker-memory')).toBeVisible();
      // the rates come from Prometheus, which is fine
      await expect(tenants(app)).toHaveAttribute('data-stale', 'false');
      if (fault.mode === 'down') await expectHealthViewStale(app, true);

      await rabbitProxy.set('pass');
      await expect(status).toHaveAttribute('data-state', 'ok', SETTLE);
      await expect(line).toHaveAttribute('data-state', 'ok', SETTLE);
      await expect(line).not.toHaveClass(/\bbroker--stale\b/);
      if (fault.mode === 'down') await expectHealthViewStale(app, false);
    });
  }
  for (const fault of FAULTS) {
    if (fault.mode !== 'down') expect(rabbitProxy.requests[fault.mode]).toBeGreaterThan(0);
  }
});

/**
 * The Health view over the broker's last figures: dimmed and dated while the source is down, with no
 * "look normal" line over them; current again once it answers. Back to the traffic view after.
 */
async function expectHealthViewStale(app: Page, stale: boolean): Promise<void> {
  await app.getByTestId('nav-health').click();
  const panel = app.getByTestId('health-broker');
  await expect(panel).toHaveAttribute('data-stale', String(stale), SETTLE);
  if (stale) {
    await expect(panel).toHaveClass(/\bhealth__broker--stale\b/);
    await expect(panel.getByTestId('health-stale')).toContainText(
      /Not current: these are the figures read .* connection refused/,
    );
    await expect(panel.getByTestId('health-ok')).toHaveCount(0);
  } else {
    await expect(panel.getByTestId('health-stale')).toHaveCount(0);
  }
  await app.getByTestId('nav-traffic').click();
  await app.getByTestId('tenant-table').waitFor();
}

/** Prometheus's rates have reached the table: there is something to mark stale. */
async function expectLiveRates(app: Page): Promise<void> {
  await expect(app.getByTestId('tenant-row-acme')).toBeVisible(SETTLE);
  await expect(tenants(app)).toHaveAttribute('data-stale', 'false', SETTLE);
  await expect(app.getByTestId('stale-indicator')).toHaveCount(0, SETTLE);
}

function tenants(app: Page): Locator {
  return app.getByRole('region', { name: 'Tenants' });
}

function brokerLine(app: Page): Locator {
  return app.getByTestId('broker-strip').locator('.broker');
}

/**
 * A service's /metrics: `events_published_total{tenant}` counters growing at the given per-second
 * rates (from the first scrape on), which the Prometheus above scrapes every second.
 */
async function startTenantCounters(perSecond: Record<string, number>): Promise<Server> {
  const started = Date.now();
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const seconds = (Date.now() - started) / 1000;
    const lines = Object.entries(perSecond).map(
      ([tenant, rate]) => `events_published_total{tenant="${tenant}"} ${Math.floor(seconds * rate)}`,
    );
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# HELP events_published_total events published, by tenant',
        '# TYPE events_published_total counter',
        ...lines,
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
