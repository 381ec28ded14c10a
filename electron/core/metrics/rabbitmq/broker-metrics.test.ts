import { describe, expect, it } from 'vitest';
import { BrokerMetrics, type ManagementSnapshot } from './broker-metrics';
import { alarmsSchema, connectionSchema, listAnswer, nodesSchema } from './management-schemas';
import { type TenantRule, TenantRules } from './tenant-rules';
import { fixture, published, sampleSnapshot } from './testing/fixtures';

const T0 = 1_795_632_100_000;

const metrics = (rules: TenantRule[] = []) =>
  new BrokerMetrics({ sourceId: 'rabbitmq', label: 'RabbitMQ test', rules: new TenantRules(rules) });

/** The captured snapshot with each queue/channel/vhost counter moved by `per[name]` per elapsed tick. */
function advanced(ticks: number, per: Record<string, number>, t = T0 + ticks * 1000): ManagementSnapshot {
  const s = sampleSnapshot(t);
  let { queues, channels, vhosts } = s;
  for (const [name, by] of Object.entries(per)) {
    queues = published(queues, name, by * ticks);
    channels = published(channels!, name, by * ticks);
    vhosts = published(vhosts!, name, by * ticks);
  }
  const publish = (s.overview.message_stats?.publish ?? 0) + 500 * ticks;
  return {
    ...s,
    queues,
    channels,
    vhosts,
    overview: { ...s.overview, message_stats: { ...s.overview.message_stats, publish } },
  };
}

