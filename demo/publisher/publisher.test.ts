/**
 * The publisher against a REAL RabbitMQ: a private node (or the broker named by
 * SWITCHBOARD_TEST_RABBITMQ_MGMT/AMQP), this suite in its own vhost.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RabbitMq, startRabbitMq } from '../../test-services/rabbitmq-instance';
import { amqpUrlForVhost, connections, createVhost, overview } from '../../test-services/rabbitmq-management';
import { runDemo } from './demo';
import { parseDemoOptions } from './demo-options';
import { type Publisher, type PublisherOptions, startPublisher } from './publisher';
import {
  type EmbeddedFlags,
  embeddedFlags,
  eventually,
  metricValue,
  parsePrometheusText,
  type TenantTaps,
  tenantTaps,
} from './test-kit';

let broker: RabbitMq;
let amqpUrl: string;
let vhost: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await startRabbitMq({ statsIntervalMs: 1000 });
  vhost = broker.private ? 'publisher-suite' : broker.vhost;
  if (broker.private) await createVhost(broker.managementUrl, vhost);
  amqpUrl = broker.private ? amqpUrlForVhost(broker.amqpUrl, vhost) : broker.amqpUrl;
}, 180_000);

afterAll(async () => {
  await broker?.stop();
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function publisher(
  options: Partial<PublisherOptions> & Pick<PublisherOptions, 'tenants'>,
): Promise<Publisher> {
  const started = await startPublisher({
    amqpUrl,
    flags: null,
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
    ...options,
  });
  cleanups.push(() => started.stop());
  return started;
}

async function taps(ids: string[]): Promise<TenantTaps> {
  const created = await tenantTaps(amqpUrl, ids);
  cleanups.push(() => created.close());
  return created;
}

async function flags(): Promise<EmbeddedFlags> {
  const created = await embeddedFlags();
  cleanups.push(() => created.close());
  return created;
}

async function scrape(p: Publisher) {
  return parsePrometheusText(await (await fetch(p.metricsUrl!)).text());
}

describe('the demo publisher', () => {
  it('publishes each tenant to tenant.<id>.<type> over one connection and one confirm channel', async () => {
    const ids = ['acme', 'globex', 'initech'];
    const tap = await taps(ids);
    const p = await publisher({
      tenants: [
        { id: 'acme', rate: 200 },
        { id: 'globex', rate: 60 },
        { id: 'initech', rate: 15 },
      ],
      connectionName: 'publisher-suite-steady',
    });
    await p.until(() => p.tenant('initech').published >= 15);

    const seen = await eventually(
      () => connections(broker.managementUrl, vhost),
      (list) => list.some((c) => c.user_provided_name === 'publisher-suite-steady' && c.channels > 0),
    );
    expect(seen.filter((c) => c.user_provided_name === 'publisher-suite-steady')).toHaveLength(1);
    expect(seen.find((c) => c.user_provided_name === 'publisher-suite-steady')?.channels).toBe(1);

    await p.stop();
    // Published counts broker confirms: exactly what the broker routed, per tenant.
    for (const id of ids) expect(await tap.count(id)).toBe(p.tenant(id).published);
    expect(await tap.total()).toBe(p.stats().published);
    const [acme, globex, initech] = ids.map((id) => p.tenant(id).published);
    expect(acme).toBeGreaterThan(globex!);
    expect(globex).toBeGreaterThan(initech!);
    expect(p.stats()).toMatchObject({ channelsOpened: 1, connections: 1, inFlight: 0 });
    expect(p.stats().dropped.backpressure).toBe(0);
  });

  it('stops one tenant within a second of a flip while the others go on, and resumes it', async () => {
    const ids = ['acme', 'globex', 'initech'];
    const tap = await taps(ids);
    const flagServer = await flags();
    const p = await publisher({
      tenants: ids.map((id) => ({ id, rate: 100 })),
      flags: { ofrepEndpoint: flagServer.server.url },
    });
    await p.until(() => ids.every((id) => p.tenant(id).published >= 10));

    await flagServer.flip('acme', false);
    await p.until(() => !p.allowed('acme'), 1_000);
    await p.until(() => p.tenant('acme').inFlight === 0);
    const acmeAtStop = p.tenant('acme').published;
    const others = { globex: p.tenant('globex').published, initech: p.tenant('initech').published };

    // Others keep publishing; acme's events are counted as switched off instead.
    await p.until(
      () =>
        p.tenant('globex').published >= others.globex + 50 &&
        p.tenant('initech').published >= others.initech + 50 &&
        p.tenant('acme').dropped.switched_off >= 50,
    );
    expect(p.tenant('acme').published).toBe(acmeAtStop);
    expect(await tap.count('acme')).toBe(acmeAtStop);
    expect(p.tenant('globex').dropped.switched_off).toBe(0);

    const metrics = await scrape(p);
    expect(
      metricValue(metrics, 'events_dropped_total', { tenant: 'acme', reason: 'switched_off' }),
    ).toBeGreaterThanOrEqual(50);
    expect(
      metricValue(metrics, 'events_dropped_total', { tenant: 'globex', reason: 'switched_off' }),
    ).toBeUndefined();

    await flagServer.flip('acme', true);
    await p.until(() => p.tenant('acme').published >= acmeAtStop + 20, 5_000);
  });

  it('makes one tenant spike ×10 after a while', async () => {
    const p = await publisher({
      tenants: [
        { id: 'acme', rate: 20 },
        { id: 'globex', rate: 20 },
      ],
      spike: { tenantId: 'acme', afterMs: 200, factor: 10 },
    });
    // 150 events take acme 7.5 s at its steady rate; spiking, about 1 s.
    await p.until(() => p.tenant('acme').published >= 150);
    expect(p.tenant('acme').published).toBeGreaterThan(3 * p.tenant('globex').published);
  });

  it('exposes its counters and state on /metrics', async () => {
    const q = await publisher({
      tenants: [
        { id: 'acme', rate: 100 },
        { id: 'hooli', rate: 20 },
      ],
    });
    await q.until(() => q.tenant('hooli').published >= 5);
    expect(q.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metrics = await scrape(q);
    const stats = q.stats();
    expect(metricValue(metrics, 'events_published_total', { tenant: 'acme' })).toBeGreaterThan(0);
    expect(metricValue(metrics, 'events_published_total', { tenant: 'hooli' })).toBeGreaterThanOrEqual(5);
    expect(metricValue(metrics, 'events_published_total', { tenant: 'acme' })).toBeLessThanOrEqual(
      q.tenant('acme').published,
    );
    expect(metricValue(metrics, 'publisher_state', { state: 'connected' })).toBe(1);
    expect(metricValue(metrics, 'publisher_state', { state: 'blocked' })).toBe(0);
    expect(metricValue(metrics, 'publisher_state', { state: 'reconnecting' })).toBe(0);
    expect(metricValue(metrics, 'publisher_channels_opened_total')).toBe(1);
    expect(metricValue(metrics, 'publisher_in_flight')).toBeLessThanOrEqual(1_000);
    expect(stats.channelsOpened).toBe(1);
  });

  it('in channel-leak mode opens a channel per publish, and the broker’s channel count climbs', async () => {
    const before = (await overview(broker.managementUrl)).object_totals.channels;
    const p = await publisher({
      tenants: [
        { id: 'acme', rate: 60 },
        { id: 'globex', rate: 40 },
      ],
      channelLeak: true,
      connectionName: 'publisher-suite-leak',
    });
    await p.until(() => p.stats().channelsOpened >= 150);
    const climbed = await eventually(
      () => overview(broker.managementUrl),
      (o) => o.object_totals.channels >= before + 100,
    );
    expect(climbed.object_totals.channels).toBeGreaterThanOrEqual(before + 100);
    const leaking = await eventually(
      () => connections(broker.managementUrl, vhost),
      (list) => (list.find((c) => c.user_provided_name === 'publisher-suite-leak')?.channels ?? 0) >= 100,
    );
    expect(leaking.filter((c) => c.user_provided_name === 'publisher-suite-leak')).toHaveLength(1);
    expect(metricValue(await scrape(p), 'publisher_channels_opened_total')).toBeGreaterThanOrEqual(150);
    expect(p.stats().published).toBeGreaterThan(0);

    // Closing the connection closes them all.
    await p.stop();
    await eventually(
      () => overview(broker.managementUrl),
      (o) => o.object_totals.channels <= before,
    );
  });

  it('runs as `npm run demo` does: the console beside the publisher, which obeys its kill switch', async () => {
    const options = parseDemoOptions(
      [
        '--amqp',
        amqpUrl,
        '--management',
        broker.managementUrl,
        '--tenants',
        '5',
        '--metrics-port',
        '0',
        '--status-every',
        '0.5',
      ],
      {},
    );
    if (options === 'help') throw new Error('unexpected');
    const lines: string[] = [];
    const demo = await runDemo(options, (line) => lines.push(line));
    cleanups.push(() => demo.stop());
    await demo.publisher.until(() => demo.publisher.tenant('acme').published >= 20);
    await eventually(
      async () => lines,
      (all) => all.some((line) => line.startsWith('connected: ')),
    );
    expect(lines.some((line) => line.includes('answers'))).toBe(true);
    // the console starts beside the workload: its URL with the token, and the OFREP endpoint the publisher obeys
    expect(
      lines.some((line) =>
        /^Switchboard console: http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/.test(line),
      ),
    ).toBe(true);
    expect(demo.ofrepUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ofrep\/v1$/);
    expect(lines).toContain(`OFREP endpoint: ${demo.ofrepUrl}`);
    expect(lines.find((line) => line.startsWith('connected: '))).toMatch(/ev\/s confirmed \(acme/);
  });
});
