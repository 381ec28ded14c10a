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
import { type Publisher, type PublisherOptions, type PublisherStats, startPublisher } from './publisher';
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

async function publisher(
  connectionName: string,
  options: Partial<PublisherOptions> = {},
): Promise<Publisher> {
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
    ...options,
  });
  cleanups.push(() => started.stop());
  return started;
}

/** Lower the watermark (restored after the test) and wait until the publisher is blocked. */
async function blockPublishers(p: Publisher): Promise<void> {
  await setMemoryWatermark(broker, 'alarm');
  cleanups.push(() => setMemoryWatermark(broker, 'default'));
  await p.until(() => p.stats().blocked);
}

/** Every publish the publisher has made: confirmed, awaiting a confirm, or lost after sending. */
const sent = (s: PublisherStats) =>
  s.published +
  s.inFlight +
  s.dropped.unconfirmed +
  s.dropped.nacked +
  s.dropped.disconnected +
  s.dropped.channel_error;

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

  it('in flood mode stops sending while blocked, and sends again once unblocked', async () => {
    const p = await publisher('faults-flood', { mode: 'flood' });
    await p.until(() => p.stats().published >= 500);
    await blockPublishers(p);
    const atBlock = p.stats();
    // Let the broker's own view catch up (a stats refresh or more) while the publisher is blocked.
    await eventually(
      () => connections(broker.managementUrl),
      (list) => list.some((c) => c.user_provided_name === 'faults-flood' && c.state === 'blocked'),
    );
    const whileBlocked = p.stats();
    expect(whileBlocked.blocked).toBe(true);
    // Not one publish since the block: the window did not refill, nothing was buffered.
    expect(sent(whileBlocked)).toBe(sent(atBlock));
    expect(whileBlocked.inFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);

    await setMemoryWatermark(broker, 'default');
    await p.until(() => !p.stats().blocked);
    await p.until(() => p.stats().published >= whileBlocked.published + 500);
    expect(p.stats()).toMatchObject({ connections: 1, channelsOpened: 1 });
  });

  it('stops while blocked: stop() resolves and the connection goes', async () => {
    const p = await publisher('faults-stop-blocked');
    await p.until(() => p.stats().published >= 50);
    await blockPublishers(p);
    await p.stop();
    expect(p.stats()).toMatchObject({ state: 'stopped', blocked: false });
    await setMemoryWatermark(broker, 'default');
    await eventually(
      () => connections(broker.managementUrl),
      (list) => !list.some((c) => c.user_provided_name === 'faults-stop-blocked'),
    );
  });

  it('stops even when the broker never confirms the close (the socket is cut)', async () => {
    // A broker that reads nothing more from the connection — as one blocking it does — frozen here
    // outright with SIGSTOP, so its close-ok cannot come. Without a timeout stop() would hang.
    const p = await publisher('faults-stop-frozen', { closeTimeoutMs: 300 });
    await p.until(() => p.stats().published >= 50);
    const pid = Number((await broker.ctl(['eval', 'os:getpid().'])).replace(/\D/g, ''));
    expect(pid).toBeGreaterThan(1);
    let frozen = true;
    const thaw = () => {
      if (!frozen) return;
      frozen = false;
      process.kill(pid, 'SIGCONT');
    };
    // A safety valve only, so that a broken stop() cannot leave the broker frozen for the other tests.
    const valve = setTimeout(thaw, 15_000);
    process.kill(pid, 'SIGSTOP');
    try {
      await p.stop(0);
      // Stopped while the broker could still not answer: the close was cut, not confirmed.
      expect(frozen).toBe(true);
    } finally {
      clearTimeout(valve);
      thaw();
    }
    expect(p.stats().state).toBe('stopped');
    await eventually(
      () => connections(broker.managementUrl),
      (list) => !list.some((c) => c.user_provided_name === 'faults-stop-frozen'),
    );
  });

  it('says nothing of "unblocked" when a blocked connection is lost, only when the block lifts', async () => {
    const lines: string[] = [];
    const p = await publisher('faults-lost-blocked', { log: (line) => lines.push(line) });
    await p.until(() => p.stats().published >= 50);
    await blockPublishers(p);
    await broker.ctl(['close_all_connections', 'switchboard test: forced close while blocked']);
    await p.until(() => p.stats().connections === 2 && p.stats().state === 'connected');
    expect(lines.some((l) => l.startsWith('amqp: connection lost'))).toBe(true);
    expect(lines.filter((l) => l.includes('unblocked'))).toEqual([]);

    await setMemoryWatermark(broker, 'default');
    const atRestore = p.stats().published;
    await p.until(() => !p.stats().blocked && p.stats().published >= atRestore + 50);
    // Only a real unblock says so, at most once per block.
    expect(lines.filter((l) => l.includes('unblocked')).length).toBeLessThanOrEqual(1);
  });
});
