import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshScheduler } from './refresh-scheduler';

const timing = { debounceMs: 1_000, minGapMs: 3_000, maxWaitMs: 5_000 };

describe('RefreshScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads once, a debounce after a burst of changes went quiet', () => {
    let runs = 0;
    const s = new RefreshScheduler(() => runs++, timing);
    for (let i = 0; i < 4; i++) {
      s.request();
      vi.advanceTimersByTime(200);
    }
    expect(runs).toBe(0);
    vi.advanceTimersByTime(799);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(runs).toBe(1);
  });

  it('does not read again sooner than the minimum gap', () => {
    let runs = 0;
    const s = new RefreshScheduler(() => runs++, timing);
    s.runNow();
    expect(runs).toBe(1);
    s.request();
    vi.advanceTimersByTime(2_999);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(2);
  });

  it('reads within the longest wait while changes keep coming, and no more than once per gap', () => {
    let runs = 0;
    const s = new RefreshScheduler(() => runs++, timing);
    const seen: number[] = [];
    for (let t = 0; t < 20_000; t += 500) {
      s.request();
      vi.advanceTimersByTime(500);
      seen.push(runs);
    }
    // first read at 5 s (the longest wait), then one each 5 s: never starved, never more than 1 per 3 s
    expect(runs).toBe(4);
    expect(seen.indexOf(1)).toBe(9);
  });

  it('lets a direct read cover the pending request, and stops after dispose', () => {
    let runs = 0;
    const s = new RefreshScheduler(() => runs++, timing);
    s.request();
    s.runNow();
    expect(runs).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(runs).toBe(1);
    s.request();
    s.dispose();
    vi.advanceTimersByTime(10_000);
    s.request();
    s.runNow();
    expect(runs).toBe(1);
  });

  it('refuses timings that are not durations', () => {
    expect(() => new RefreshScheduler(() => {}, { ...timing, minGapMs: -1 })).toThrow(/minGapMs/);
    expect(() => new RefreshScheduler(() => {}, { ...timing, debounceMs: Number.NaN })).toThrow(/debounceMs/);
  });
});
