import { describe, expect, it } from 'vitest';
import {
  QUIET_BEGAN,
  SILENCE_ENDED,
  SILENCE_FADED,
  SILENCE_STARTED,
  SILENCE_UNCHANGED,
  SilenceWatch,
} from './silence-watch';

const T0 = 1_700_000_000_000;
/** Poisson noise of a rate sampled once a second: σ = √rate */
const poisson = (baseline: number) => Math.sqrt(baseline);

interface Sample {
  rate: number;
  baseline: number;
  spread: number;
  judge: boolean;
  /** epoch ms the switch was turned back on, 0 (the default) = never */
  resumedAt?: number;
}

/** One one-second tick of tenant 0 at `t`. */
const step = (watch: SilenceWatch, t: number, s: Sample) =>
  watch.step(0, t, 1000, s.rate, s.baseline, s.spread, s.judge, s.resumedAt ?? 0);

/** Feed tenant 0 `ticks` one-second samples after `from`; returns the changes, one per tick. */
function run(watch: SilenceWatch, from: number, ticks: number, sample: Sample) {
  const changes: number[] = [];
  for (let k = 1; k <= ticks; k++) changes.push(step(watch, from + k * 1000, sample));
  return changes;
}

function watchOne() {
  const watch = new SilenceWatch();
  watch.ensureCapacity(1);
  return watch;
}

