import { describe, expect, it } from 'vitest';
import {
  markerOffsets,
  OVERVIEW_WINDOW_MS,
  OverviewBuffer,
  shortMarkerLabel,
  timeTicks,
  toChartPoints,
} from './overview';
import { row, tick } from './test-data';

describe('OverviewBuffer', () => {
  const base = {
    t: [1000, 2000],
    total: [10, 12],
    top: [{ id: 'a', name: 'A', values: [5, 6] }],
    markers: [],
  };

  it('appends ticks and reports when the top set changes', () => {
    const b = new OverviewBuffer();
    b.reset(base);
    const t1 = { ...tick(1, [row('a', 7)], ['a']), t: 3000, total: 14 };
    expect(b.appendTick(t1, () => 7)).toBe(false);
    expect(b.t).toEqual([1000, 2000, 3000]);
    expect(b.top[0]!.values).toEqual([5, 6, 7]);
    const t2 = { ...tick(2, [row('a', 7), row('b', 9)], ['b', 'a']), t: 4000 };
    expect(b.appendTick(t2, () => 1)).toBe(true);
    // same set in another order is no change
    b.reset({ ...base, top: [...base.top, { id: 'b', name: 'B', values: [0, 0] }] });
    expect(b.appendTick({ ...t2, t: 5000 }, () => 1)).toBe(false);
  });

  it('does not append a tick that is not newer', () => {
    const b = new OverviewBuffer();
    b.reset(base);
    b.appendTick({ ...tick(1, [], ['a']), t: 2000 }, () => 1);
    expect(b.t).toEqual([1000, 2000]);
  });

  it('keeps 15 minutes and drops older points and markers', () => {
    const b = new OverviewBuffer();
    b.reset({ ...base, markers: [{ t: 1000, kind: 'spike', tenantId: 'a', label: 'a' }] });
    b.appendTick({ ...tick(1, [], ['a']), t: 2000 + OVERVIEW_WINDOW_MS }, () => 1);
    expect(b.t).toEqual([2000, 2000 + OVERVIEW_WINDOW_MS]);
    expect(b.top[0]!.values).toEqual([6, 1]);
    expect(b.markers).toEqual([]);
  });

  it('deduplicates markers and keeps locally learned ones across a reset', () => {
    const b = new OverviewBuffer();
    b.reset(base);
    b.addMarker({ t: 1500, kind: 'flip', tenantId: 'a', label: 'a off' });
    b.addMarker({ t: 1600, kind: 'flip', tenantId: 'a', label: 'a off' });
    expect(b.markers).toHaveLength(1);
    b.reset(base);
    expect(b.markers).toHaveLength(1);
  });
});

describe('toChartPoints', () => {
  it('passes short series through with others = total − top', () => {
    const pts = toChartPoints([1, 2], [10, 20], [{ values: [4, 5] }], 10);
    expect(pts).toEqual([
      { t: 1, total: 10, others: 6, s0: 4 },
      { t: 2, total: 20, others: 15, s0: 5 },
    ]);
  });

  it('averages into time-aligned buckets, at most maxPoints', () => {
    const n = 900;
    const t = Array.from({ length: n }, (_, i) => 1_000_000 + i * 1000);
    const total = t.map(() => 100);
    const pts = toChartPoints(t, total, [{ values: total.map(() => 40) }], 300);
    expect(pts.length).toBeLessThanOrEqual(301);
    expect(pts.every((p) => p.total === 100 && p.s0 === 40 && p.others === 60)).toBe(true);
    // buckets are aligned on time: adding a point changes only the last bucket
    const more = toChartPoints(
      [...t, t[n - 1]! + 1000],
      [...total, 400],
      [{ values: [...total.map(() => 40), 40] }],
      300,
    );
    expect(more.slice(0, pts.length - 1)).toEqual(pts.slice(0, pts.length - 1));
  });
});

describe('axis helpers', () => {
  it('picks round minute ticks', () => {
    const t0 = Date.UTC(2024, 0, 1, 14, 0, 30);
    const { ticks, seconds } = timeTicks(t0, t0 + 15 * 60_000, 8);
    expect(seconds).toBe(false);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.every((x) => x % 120_000 === 0)).toBe(true);
    expect(new Set(ticks).size).toBe(ticks.length);
  });
  it('uses seconds for short spans', () => {
    const { ticks, seconds } = timeTicks(0, 60_000, 8);
    expect(seconds).toBe(true);
    expect(ticks).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  });
  it('stacks labels of markers that are close together', () => {
    expect(markerOffsets([0, 10, 500, 505], 1000)).toEqual([5, 18, 5, 18]);
  });
});

describe('shortMarkerLabel', () => {
  it('reduces a flip marker to on/off', () => {
    expect(shortMarkerLabel({ t: 0, kind: 'flip', tenantId: 'a', label: 'publish-events → false' })).toBe(
      'off',
    );
    expect(shortMarkerLabel({ t: 0, kind: 'revert', tenantId: 'a', label: 'publish-events → true' })).toBe(
      'revert on',
    );
    expect(shortMarkerLabel({ t: 0, kind: 'spike', tenantId: 'a', label: 'Acme spike' })).toBe('spike');
    expect(shortMarkerLabel({ t: 0, kind: 'flip', tenantId: 'a', label: 'off' })).toBe('off');
    // about every tenant: what it says, on a tenant's chart too
    expect(
      shortMarkerLabel({ t: 0, kind: 'flip', tenantId: null, label: 'publish-events → off for everyone' }),
    ).toBe('off for everyone');
    expect(shortMarkerLabel({ t: 0, kind: 'broker-alarm', tenantId: null, label: 'memory alarm' })).toBe(
      'memory alarm',
    );
  });
});
