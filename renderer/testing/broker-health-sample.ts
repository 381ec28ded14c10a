import type { BrokerHealth } from '../../electron/core/api';

/**
 * A calm broker's health for renderer tests, with only what a test cares about said: the rest is
 * the shape the core sends (every field present, so a new contract field breaks one place).
 */
export function brokerHealthSample(extra: Partial<BrokerHealth> = {}): BrokerHealth {
  return {
    sourceId: 'rabbitmq',
    label: 'RabbitMQ test',
    t: 1000,
    version: '3.13.2',
    statsIntervalMs: 1000,
    memory: { used: 1e9, limit: 2e9, alarm: false, bytesPerSec: null, alarmInSec: null },
    diskAlarm: false,
    alarms: [],
    connections: 3,
    channels: 12,
    channelsPerConnection: 4,
    channelsCreatedPerSec: null,
    channelsClosedPerSec: null,
    leak: { suspected: false, why: '' },
    nearChannelMax: [],
    blocked: [],
    blockedConnectionsTotal: 0,
    blockingConnectionsTotal: 0,
    queues: { count: 1, messages: 0, deepest: [] },
    publishRate: 100,
    deliverRate: 100,
    fd: null,
    warnings: [],
    ...extra,
  };
}