describe('SilenceWatch: how long is silence', () => {
  it('follows from what the tenant usually sends: a busy tenant after 10 s, one at 0.5/s after 50 s', () => {
    const watch = watchOne();
    expect(watch.requiredQuietMs(100, poisson(100), 1000)).toBe(10_000);
    expect(watch.requiredQuietMs(0.5, poisson(0.5), 1000)).toBeCloseTo(50_000, -2);
    expect(watch.requiredQuietMs(2, poisson(2), 1000)).toBeCloseTo(12_500, -2);
  });

  it('a bursty tenant must be quiet longer, and one too irregular is not judged', () => {
    const watch = watchOne();
    // 5/s on average, sent as one batch of 150 every 30 s: its spread is far above Poisson's
    const bursty = watch.requiredQuietMs(5, 12, 1000);
    expect(bursty).toBeGreaterThan(watch.requiredQuietMs(5, poisson(5), 1000) * 10);
    expect(bursty).toBeLessThan(10 * 60_000);
    expect(watch.requiredQuietMs(1, 40, 1000)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('SilenceWatch: marks', () => {
  const busy = { baseline: 100, spread: poisson(100), judge: true };

  it('marks a tenant quiet for the time required, not a tick sooner, and keeps what it expected', () => {
    const watch = watchOne();
    const changes = run(watch, T0, 12, { ...busy, rate: 0 });
    // the first quiet tick covers the second before it: 10 s of silence after 10 ticks
    expect(changes.indexOf(SILENCE_STARTED)).toBe(9);
    expect(changes.filter((c) => c !== SILENCE_UNCHANGED)).toEqual([QUIET_BEGAN, SILENCE_STARTED]);
    expect(changes[0]).toBe(QUIET_BEGAN);
    expect(watch.isSilent(0)).toBe(true);
    expect(watch.expected(0)).toBe(100);
    expect(watch.quietSinceOf(0)).toBe(T0);
  });

  it('expects what the tenant sent when it went quiet, not the baseline its quiet ticks wore down', () => {
    const watch = watchOne();
    const changes = [step(watch, T0 + 1000, { ...busy, rate: 0 })];
    for (let k = 2; k <= 10; k++)
      changes.push(step(watch, T0 + k * 1000, { ...busy, baseline: 100 - k, rate: 0 }));
    expect(changes.at(-1)).toBe(SILENCE_STARTED);
    expect(watch.expected(0)).toBe(100);
  });

  it('a trickle under 5% of the baseline is silence too; one tick at the baseline restarts the count', () => {
    const watch = watchOne();
    run(watch, T0, 6, { ...busy, rate: 3 });
    expect(step(watch, T0 + 7_000, { ...busy, rate: 90 })).toBe(SILENCE_UNCHANGED);
    const changes = run(watch, T0 + 7_000, 9, { ...busy, rate: 3 });
    expect(changes).not.toContain(SILENCE_STARTED);
    expect(watch.isSilent(0)).toBe(false);
  });

  it('is not judged while the caller says not (warming up, a fleet-wide drop), nor below 0.5/s', () => {
    const watch = watchOne();
    expect(run(watch, T0, 120, { ...busy, rate: 0, judge: false })).not.toContain(SILENCE_STARTED);
    expect(
      run(watch, T0 + 120_000, 600, { baseline: 0.3, spread: poisson(0.3), judge: true, rate: 0 }),
    ).not.toContain(SILENCE_STARTED);
    // the quiet count starts when judging does
    const changes = run(watch, T0 + 720_000, 10, { ...busy, rate: 0 });
    expect(changes.indexOf(SILENCE_STARTED)).toBe(9);
  });

  it('ends on the first tick the tenant sends again, saying how long it lasted', () => {
    const watch = watchOne();
    run(watch, T0, 30, { ...busy, rate: 0 });
    expect(step(watch, T0 + 31_000, { ...busy, rate: 4 })).toBe(SILENCE_UNCHANGED);
    expect(step(watch, T0 + 32_000, { ...busy, rate: 60 })).toBe(SILENCE_ENDED);
    expect(watch.endedSilenceMs).toBe(32_000);
    expect(watch.isSilent(0)).toBe(false);
    expect(Number.isNaN(watch.quietSinceOf(0))).toBe(true);
  });

  it('fades without news once the baseline has learned the silence; its hold ends when the silence is the new normal', () => {
    const watch = watchOne();
    run(watch, T0, 10, { ...busy, rate: 0 });
    expect(watch.holdsBaseline(0, T0 + 60_000, 15 * 60_000)).toBe(true);
    expect(watch.holdsBaseline(0, T0 + 15 * 60_000, 15 * 60_000)).toBe(false);
    const fading = run(watch, T0 + 10_000, 3, { baseline: 0.4, spread: 0.1, judge: true, rate: 0 });
    expect(fading).toEqual([SILENCE_FADED, SILENCE_UNCHANGED, SILENCE_UNCHANGED]);
    expect(watch.isSilent(0)).toBe(false);
  });

  it('reset forgets the mark (a tenant switched off is off, not silent)', () => {
    const watch = watchOne();
    run(watch, T0, 10, { ...busy, rate: 0 });
    watch.reset(0);
    expect(watch.isSilent(0)).toBe(false);
    expect(watch.holdsBaseline(0, T0 + 11_000, 15 * 60_000)).toBe(false);
  });

  it('a tenant switched back on that never sends is silent once the grace is over, quiet since the switch', () => {
    const watch = watchOne();
    const changes = run(watch, T0, 61, { ...busy, rate: 0, resumedAt: T0 + 1000 });
    // quiet from its first tick on, but no silence within the minute's grace
    expect(changes.indexOf(SILENCE_STARTED)).toBe(60);
    expect(watch.quietSinceSwitchOn(0, T0 + 1000)).toBe(true);
  });

  it('one that came back and then stopped stopped, not "did not come back"', () => {
    const watch = watchOne();
    run(watch, T0, 5, { ...busy, rate: 100, resumedAt: T0 + 1000 });
    const changes = run(watch, T0 + 5000, 60, { ...busy, rate: 0, resumedAt: T0 + 1000 });
    expect(changes.indexOf(SILENCE_STARTED)).toBe(55);
    expect(watch.quietSinceSwitchOn(0, T0 + 1000)).toBe(false);
  });

  it('ranks a quiet or silent tenant by what it sent before, for the overview stack', () => {
    const watch = watchOne();
    expect(watch.rankRate(0, 80)).toBe(80);
    run(watch, T0, 3, { ...busy, rate: 0 });
    expect(watch.rankRate(0, 0)).toBe(100);
    run(watch, T0 + 3000, 10, { ...busy, rate: 0 });
    expect(watch.isSilent(0)).toBe(true);
    expect(watch.rankRate(0, 2)).toBe(100);
    watch.reset(0);
    expect(watch.rankRate(0, 0)).toBe(0);
  });

  it('new tenants start not quiet', () => {
    const watch = watchOne();
    watch.ensureCapacity(300);
    expect(Number.isNaN(watch.quietSinceOf(299))).toBe(true);
    expect(watch.isSilent(299)).toBe(false);
  });
});