describe('BrokerMetrics: broker health from the captured answers', () => {
  it('reads memory, connections, channels, queues and descriptors', () => {
    const { broker, rates, problems } = metrics().ingest(sampleSnapshot(T0));
    expect(broker).toMatchObject({
      sourceId: 'rabbitmq',
      t: T0,
      version: '3.10.8',
      memory: { used: 146_362_368, limit: 10_110_410_752, alarm: false, alarmInSec: null },
      diskAlarm: false,
      alarms: [],
      connections: 7,
      channels: 7,
      channelsPerConnection: 1,
      nearChannelMax: [],
      blocked: [],
      blockedConnectionsTotal: 0,
      blockingConnectionsTotal: 0,
      fd: { used: 49, total: 1024 },
      leak: { suspected: false },
      warnings: [],
    });
    expect(broker.queues.count).toBe(6);
    expect(broker.queues.messages).toBe(566);
    expect(broker.queues.deepest).toEqual([{ vhost: 'tenant-t5', name: 'q.tenant.t5', messages: 566 }]);
    // The first sample shows the broker's own rate, not 0.
    expect(broker.publishRate).toBe(500);
    expect(broker.deliverRate).toBe(639);
    expect(rates.size).toBe(0);
    expect(problems).toEqual([]);
  });

  it('during the memory alarm: alarm listed, publishers blocked, the warning says so', () => {
    const states = fixture('connections_alarm_states.json') as { state: string; names: string[] }[];
    const connections = listAnswer(connectionSchema).parse(
      states.flatMap((group) =>
        group.names.map((name, i) => ({
          name: `127.0.0.1:${40_000 + i} -> 127.0.0.1:5672 ${name}`,
          user_provided_name: name,
          user: 'guest',
          state: group.state,
          channels: 1,
          channel_max: 2047,
        })),
      ),
    ).items;
    const { broker } = metrics().ingest({
      ...sampleSnapshot(T0),
      nodes: nodesSchema.parse(fixture('nodes_alarm.json')),
      alarms: alarmsSchema.parse(fixture('health_alarms_during.json')),
      connections,
    });
    expect(broker.memory).toMatchObject({ used: 565_403_648, limit: 50_000_000, alarm: true });
    expect(broker.alarms).toEqual(['memory alarm on rabbit@localhost']);
    expect(broker.blocked.filter((b) => b.state === 'blocked')).toHaveLength(6);
    expect(broker.blocked.filter((b) => b.state === 'blocking')).toHaveLength(6);
    expect(broker.blocked[0]).toEqual({ name: 'ingest-api (shared)', user: 'guest', state: 'blocked' });
    expect(broker).toMatchObject({ blockedConnectionsTotal: 12, blockingConnectionsTotal: 6 });
    expect(broker.warnings[0]).toBe('memory alarm: publishers blocked (6 connections)');
    expect(broker.fd).toBeNull();
  });

  it('lists the first 50 blocked/blocking connections, blocked first in the broker’s order, and counts all', () => {
    // 10,000 connections during an alarm, as the source reads them: blocking and blocked mixed.
    const state = (i: number) => (i % 5 === 0 ? 'blocking' : i % 7 === 0 ? 'running' : 'blocked');
    const connections = listAnswer(connectionSchema).parse(
      Array.from({ length: 10_000 }, (_, i) => ({
        name: `127.0.0.1:${10_000 + i} -> 127.0.0.1:5672`,
        user_provided_name: `publisher-${i}`,
        user: 'guest',
        state: state(i),
        channels: 1,
        channel_max: 2047,
      })),
    ).items;
    const expected = (wanted: string) =>
      connections.filter((c) => c.state === wanted).map((c) => c.user_provided_name);
    const blockedNames = expected('blocked');
    const blockingNames = expected('blocking');
    const { broker } = metrics().ingest({
      ...sampleSnapshot(T0),
      nodes: nodesSchema.parse(fixture('nodes_alarm.json')),
      alarms: alarmsSchema.parse(fixture('health_alarms_during.json')),
      connections,
    });
    expect(broker.blocked).toHaveLength(50);
    expect(broker.blocked.map((b) => b.name)).toEqual(blockedNames.slice(0, 50));
    expect(broker.blocked.every((b) => b.state === 'blocked')).toBe(true);
    expect(broker.blockedConnectionsTotal).toBe(blockedNames.length + blockingNames.length);
    expect(broker.blockingConnectionsTotal).toBe(blockingNames.length);
    expect(broker.warnings[0]).toBe(
      `memory alarm: publishers blocked (${blockedNames.length.toLocaleString('en-US')} connections)`,
    );

    // Few blocked: they come first, then blocking ones fill the list up to 50, in the broker's order.
    const few = connections.map((c, i) =>
      i >= 20 && c.state === 'blocked' ? { ...c, state: 'running' } : c,
    );
    const fewBlocked = few.filter((c) => c.state === 'blocked').map((c) => c.user_provided_name);
    const listed = metrics().ingest({ ...sampleSnapshot(T0), connections: few }).broker;
    expect(listed.blocked.map((b) => b.name)).toEqual([
      ...fewBlocked,
      ...blockingNames.slice(0, 50 - fewBlocked.length),
    ]);
    expect(listed.blocked.map((b) => b.state)).toEqual([
      ...fewBlocked.map(() => 'blocked'),
      ...blockingNames.slice(0, 50 - fewBlocked.length).map(() => 'blocking'),
    ]);
    expect(listed).toMatchObject({
      blockedConnectionsTotal: fewBlocked.length + blockingNames.length,
      blockingConnectionsTotal: blockingNames.length,
    });
  });

  it('reads alarms from the nodes when the alarms check is unavailable', () => {
    const { broker } = metrics().ingest({
      ...sampleSnapshot(T0),
      nodes: nodesSchema.parse(fixture('nodes_alarm.json')),
      alarms: null,
    });
    expect(broker.alarms).toEqual(['memory alarm on rabbit@localhost']);
    expect(broker.memory.alarm).toBe(true);
  });

  it('flags connections at 80% of their channel_max: a warning of its own, not a leak', () => {
    const s = sampleSnapshot(T0);
    s.connections = s.connections.map((c, i) =>
      i === 2 ? { ...c, user_provided_name: 'busy-publisher', channels: 1_640 } : c,
    );
    const { broker } = metrics().ingest(s);
    expect(broker.nearChannelMax).toEqual([{ connection: 'busy-publisher', channels: 1_640, max: 2047 }]);
    expect(broker.leak.suspected).toBe(false);
    expect(broker.warnings).toEqual(['connection busy-publisher uses 1,640 of 2,047 channels']);
  });

  it('flags connections at the tuned share of their channel_max (the detection.broker setting)', () => {
    const s = sampleSnapshot(T0);
    s.connections = s.connections.map((c, i) =>
      i === 2 ? { ...c, user_provided_name: 'busy-publisher', channels: 1_300 } : c,
    );
    expect(metrics().ingest(s).broker.nearChannelMax).toEqual([]);
    const tuned = new BrokerMetrics({
      sourceId: 'rabbitmq',
      label: 'RabbitMQ test',
      detector: { nearChannelMaxShare: 0.6 },
    });
    expect(tuned.ingest(s).broker.nearChannelMax).toEqual([
      { connection: 'busy-publisher', channels: 1_300, max: 2047 },
    ]);
  });

  it('takes a share tuned while it runs from the next snapshot, and the default back', () => {
    const m = metrics();
    const at = (t: number) => {
      const s = sampleSnapshot(t);
      s.connections = s.connections.map((c, i) =>
        i === 2 ? { ...c, user_provided_name: 'busy-publisher', channels: 1_300 } : c,
      );
      return s;
    };
    expect(m.ingest(at(T0)).broker.nearChannelMax).toEqual([]);
    m.tuneDetector({ nearChannelMaxShare: 0.6 });
    expect(m.ingest(at(T0 + 1_000)).broker.nearChannelMax.map((n) => n.connection)).toEqual([
      'busy-publisher',
    ]);
    m.tuneDetector({});
    expect(m.ingest(at(T0 + 2_000)).broker.nearChannelMax).toEqual([]);
  });

  it('follows each listed connection’s channels: one leaking while its peers stay flat is named', () => {
    const m = metrics();
    let last = m.ingest(sampleSnapshot(T0)).broker;
    for (let i = 1; i <= 20; i++) {
      const s = sampleSnapshot(T0 + i * 1000);
      // 'order-service' gains 20 channels a second from the 5th second on; the other six keep one.
      const leaked = Math.max(0, i - 5) * 20;
      s.connections = s.connections.map((c, k) =>
        k === 2 ? { ...c, user_provided_name: 'order-service', channels: 1 + leaked } : c,
      );
      // Spread over 40 connections in the broker's totals, so the broker-wide rules stay silent.
      s.overview = {
        ...s.overview,
        object_totals: { ...s.overview.object_totals, connections: 40, channels: 40 + leaked },
      };
      last = m.ingest(s).broker;
    }
    expect(last.leak.suspected).toBe(true);
    expect(last.leak.why).toMatch(
      /^connection order-service: channels 1 → 301 in \d+ s \(\+20\/s\) while 6 other connections stayed flat$/,
    );
  });

  it('says when the broker keeps no rates', () => {
    const s = sampleSnapshot(T0);
    const { problems } = metrics().ingest({ ...s, overview: { ...s.overview, rates_mode: 'none' } });
    expect(problems).toEqual(['the broker keeps no message rates (rates_mode = none)']);
  });
});

