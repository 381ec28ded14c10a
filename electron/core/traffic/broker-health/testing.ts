import type { BrokerHealth } from '../../api';

/** A broker health sample for tests: only what a test cares about needs saying. */
export function brokerHealth(p: {
  t: number;
  channels?: number;
  connections?: number;
  used?: number;
  limit?: number;
  alarm?: boolean;
  created?: number | null;
  closed?: number | null;
  blocked?: BrokerHealth['blocked'];
  nearChannelMax?: BrokerHealth['nearChannelMax'];
  fd?: BrokerHealth['fd'];
}): BrokerHealth {
  const channels = p.channels ?? 7;
  const connections = p.connections ?? 3;
  const used = p.used ?? 150e6;
  const limit = p.limit ?? 4e9;
  return {
    sourceId: 'rabbitmq',
    label: 'RabbitMQ test',
    t: p.t,
    version: '3.10.8',
    statsIntervalMs: 1000,
    memory: { used, limit, alarm: p.alarm ?? used >= limit, bytesPerSec: null, alarmInSec: null },
    diskAlarm: false,
    alarms: (p.alarm ?? used >= limit) ? ['memory alarm on rabbit@localhost'] : [],
    connections,
    channels,
    channelsPerConnection: connections > 0 ? channels / connections : 0,
    channelsCreatedPerSec: p.created ?? null,
    channelsClosedPerSec: p.closed ?? null,
    leak: { suspected: false, why: '' },
    nearChannelMax: p.nearChannelMax ?? [],
    blocked: p.blocked ?? [],
    blockedConnectionsTotal: p.blocked?.length ?? 0,
    blockingConnectionsTotal: p.blocked?.filter((c) => c.state === 'blocking').length ?? 0,
    queues: { count: 6, messages: 0, deepest: [] },
    publishRate: 500,
    deliverRate: 500,
    fd: p.fd ?? null,
    warnings: [],
  };
}

/** A small seeded PRNG (mulberry32) so noisy tests are the same every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
