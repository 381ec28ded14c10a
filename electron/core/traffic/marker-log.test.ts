import { describe, expect, it } from 'vitest';
import type { TrafficMarker } from '../api';
import { MarkerLog } from './marker-log';

const spike: TrafficMarker = { t: 2_000, kind: 'spike', tenantId: 'acme', label: 'Acme spike' };
const alarm: TrafficMarker = { t: 1_000, kind: 'broker-alarm', tenantId: null, label: 'memory alarm' };
const other: TrafficMarker = { t: 3_000, kind: 'flip', tenantId: 'globex', label: 'publish-events → false' };

describe('MarkerLog', () => {
  it('lists a tenant’s own markers and those about every tenant, oldest first', () => {
    const log = new MarkerLog();
    for (const m of [spike, alarm, other]) log.add(m);
    expect(log.list(0, 'acme')).toEqual([alarm, spike]);
    expect(log.list(0)).toEqual([alarm, spike, other]);
    expect(log.list(1_500, 'acme')).toEqual([spike]);
  });

  it('hands the markers about every tenant to the next tick once, and the others never', () => {
    const log = new MarkerLog();
    log.add(spike);
    log.add(alarm);
    log.add({ ...alarm, t: 500, kind: 'broker-warning', label: 'channel leak?' });
    expect(log.takeFresh()).toEqual([
      { ...alarm, t: 500, kind: 'broker-warning', label: 'channel leak?' },
      alarm,
    ]);
    expect(log.takeFresh()).toBeNull();
    log.add(other);
    expect(log.takeFresh()).toBeNull();
  });

  it('keeps at most its cap, the newest', () => {
    const log = new MarkerLog(2);
    for (let t = 0; t < 5; t++) log.add({ ...alarm, t });
    expect(log.list(0).map((m) => m.t)).toEqual([3, 4]);
    expect(log.takeFresh()?.map((m) => m.t)).toEqual([3, 4]);
  });
});
