import { describe, expect, it } from 'vitest';
import type { BrokerHealth, SourceStatus } from '../../../electron/core/api';
import { brokerHealthSample } from '../../testing/broker-health-sample';
import { BrokerSeries } from './broker-store';
import {
  activeAlarms,
  alarmSoonText,
  blockedCounts,
  blockedNotListed,
  brokerEntries,
  byteTicks,
  entryHealthy,
  healthPoints,
  memoryDetail,
  memoryText,
  memoryTone,
  sampleGapMs,
  statsIntervalText,
} from './broker-view';

const h = (extra: Partial<BrokerHealth> = {}, memory: Partial<BrokerHealth['memory']> = {}): BrokerHealth =>
  brokerHealthSample({
    version: null,
    statsIntervalMs: null,
    memory: { used: 1.24e9, limit: 2e9, alarm: false, bytesPerSec: null, alarmInSec: null, ...memory },
    channels: 6013,
    channelsPerConnection: 2004.3,
    queues: { count: 0, messages: 0, deepest: [] },
    publishRate: 0,
    deliverRate: 0,
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

  it('lists alarms and counts blocked and blocking connections, listed or not', () => {
    expect(activeAlarms(h({ diskAlarm: true }, { alarm: true }))).toEqual(['memory alarm', 'disk alarm']);
    const listed: BrokerHealth['blocked'] = [
      { name: 'a', user: 'u', state: 'blocked' },
      { name: 'b', user: 'u', state: 'blocked' },
      { name: 'c', user: 'u', state: 'blocking' },
    ];
    // the core lists the first 50 and counts them all
    const capped = h({ blocked: listed, blockedConnectionsTotal: 1203, blockingConnectionsTotal: 3 });
    expect(blockedCounts(capped)).toEqual({ blocked: 1200, blocking: 3 });
    expect(blockedNotListed(capped)).toBe(1200);
    const all = h({ blocked: listed, blockedConnectionsTotal: 3, blockingConnectionsTotal: 1 });
    expect(blockedCounts(all)).toEqual({ blocked: 2, blocking: 1 });
    expect(blockedNotListed(all)).toBe(0);
    // a sample without the totals: counted from the list
    const { blockedConnectionsTotal: _t, blockingConnectionsTotal: _b, ...rest } = h({ blocked: listed });
    const untotalled = rest as BrokerHealth;
    expect(blockedCounts(untotalled)).toEqual({ blocked: 2, blocking: 1 });
    expect(blockedNotListed(untotalled)).toBe(0);
  });

  it('marks as stale only figures that are old: down, or stale; not a degraded source that answers', () => {
    const entry = (state: SourceStatus['state'], stale: boolean) =>
      brokerEntries([{ ...source('rabbitmq', 'rabbitmq', state), stale }], [h()])[0]!;
    expect(entry('degraded', false)).toMatchObject({ state: 'degraded', stale: false });
    expect(entryHealthy(entry('degraded', false))).toBe(false);
    expect(entry('down', false).stale).toBe(true);
    expect(entry('degraded', true).stale).toBe(true);
    expect(entry('ok', true)).toMatchObject({ state: 'stale', stale: true });
    expect(entryHealthy(entry('ok', true))).toBe(false);
    expect(entryHealthy(entry('ok', false))).toBe(true);
    // a broker only known from its health: fresh
    expect(brokerEntries([], [h()])[0]).toMatchObject({ state: 'ok', stale: false });
  });

  it('says the stats refresh is "at most" the reading interval when it cannot be seen finer', () => {
    expect(statsIntervalText(5000, 5000).text).toBe('stats every ≤5 s');
    expect(statsIntervalText(5000, 5004).title).toContain('at least as often as Switchboard reads them');
    expect(statsIntervalText(1000, 1000).text).toBe('stats every ≤1 s');
    expect(statsIntervalText(5000, 1000).text).toBe('stats every 5 s');
    expect(statsIntervalText(5000, null).text).toBe('stats every 5 s');
  });

  it('takes the reading interval from the gaps between samples', () => {
    const s = new BrokerSeries();
    expect(sampleGapMs(s)).toBeNull();
    for (const t of [0, 5000, 10_010, 14_990, 20_000, 40_000]) s.push(h({ t }));
    expect(sampleGapMs(s)).toBe(5010); // the median gap: one long pause does not move it
    expect(sampleGapMs(undefined)).toBeNull();
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
