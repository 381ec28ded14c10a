/**
 * The publisher when the broker misbehaves: the memory alarm blocks it, the broker closes every
 * connection. Both change the whole node, so this suite always starts a PRIVATE RabbitMQ.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  memoryAlarm,
  type RabbitMq,
  setMemoryWatermark,
  startRabbitMq,
} from '../../test-services/rabbitmq-instance';
import { connections } from '../../test-services/rabbitmq-management';
import { type Publisher, startPublisher } from './publisher';
import { eventually, metricValue, parsePrometheusText, type TenantTaps, tenantTaps } from './test-kit';

let broker: RabbitMq;
const cleanups: (() => Promise<void>)[] = [];
const MAX_IN_FLIGHT = 50;

beforeAll(async () => {
  broker = await startRabbitMq({ statsIntervalMs: 1000, exclusive: true });
}, 180_000);

afterAll(async () => {
  await broker?.stop();
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function publisher(connectionName: string): Promise<Publisher> {
  const started = await startPublisher({
    amqpUrl: broker.amqpUrl,
    tenants: [
      { id: 'acme', rate: 150 },
      { id: 'globex', rate: 50 },
    ],
    flags: null,
    maxInFlight: MAX_IN_FLIGHT,
    connectionName,
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
  });
  cleanups.push(() => started.stop());
  return started;
}

async function taps(ids: string[]): Promise<TenantTaps> {
  const created = await tenantTaps(broker.amqpUrl, ids);
  cleanups.push(() => created.close());
  return created;
}

describe('the demo publisher when the broker misbehaves', () => {
  it('pauses and counts drops while the memory alarm blocks it, then resumes', async () => {
    const p = await publisher('faults-blocked');
    await p.until(() => p.stats().published >= 50);

    await setMemoryWatermark(broker, 'alarm');
    cleanups.push(() => setMemoryWatermark(broker, 'default'));
    await p.until(() => p.stats().blocked);
    await eventually(
      () => memoryAlarm(broker),
      (on) => on,
    ); // /api/nodes, refreshed each second

    const atBlock = p.stats();
    await p.until(() => p.stats().dropped.blocked >= atBlock.dropped.blocked + 100);
    const whileBlocked = p.stats();
    // Paused, not buffering: nothing new went out (at most what was in flight got confirmed), and
    // the window did not grow.
    expect(whileBlocked.inFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(whileBlocked.inFlight).toBeLessThanOrEqual(atBlock.inFlight);
    expect(whileBlocked.published + whileBlocked.inFlight).toBe(atBlock.published + atBlock.inFlight);
    expect(whileBlocked.state).toBe('connected');
    expect(p.tenant('acme').dropped.blocked).toBeGreaterThan(p.tenant('globex').dropped.blocked);

    const metrics = parsePrometheusText(await (await fetch(p.metricsUrl!)).text());
    expect(metricValue(metrics, 'publisher_state', { state: 'blocked' })).toBe(1);
    expect(
      metricValue(metrics, 'events_dropped_total', { tenant: 'acme', reason: 'blocked' }),
    ).toBeGreaterThan(0);
    const seen = await eventually(
      () => connections(broker.managementUrl),
      (list) => list.some((c) => c.user_provided_name === 'faults-blocked' && c.state === 'blocked'),
    );
    expect(seen.find((c) => c.user_provided_name === 'faults-blocked')?.state).toBe('blocked');

    await setMemoryWatermark(broker, 'default');
    await p.until(() => !p.stats().blocked);
    await p.until(() => p.stats().published >= whileBlocked.published + 100);
    await eventually(
      () => memoryAlarm(broker),
      (on) => !on,
    );
    expect(p.stats()).toMatchObject({ connections: 1, channelsOpened: 1 });
  });

  it('reconnects with one new connection and channel after the broker closes every connection', async () => {
    const tap = await taps(['acme', 'globex']);
    const p = await publisher('faults-reconnect');
    await p.until(() => p.stats().published >= 50);

    await broker.ctl(['close_all_connections', 'switchboard test: forced close']);
    await p.until(() => p.stats().connections === 2 && p.stats().state === 'connected');
    const atReconnect = p.stats().published;
    await p.until(() => p.stats().published >= atReconnect + 100);
    expect(p.stats().channelsOpened).toBe(2);

    const seen = await eventually(
      () => connections(broker.managementUrl),
      (list) => list.some((c) => c.user_provided_name === 'faults-reconnect'),
    );
    expect(seen.filter((c) => c.user_provided_name === 'faults-reconnect')).toHaveLength(1);

    await p.stop();
    // Everything confirmed reached the broker; what was in flight at the cut is counted apart.
    const routed = (await tap.count('acme')) + (await tap.count('globex'));
    const stats = p.stats();
    expect(routed).toBeGreaterThanOrEqual(stats.published);
    expect(routed).toBeLessThanOrEqual(stats.published + stats.dropped.unconfirmed);
  });
});
