/**
 * A REAL RabbitMQ with stock 5 s stats, sampled every second: the source detects the 5 s refresh and
 * shows a steady per-tenant rate instead of 0, 0, 0, 0, burst. Two tenants publish in lockstep (1 : 4),
 * so rates are checked by proportion and by never dropping to zero, not against the wall clock.
 */
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RabbitMq, startRabbitMq } from '../../../../test-services/rabbitmq-instance';
import { createVhost } from '../../../../test-services/rabbitmq-management';
import { RabbitMqSource } from './rabbitmq-source';

let broker: RabbitMq;
let connection: ChannelModel | null = null;

beforeAll(async () => {
  broker = await startRabbitMq({ statsIntervalMs: 5000, exclusive: true });
}, 180_000);

afterAll(async () => {
  await connection?.close().catch(() => {});
  await broker?.stop();
}, 60_000);

describe('RabbitMqSource on a stock broker (5 s stats)', () => {
  it('detects the 5 s refresh and holds per-tenant rates between refreshes', async () => {
    const vhost = 'sb-stock';
    await createVhost(broker.managementUrl, vhost);
    const url = new URL(broker.amqpUrl);
    url.pathname = `/${vhost}`;
    connection = await amqp.connect(url.toString(), {
      clientProperties: { connection_name: 'publisher/steady' },
    });
    const channel = await connection.createChannel();
    await channel.assertQueue('q.tenant.t1');
    await channel.assertQueue('q.tenant.t2');
    let sentT1 = 0;
    const publishing = setInterval(() => {
      sentT1 += 2;
      for (let i = 0; i < 2; i++) channel.sendToQueue('q.tenant.t1', Buffer.from('x'));
      for (let i = 0; i < 8; i++) channel.sendToQueue('q.tenant.t2', Buffer.from('x'));
    }, 50);
    const source = new RabbitMqSource({
      url: broker.managementUrl,
      username: 'guest',
      password: 'guest',
      vhost,
      timeoutMs: 5_000,
      tenantRules: [{ from: 'queue', pattern: '^q\\.tenant\\.(.+)$' }],
    });
    const seen: { t1: number; t2: number; interval: number | null; at: number; sent: number }[] = [];
    try {
      for (let i = 0; i < 32; i++) {
        const at = Date.now();
        const { rates, broker: health } = await source.sample(at);
        seen.push({
          t1: rates.get('t1') ?? 0,
          t2: rates.get('t2') ?? 0,
          interval: health!.statsIntervalMs,
          at,
          sent: sentT1,
        });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    } finally {
      clearInterval(publishing);
    }
    expect(seen.at(-1)!.interval).toBe(5_000);
    // Once the queues' stats exist and have moved twice (≤ ~15 s), every tick shows traffic.
    const steady = seen.slice(16);
    for (const s of steady) {
      expect(s.t1).toBeGreaterThan(0);
      expect(s.t2 / s.t1).toBeGreaterThan(3);
      expect(s.t2 / s.t1).toBeLessThan(5.3);
    }
    // On average, what was really sent (measured here, whatever the machine's load did to the timer).
    const sentRate = (steady.at(-1)!.sent - steady[0]!.sent) / ((steady.at(-1)!.at - steady[0]!.at) / 1000);
    const meanT1 = steady.reduce((sum, s) => sum + s.t1, 0) / steady.length;
    expect(meanT1 / sentRate).toBeGreaterThan(0.7);
    expect(meanT1 / sentRate).toBeLessThan(1.3);
    expect(source.status().state).not.toBe('down');
  }, 120_000);
});
