import { describe, expect, it } from 'vitest';
import type { BrokerHealth, SourceStatus } from '../../../electron/core/api';
import { BrokerSeries } from './broker-store';
import {
  activeAlarms,
  alarmSoonText,
  blockedCounts,
  brokerEntries,
  byteTicks,
  healthPoints,
  memoryDetail,
  memoryText,
  memoryTone,
} from './broker-view';

const h = (
  extra: Partial<BrokerHealth> = {},
  memory: Partial<BrokerHealth['memory']> = {},
): BrokerHealth => ({
  sourceId: 'rabbitmq',
  label: 'RabbitMQ test',
  t: 1000,
  version: null,
  statsIntervalMs: null,
  memory: { used: 1.24e9, limit: 2e9, alarm: false, bytesPerSec: null, alarmInSec: null, ...memory },
  diskAlarm: false,
  alarms: [],
  connections: 3,
  channels: 6013,
  channelsPerConnection: 2004.3,
  channelsCreatedPerSec: null,
  channelsClosedPerSec: null,
  leak: { suspected: false, why: '' },
  nearChannelMax: [],
  blocked: [],
  queues: { count: 0, messages: 0, deepest: [] },
  publishRate: 0,
  deliverRate: 0,
  fd: null,
  warnings: [],
  ...extra,
});

const source = (id: string, kind: string, state: SourceStatus['state'] = 'ok'): SourceStatus => ({
  id,
  kind,
  label: id,
  state,
  message: null,
  lastOkAt: null,
  stale: false,
  simulated: false,
});

describe('broker view', () => {
  it('shows broker sources, with or without a first sample, and nothing without one', () => {
    expect(brokerEntries([source('simulated', 'simulated')], [])).toEqual([]);
    const down = brokerEntries([source('rabbitmq', 'rabbitmq', 'down')], []);
    expect(down).toMatchObject([{ sourceId: 'rabbitmq', state: 'down', health: null }]);
    const both = brokerEntries([source('rabbitmq', 'rabbitmq')], [h()]);
    expect(both).toHaveLength(1);
    expect(both[0]!.health?.channels).toBe(6013);
  });

  it('says memory against the watermark and when the alarm will trip', () => {
    expect(memoryText(h())).toBe('62% of watermark');
    expect(memoryTone(h())).toBe('ok');
    expect(alarmSoonText(h({}, { alarmInSec: 540 }))).toBe('alarm in ~9 min');
    expect(memoryTone(h({}, { alarmInSec: 540 }))).toBe('warn');
    expect(alarmSoonText(h({}, { alarm: true, alarmInSec: 0 }))).toBeNull();
    expect(memoryTone(h({}, { used: 2.1e9, alarm: true }))).toBe('crit');
  });

  it('lets an alarm win over memory figures the broker has not refreshed yet', () => {
    const lagging = h({}, { used: 0.04e9, alarm: true });
    expect(memoryText(lagging)).toBe('100% of watermark');
    expect(memoryDetail(lagging)).toContain('the alarm is newer than these figures');
    expect(memoryText(h({}, { used: 3e9, alarm: true }))).toBe('150% of watermark');
    expect(memoryDetail(h())).not.toContain('newer');
  });

  it('lists alarms and counts blocked and blocking connections', () => {
    expect(activeAlarms(h({ diskAlarm: true }, { alarm: true }))).toEqual(['memory alarm', 'disk alarm']);
    expect(
      blockedCounts(
        h({
          blocked: [
            { name: 'a', user: 'u', state: 'blocked' },
            { name: 'b', user: 'u', state: 'blocked' },
            { name: 'c', user: 'u', state: 'blocking' },
          ],
        }),
      ),
    ).toEqual({ blocked: 2, blocking: 1 });
  });

  it('thins the history to time-aligned buckets, keeping the newest sample', () => {
    const s = new BrokerSeries();
    for (let t = 0; t < 900_000; t += 1000) s.push(h({ t, channels: t / 1000 }));
    const points = healthPoints(s, 300);
    expect(points.length).toBeLessThanOrEqual(301);
    expect(points.at(-1)!.t).toBe(899_000);
    expect(points.at(-1)!.channels).toBe(899);
    const few = new BrokerSeries();
    few.push(h({ t: 1 }));
    few.push(h({ t: 2 }));
    expect(healthPoints(few, 300).map((p) => p.t)).toEqual([1, 2]);
  });

  it('leaves out memory figures of a sample without a watermark', () => {
    const s = new BrokerSeries();
    s.push(h({ t: 1 }, { used: 0, limit: 0 }));
    s.push(h({ t: 2 }));
    expect(healthPoints(s).map((p) => [p.memUsed, p.memLimit])).toEqual([
      [null, null],
      [1.24e9, 2e9],
    ]);
  });

  it('puts bytes axis ticks on binary steps up to at least the maximum', () => {
    const GiB = 2 ** 30;
    expect(byteTicks(2.16 * GiB)).toEqual([0, 0.5, 1, 1.5, 2, 2.5].map((x) => x * GiB));
    expect(byteTicks(0)).toEqual([0]);
  });
});
