import { describe, expect, it } from 'vitest';
import {
  alarmsSchema,
  channelSchema,
  connectionLabel,
  connectionSchema,
  listAnswer,
  nodesSchema,
  overviewSchema,
  queueSchema,
  vhostSchema,
} from './management-schemas';
import { fixture } from './testing/fixtures';

describe('management API schemas on real answers', () => {
  it('reads /api/overview', () => {
    const o = overviewSchema.parse(fixture('overview.json'));
    expect(o.rabbitmq_version).toBe('3.10.8');
    expect(o.message_stats?.publish).toBe(14_488);
    expect(o.message_stats?.deliver_get).toBe(18_548);
    expect(o.object_totals).toMatchObject({ channels: 7, connections: 7, queues: 6 });
    expect(o.queue_totals?.messages).toBe(566);
  });

  it('reads /api/nodes, normal and during the memory alarm (fewer fields)', () => {
    expect(nodesSchema.parse(fixture('nodes.json'))[0]).toMatchObject({
      mem_used: 146_362_368,
      mem_limit: 10_110_410_752,
      mem_alarm: false,
      fd_total: 1024,
      channel_created: 8,
    });
    const during = nodesSchema.parse(fixture('nodes_alarm.json'))[0]!;
    expect(during).toMatchObject({ mem_alarm: true, mem_limit: 50_000_000 });
    expect(during.fd_total).toBeUndefined();
  });

  it('reads connections with the client-given name, plain and paged', () => {
    const all = listAnswer(connectionSchema).parse(fixture('connections.json'));
    expect(all.items.map(connectionLabel)).toContain('publisher/tenant=t3');
    expect(all.items[0]).toMatchObject({ channels: 1, channel_max: 2047, state: 'running' });
    const paged = listAnswer(connectionSchema).parse(fixture('connections_paged.json'));
    expect(paged).toMatchObject({ page: 1, pageCount: 3, total: 7 });
    expect(paged.items).toHaveLength(3);
  });

  it('reads queues: with stats, paged and sorted, and without any stats', () => {
    const queues = listAnswer(queueSchema).parse(fixture('queues.json')).items;
    expect(queues.find((q) => q.name === 'q.tenant.t3')?.message_stats?.publish).toBe(11_960);
    expect(queues.find((q) => q.name === 'q.tenant.t5')).toMatchObject({ vhost: 'tenant-t5', messages: 566 });
    const sorted = listAnswer(queueSchema).parse(fixture('queues_paged_sorted.json'));
    expect(sorted.items[0]).toMatchObject({ name: 'q.tenant.t3', vhost: '/' });
    expect(sorted.items[0]!.message_stats?.publish).toBeUndefined();
    expect(sorted.items[0]!.message_stats?.publish_details?.rate).toBe(412);
    const bare = listAnswer(queueSchema).parse(fixture('queues_disable_stats.json')).items;
    expect(bare.every((q) => q.message_stats === undefined)).toBe(true);
  });

  it('turns `message_stats: []` and null counters into "no stats"', () => {
    expect(queueSchema.parse({ name: 'q', vhost: '/', message_stats: [] }).message_stats).toBeUndefined();
    const consumer = listAnswer(channelSchema)
      .parse(fixture('channels.json'))
      .items.find((c) => c.name.startsWith('127.0.0.1:54194'));
    expect(consumer?.message_stats?.publish).toBeNull();
    expect(consumer?.connection_details?.name).toBe('127.0.0.1:54194 -> 127.0.0.1:5672');
  });

  it('reads vhosts and the alarms check (200 ok, 503 with the alarms)', () => {
    const vhosts = listAnswer(vhostSchema).parse(fixture('vhosts.json')).items;
    expect(vhosts.map((v) => [v.name, v.message_stats?.publish])).toEqual([
      ['/', 13_910],
      ['tenant-t5', 578],
    ]);
    expect(alarmsSchema.parse({ status: 'ok' }).status).toBe('ok');
    expect(alarmsSchema.parse(fixture('health_alarms_during.json')).alarms).toEqual([
      { node: 'rabbit@localhost', resource: 'memory' },
    ]);
  });

  it('rejects what is not the management API', () => {
    expect(overviewSchema.safeParse({ hello: 'world' }).success).toBe(false);
    expect(nodesSchema.safeParse({ items: [] }).success).toBe(false);
  });
});
