import { describe, expect, it } from 'vitest';
import { type MemoryPoint, memoryTrend } from './memory-trend';
import { seeded } from './testing';

const T0 = 1_795_632_000_000;
const MB = 1e6;
const LIMIT = 1_600 * MB;

/** One broker reading a second from second `from` to `to`, against a fixed watermark. */
function readings(from: number, to: number, used: (s: number) => number, limit = LIMIT): MemoryPoint[] {
  const out: MemoryPoint[] = [];
  for (let s = from; s <= to; s++) {
    const u = used(s);
    out.push({ t: T0 + s * 1000, used: u, limit, alarm: u >= limit });
  }
  return out;
}

/** The estimate at every tick, as the detector asks it: each tick sees only its past. */
function estimates(points: readonly MemoryPoint[]): (number | null)[] {
  return points.map((_, i) => memoryTrend(points.slice(0, i + 1)).alarmInSec);
}

describe('steady growth', () => {
  it('gives the time until the fitted line reaches the watermark', () => {
    // +2 MB/s from 1,000 MB for a minute: 1,120 MB now, 480 MB to go → 240 s
    const trend = memoryTrend(readings(0, 60, (s) => 1_000 * MB + 2 * MB * s));
    expect(trend.bytesPerSec).toBeCloseTo(2 * MB, 0);
    expect(trend.alarmInSec).toBeCloseTo(240, 6);
    expect(trend.r2).toBeCloseTo(1, 9);
    expect(trend.fitSpanSec).toBe(60);
  });

  it('sees through a little noise around the rise', () => {
    for (const seed of [1, 2, 3]) {
      const random = seeded(seed);
      const trend = memoryTrend(readings(0, 120, (s) => 1_000 * MB + 2 * MB * s + (random() - 0.5) * 4 * MB));
      // 1,240 MB now, 360 MB to go at 2 MB/s → 180 s
      expect(trend.alarmInSec, `seed ${seed}`).toBeGreaterThan(170);
      expect(trend.alarmInSec, `seed ${seed}`).toBeLessThan(190);
    }
  });

  it('counts repeats of one broker reading once: a slow-refreshing broker sampled often is not more evidence', () => {
    // the same climb read every 250 ms: a new reading each sample, enough to judge after 30 s …
    const fresh: MemoryPoint[] = [];
    // … or from a broker that refreshes its figures every 5 s: 7 readings, too few
    const stale: MemoryPoint[] = [];
    for (let ms = 0; ms <= 30_000; ms += 250) {
      const t = T0 + ms;
      fresh.push({ t, used: 1_000 * MB + 2_000 * ms, limit: LIMIT, alarm: false });
      stale.push({ t, used: 1_000 * MB + 2_000 * (ms - (ms % 5_000)), limit: LIMIT, alarm: false });
    }
    expect(memoryTrend(fresh).alarmInSec).not.toBeNull();
    expect(memoryTrend(stale)).toEqual({ bytesPerSec: null, alarmInSec: null, r2: null, fitSpanSec: null });
  });

  it('gives no time once the alarm is on or memory is at the watermark', () => {
    const climbing = readings(0, 60, (s) => 1_000 * MB + 2 * MB * s);
    const last = climbing.at(-1)!;
    expect(memoryTrend([...climbing.slice(0, -1), { ...last, alarm: true }]).alarmInSec).toBeNull();
    expect(memoryTrend([...climbing.slice(0, -1), { ...last, limit: last.used }]).alarmInSec).toBeNull();
  });
});

describe('noise, saw-tooth and flat memory', () => {
  it('gives no estimate at any tick for memory that does not move', () => {
    expect(estimates(readings(0, 600, () => 1_000 * MB)).filter((e) => e !== null)).toEqual([]);
  });

  it('gives no estimate at any tick for garbage-collection noise around a flat level', () => {
    for (const seed of [1, 2, 3]) {
      const random = seeded(seed);
      const points = readings(0, 600, () => 1_000 * MB + (random() - 0.5) * 60 * MB);
      const windowed = points.map((_, i) => memoryTrend(points.slice(Math.max(0, i - 300), i + 1)));
      expect(
        windowed.filter((t) => t.alarmInSec !== null),
        `seed ${seed}`,
      ).toEqual([]);
    }
  });

  it('gives no estimate for a fast saw-tooth once a tooth has been seen', () => {
    // climbs 60 MB over 30 s, then a collection drops it back
    const random = seeded(9);
    const points = readings(0, 600, (s) => 1_000 * MB + ((s % 30) / 30) * 60 * MB + (random() - 0.5) * MB);
    const afterFirstTooth = estimates(points).slice(40);
    expect(afterFirstTooth.filter((e) => e !== null)).toEqual([]);
  });

  it('gives a falling memory a negative rate and no alarm time', () => {
    const trend = memoryTrend(readings(0, 60, (s) => 1_400 * MB - 3 * MB * s));
    expect(trend.bytesPerSec).toBeCloseTo(-3 * MB, 0);
    expect(trend.alarmInSec).toBeNull();
  });
});

describe('a change of trend refits', () => {
  it('fits only the new, faster climb and projects from it', () => {
    // a slow 0.2 MB/s drift for four minutes, then 5 MB/s for 40 s
    const points = readings(-240, 40, (s) =>
      s <= 0 ? 1_000 * MB + 0.2 * MB * (s + 240) : 1_048 * MB + 5 * MB * s,
    );
    const trend = memoryTrend(points);
    expect(trend.bytesPerSec).toBeCloseTo(5 * MB, -3);
    expect(trend.fitSpanSec).toBeGreaterThanOrEqual(38);
    expect(trend.fitSpanSec).toBeLessThanOrEqual(41);
    // 1,248 MB now, 352 MB to go at 5 MB/s → ~70 s (one line over all of it would say far later)
    expect(trend.alarmInSec).toBeGreaterThan(68);
    expect(trend.alarmInSec).toBeLessThan(72);
  });

  it('drops the estimate once a climb stops', () => {
    const random = seeded(4);
    // +2 MB/s for three minutes, then flat (a little noise) at 1,360 MB
    const points = readings(-180, 60, (s) =>
      s <= 0 ? 1_000 * MB + 2 * MB * (s + 180) : 1_360 * MB + (random() - 0.5) * MB,
    );
    expect(memoryTrend(points.slice(0, 181)).alarmInSec).not.toBeNull();
    const trend = memoryTrend(points);
    expect(trend.alarmInSec).toBeNull();
    expect(Math.abs(trend.bytesPerSec ?? 0)).toBeLessThan(0.1 * MB);
  });

  it('waits after a change too recent to judge rather than fitting across it', () => {
    // flat for four minutes, then a climb of 10 s: not yet enough of the new trend
    const points = readings(-240, 10, (s) => 1_000 * MB + Math.max(0, s) * 5 * MB + (s % 2) * 0.1 * MB);
    expect(memoryTrend(points).alarmInSec).toBeNull();
    // twenty seconds later it is
    const later = readings(-240, 30, (s) => 1_000 * MB + Math.max(0, s) * 5 * MB + (s % 2) * 0.1 * MB);
    expect(memoryTrend(later).alarmInSec).not.toBeNull();
  });
});