describe('BrokerMetrics: rates from the counters', () => {
  it('computes the broker publish rate from the counter and our timestamps, not from *_details.rate', () => {
    const m = metrics();
    m.ingest(advanced(0, {}));
    m.ingest(advanced(1, {}));
    // The overview counter grows 500 per second; its publish_details.rate (500) is never used after
    // the first movement — make it lie to prove it.
    const s = advanced(3, {});
    s.overview.message_stats!.publish_details = { rate: 12_345 };
    expect(m.ingest(s).broker.publishRate).toBe(500);
  });

  it('detects the stats interval: stock 5 s, and holds the rate between refreshes', () => {
    const m = metrics([{ from: 'queue', pattern: '^q\\.tenant\\.(.+)$' }]);
    const seen: number[] = [];
    let statsIntervalMs: number | null = null;
    for (let i = 0; i <= 40; i++) {
      // The broker refreshes every 5 s: counters read the value of the last refresh.
      const refreshed = Math.floor(i / 5) * 5;
      const s = advanced(refreshed, { 'q.tenant.t3': 400 }, T0 + i * 1000);
      const { rates, broker } = m.ingest(s);
      seen.push(rates.get('t3')!);
      statsIntervalMs = broker.statsIntervalMs;
    }
    expect(statsIntervalMs).toBe(5000);
    // Never 0 then a burst: every tick from the second refresh on shows the steady 400/s.
    for (const r of seen.slice(11)) expect(r).toBe(400);
  });

  it('per-tenant rates from per-tenant queues (queue rule)', () => {
    const m = metrics([{ from: 'queue', pattern: '^q\\.tenant\\.(.+)$' }]);
    const per = {
      'q.tenant.t1': 22,
      'q.tenant.t2': 25,
      'q.tenant.t3': 410,
      'q.tenant.t4': 20,
      'q.tenant.t5': 20,
    };
    const first = m.ingest(advanced(0, per));
    // First sample: the broker's own rates, so the table is not empty for the first seconds.
    expect(Object.fromEntries(first.rates)).toEqual({ t1: 22, t2: 22, t3: 413, t4: 23, t5: 20 });
    m.ingest(advanced(1, per));
    const { rates } = m.ingest(advanced(2, per));
    expect(Object.fromEntries(rates)).toEqual({ t1: 22, t2: 25, t3: 410, t4: 20, t5: 20 });
  });

  it('per-tenant rates from vhosts, users and connection names', () => {
    const m = metrics([
      { from: 'vhost', pattern: '^tenant-(.+)$' },
      { from: 'user', pattern: '^svc-(.+)$' },
      { from: 'connection', pattern: '^publisher/tenant=(.+)$' },
    ]);
    const per = {
      'tenant-t5': 20,
      // channels of t1, t3 and t4's connections (t4's user is svc-t4)
      '127.0.0.1:54120 -> 127.0.0.1:5672 (1)': 10,
      '127.0.0.1:54150 -> 127.0.0.1:5672 (1)': 400,
      '127.0.0.1:54162 -> 127.0.0.1:5672 (1)': 11,
    };
    m.ingest(advanced(0, per));
    m.ingest(advanced(1, per));
    const { rates } = m.ingest(advanced(2, per));
    // t5 is found by the vhost rule (first) and by its connection name: counted once, by the vhost.
    // t2's counter has not moved yet: the broker's own 10/s holds while a 5 s refresh may be pending.
    expect(Object.fromEntries(rates)).toEqual({ t1: 10, t2: 10, t3: 400, t4: 11, t5: 20 });
  });

  it('a broker restart (counters back to zero, stats missing for a while) gives no negative rates', () => {
    const m = metrics([{ from: 'queue', pattern: '^q\\.tenant\\.(.+)$' }]);
    const per = { 'q.tenant.t3': 400 };
    for (let i = 0; i <= 3; i++) m.ingest(advanced(i, per));
    // Restarted: queues come back without stats, then with small counters.
    const bare = advanced(4, {});
    bare.queues = bare.queues.map((q) => ({ ...q, message_stats: undefined }));
    bare.overview = { ...bare.overview, message_stats: undefined };
    const during = m.ingest(bare);
    for (const r of during.rates.values()) expect(r).toBeGreaterThanOrEqual(0);
    const after = advanced(5, {});
    after.queues = after.queues.map((q) => ({ ...q, message_stats: { publish: 30 } }));
    after.overview = { ...after.overview, message_stats: { publish: 60 } };
    const { rates, broker } = m.ingest(after);
    for (const r of rates.values()) expect(r).toBeGreaterThanOrEqual(0);
    expect(broker.publishRate).toBeGreaterThanOrEqual(0);
  });

  it('says when the rules match nothing', () => {
    const m = metrics([{ from: 'queue', pattern: '^orders\\.(.+)$' }]);
    expect(m.ingest(sampleSnapshot(T0)).problems).toEqual([
      'the tenant rules match no queue, vhost, user or connection',
    ]);
  });
});
