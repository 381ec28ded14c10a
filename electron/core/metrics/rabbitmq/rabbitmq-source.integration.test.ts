/**
 * The RabbitMQ source against a REAL private RabbitMQ (management + prometheus plugins, 1 s stats):
 * per-tenant rates from per-tenant queues, a channel leak made with amqplib, and the memory alarm
 * with blocked publishers. Rate maths is fed explicit timestamps: each step publishes a known number
 * of messages, waits until the broker's stats show them, then samples at "one second later".
 */
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RabbitMq, startRabbitMq } from '../../../../test-services/rabbitmq-instance';
import { createVhost, management } from '../../../../test-services/rabbitmq-management';
import { RabbitMqSource } from './rabbitmq-source';

const STARTUP = 180_000;
const T0 = 1_795_632_100_000;
let broker: RabbitMq;
const opened: ChannelModel[] = [];

beforeAll(async () => {
  // The alarm test changes the whole node: never share it.
  broker = await startRabbitMq({ statsIntervalMs: 1000, exclusive: true });
}, STARTUP);

afterAll(async () => {
  for (const connection of opened) await connection.close().catch(() => {});
  await broker?.stop();
}, 60_000);

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => undefined);
    if (last !== undefined && ok(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function connect(vhost: string, name: string, query = ''): Promise<ChannelModel> {
  const base = new URL(broker.amqpUrl);
  base.pathname = `/${encodeURIComponent(vhost)}`;
  const connection = await amqp.connect(`${base.toString()}${query}`, {
    clientProperties: { connection_name: name },
  });
  opened.push(connection);
  return connection;
}

const source = (options: Partial<ConstructorParameters<typeof RabbitMqSource>[0]> = {}) =>
  new RabbitMqSource({
    url: broker.managementUrl,
    username: 'guest',
    password: 'guest',
    timeoutMs: 5_000,
    ...options,
  });

describe('RabbitMqSource on a real RabbitMQ', () => {
  it('per-tenant rates from per-tenant queues (queue rule), computed from the counters', async () => {
    const vhost = 'sb-tenant-queues';
    await createVhost(broker.managementUrl, vhost);
    const connection = await connect(vhost, 'publisher/shared');
    const channel = await connection.createConfirmChannel();
    const perStep: Record<string, number> = {
      'q.tenant.t1': 50,
      'q.tenant.t2': 200,
      'q.tenant.t3': 0,
      'q.other': 30,
    };
    for (const queue of Object.keys(perStep)) await channel.assertQueue(queue);

    const rabbit = source({
      vhost,
      tenantRules: [{ from: 'queue', pattern: '^q\\.tenant\\.(?<tenant>.+)$' }],
    });
    await rabbit.start();
    const totals: Record<string, number> = Object.fromEntries(Object.keys(perStep).map((q) => [q, 0]));
    const seen: Map<string, number>[] = [];
    for (let step = 0; step < 5; step++) {
      for (const [queue, n] of Object.entries(perStep)) {
        for (let i = 0; i < n; i++) channel.sendToQueue(queue, Buffer.from(`${queue} ${i}`));
        totals[queue]! += n;
      }
      await channel.waitForConfirms();
      // Wait for the broker's stats to show this step's messages, then sample "one second later".
      await until(
        () =>
          management<{ name: string; message_stats?: { publish?: number } }[]>(
            broker.managementUrl,
            'GET',
            `/queues/${encodeURIComponent(vhost)}?columns=name,message_stats.publish`,
          ),
        (queues) =>
          queues.every((q) => (totals[q.name] ?? 0) === 0 || q.message_stats?.publish === totals[q.name]),
      );
      const sample = await rabbit.sample(T0 + step * 1000);
      seen.push(sample.rates);
      expect(sample.broker?.version).toMatch(/^\d+\.\d+/);
    }
    // From the second movement on, exactly the messages published per (synthetic) second.
    for (const rates of seen.slice(2)) expect(Object.fromEntries(rates)).toEqual({ t1: 50, t2: 200, t3: 0 });
    expect(rabbit.status()).toMatchObject({ state: 'ok', message: null });
    await connection.close();
  });

  it('a channel leak made with amqplib raises the leak warning (and near channel_max)', async () => {
    const vhost = 'sb-leak';
    await createVhost(broker.managementUrl, vhost);
    // Three connections that may open 100 channels each; a publisher that never closes its channels.
    const connections = await Promise.all(
      [1, 2, 3].map((i) => connect(vhost, `leaky-publisher#${i}`, '?channelMax=100')),
    );
    const rabbit = source({ timeoutMs: 5_000 });
    // The broker's totals lag new connections by a stats refresh: start once it counts them.
    const before = await until(
      () => management<{ object_totals: { connections: number } }>(broker.managementUrl, 'GET', '/overview'),
      (o) => o.object_totals.connections >= 3,
    );
    const baseline = (await rabbit.sample(T0)).broker!;
    expect(baseline.connections).toBe(before.object_totals.connections);
    const leaked: Channel[] = [];
    let judged = baseline;
    for (let step = 1; step <= 9; step++) {
      for (let i = 0; i < 30; i++) {
        // One channel per publish, never closed: the incident's bug.
        const channel = await connections[i % 3]!.createChannel();
        channel.sendToQueue('nowhere', Buffer.from('x'));
        leaked.push(channel);
      }
      await until(
        () => management<{ object_totals: { channels: number } }>(broker.managementUrl, 'GET', '/overview'),
        (o) => o.object_totals.channels >= baseline.channels + leaked.length,
      );
      judged = (await rabbit.sample(T0 + step * 1000)).broker!;
    }
    expect(judged.channels).toBeGreaterThanOrEqual(baseline.channels + 270);
    expect(judged.leak.suspected).toBe(true);
    expect(judged.leak.why).toMatch(
      new RegExp(
        `^channels ${baseline.channels} → [\\d,]+ in \\d+ s while connections stayed at ${judged.connections} \\(\\+\\d+/s\\)`,
      ),
    );
    const warning = judged.warnings.find((w) => w.startsWith('channel leak suspected: '));
    expect(warning).toBeDefined();
    // 90 of 100 channels on each leaking connection (once the broker's per-connection stats catch up).
    let t = T0 + 10_000;
    const nearHealth = await until(
      async () => {
        t += 1000;
        return (await rabbit.sample(t)).broker!;
      },
      (h) => h.nearChannelMax.length === 3 && h.nearChannelMax.every((n) => n.channels === 90),
    );
    const near = nearHealth.nearChannelMax;
    // Its own warning, not a reason for the leak.
    expect(nearHealth.warnings).toContainEqual(
      expect.stringMatching(
        /^connection leaky-publisher#\d uses 90 of 100 channels \(and 2 more connections\)$/,
      ),
    );
    expect(nearHealth.leak.why).not.toMatch(/of 100 channels/);
    expect(near.map((n) => n.connection).sort()).toEqual([
      'leaky-publisher#1',
      'leaky-publisher#2',
      'leaky-publisher#3',
    ]);
    expect(near.every((n) => n.max === 100)).toBe(true);
    for (const connection of connections) await connection.close();
  });

  it('memory alarm: alarm and blocked publishers in BrokerHealth; restoring the watermark clears it', async () => {
    const vhost = 'sb-alarm';
    await createVhost(broker.managementUrl, vhost);
    const publisher = await connect(vhost, 'publisher/tenant=acme');
    const channel = await publisher.createChannel();
    await channel.assertQueue('q.tenant.acme');
    const idle = await connect(vhost, 'idle-consumer');
    const rabbit = source();
    let t = T0;
    const sample = async () => {
      t += 1000;
      return (await rabbit.sample(t)).broker!;
    };
    expect((await sample()).memory.alarm).toBe(false);

    await broker.ctl(['set_vm_memory_high_watermark', 'absolute', '50MB']);
    // Keep publishing: a publishing connection goes "blocked", an idle one "blocking".
    const publishing = setInterval(() => channel.sendToQueue('q.tenant.acme', Buffer.from('x')), 100);
    try {
      const during = await until(
        sample,
        // The alarm shows at once (alarms check); the node's limit and connection states follow
        // at the next stats refresh.
        (h) =>
          h.memory.alarm &&
          h.memory.limit === 50_000_000 &&
          h.blocked.some((b) => b.name === 'publisher/tenant=acme' && b.state === 'blocked'),
        30_000,
      );
      expect(during.memory.used).toBeGreaterThan(during.memory.limit);
      expect(during.alarms).toEqual([expect.stringMatching(/^memory alarm on sb-\d+-\d+@localhost$/)]);
      expect(during.warnings[0]).toMatch(/^memory alarm: publishers blocked \(\d+ connections?\)$/);
      // Few connections: all of them listed, and the totals say so.
      expect(during.blockedConnectionsTotal).toBe(during.blocked.length);
      expect(during.blockingConnectionsTotal).toBe(
        during.blocked.filter((b) => b.state === 'blocking').length,
      );
      expect(rabbit.status().state).toBe('ok');

      await broker.ctl(['set_vm_memory_high_watermark', '0.4']);
      const after = await until(sample, (h) => !h.memory.alarm && h.blocked.length === 0, 30_000);
      expect(after.alarms).toEqual([]);
      expect(after.warnings.some((w) => w.startsWith('memory alarm'))).toBe(false);
    } finally {
      clearInterval(publishing);
      await broker.ctl(['set_vm_memory_high_watermark', '0.4']).catch(() => {});
    }
    await idle.close();
    await publisher.close();
  }, 90_000);
});
