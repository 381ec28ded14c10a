import { describe, expect, it } from 'vitest';
import { CounterRates, type CounterReading, RefreshEstimate } from './counter-rates';

const T0 = 1_795_632_100_000;
const one = (value: number | undefined, hint?: number) =>
  new Map<string, CounterReading>([['q', { value, hint }]]);

/**
 * A broker refreshing its stats every `refreshMs` (phase `phaseMs`), polled every `pollMs`: the
 * counter read at a poll is the true count at the last refresh before it.
 */
function brokerReads(opts: {
  ratePerSec: (t: number) => number;
  refreshMs: number;
  pollMs: number;
  phaseMs?: number;
  polls: number;
}): { t: number; value: number }[] {
  const out: { t: number; value: number }[] = [];
  const phase = opts.phaseMs ?? 300;
  // True cumulative count at time t (integrated with 10 ms steps).
  let count = 0;
  let at = 0;
  const countAt = (t: number) => {
    for (; at < t; at += 10) count += opts.ratePerSec(at) * 0.01;
    return count;
  };
  for (let i = 1; i <= opts.polls; i++) {
    const t = i * opts.pollMs;
    const lastRefresh = Math.floor((t - phase) / opts.refreshMs) * opts.refreshMs + phase;
    out.push({ t: T0 + t, value: Math.round(countAt(lastRefresh)) });
  }
  return out;
}

describe('CounterRates: live counters (an exporter)', () => {
  it('is Δ/Δt between reads, from our own timestamps', () => {
    const rates = new CounterRates({ live: true });
    expect(rates.update(T0, one(1000)).get('q')).toBe(0);
    expect(rates.update(T0 + 1000, one(1400)).get('q')).toBe(400);
    expect(rates.update(T0 + 3000, one(1800)).get('q')).toBe(200);
    // No movement over a read: zero at once (a live counter has no refresh to wait for).
    expect(rates.update(T0 + 4000, one(1800)).get('q')).toBe(0);
  });

  it('treats a decrease as a reset counted from zero, never a negative rate', () => {
    const rates = new CounterRates({ live: true });
    rates.update(T0, one(5000));
    rates.update(T0 + 1000, one(5100));
    const afterRestart = rates.update(T0 + 2000, one(30)).get('q');
    expect(afterRestart).toBe(30);
    expect(rates.update(T0 + 3000, one(130)).get('q')).toBe(100);
  });

  it('ignores a read that is not newer than the last one', () => {
    const rates = new CounterRates({ live: true });
    rates.update(T0, one(0));
    rates.update(T0 + 1000, one(100));
    expect(rates.update(T0 + 1000, one(999_999)).get('q')).toBe(100);
    expect(rates.update(T0 + 500, one(0)).get('q')).toBe(100);
  });
});

describe('CounterRates: a broker refreshing its stats', () => {
  it('with stock 5 s stats polled every second: holds the rate between refreshes instead of 0,0,0,0,burst', () => {
    const reads = brokerReads({ ratePerSec: () => 400, refreshMs: 5000, pollMs: 1000, polls: 40 });
    const rates = new CounterRates({ live: false });
    const seen = reads.map((r) => rates.update(r.t, one(r.value), 5000).get('q')!);
    // After the second refresh our own rate exists; from then on every tick shows ~400/s.
    const steady = seen.slice(12);
    for (const r of steady) expect(r).toBeGreaterThan(300);
    for (const r of steady) expect(r).toBeLessThan(520);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(mean).toBeGreaterThan(370);
    expect(mean).toBeLessThan(430);
  });

  it('with 1 s stats: the rate follows each refresh', () => {
    const reads = brokerReads({
      ratePerSec: () => 50,
      refreshMs: 1000,
      pollMs: 1000,
      phaseMs: 500,
      polls: 10,
    });
    const rates = new CounterRates({ live: false });
    const seen = reads.map((r) => rates.update(r.t, one(r.value), 1000).get('q')!);
    for (const r of seen.slice(2)) expect(r).toBeCloseTo(50, 0);
  });

  it('falls to zero once a refresh has plainly gone by without movement (traffic stopped)', () => {
    const reads = brokerReads({
      ratePerSec: (t) => (t < 20_000 ? 400 : 0),
      refreshMs: 5000,
      pollMs: 1000,
      polls: 40,
    });
    const rates = new CounterRates({ live: false });
    const seen = reads.map((r) => ({ t: r.t - T0, rate: rates.update(r.t, one(r.value), 5000).get('q')! }));
    const stopped = seen.filter((s) => s.t >= 20_000 + 5_300 + 8_500 + 1000);
    expect(stopped.length).toBeGreaterThan(3);
    for (const s of stopped) expect(s.rate).toBe(0);
    // … and not before the last refresh that still counted traffic was shown.
    expect(seen.find((s) => s.t === 21_000)!.rate).toBeGreaterThan(300);
  });

  it('after a quiet spell, a burst is divided by one refresh, not by the whole spell', () => {
    const rates = new CounterRates({ live: false });
    rates.update(T0, one(100), 5000);
    rates.update(T0 + 1000, one(100), 5000);
    for (let s = 2; s <= 60; s++) rates.update(T0 + s * 1000, one(100), 5000);
    expect(rates.update(T0 + 61_000, one(1100), 5000).get('q')).toBe(200);
  });

  it('seeds the first sample with the server rate (not 0), then uses its own', () => {
    const rates = new CounterRates({ live: false });
    expect(rates.update(T0, one(11_960, 413), 5000).get('q')).toBe(413);
    expect(rates.update(T0 + 1000, one(11_960, 413), 5000).get('q')).toBe(413);
    // First movement: the server's rate still says it best.
    expect(rates.update(T0 + 3000, one(14_000, 408), 5000).get('q')).toBe(408);
    // Second: our own, over our own timestamps.
    expect(rates.update(T0 + 8000, one(16_000, 999), 5000).get('q')).toBe(400);
  });

  it('copes with objects without stats (message_stats: []), new objects and vanished ones', () => {
    const rates = new CounterRates({ live: false });
    rates.update(T0, new Map([['old', { value: 1000 }]]), 5000);
    // A new queue: no stats yet.
    let r = rates.update(
      T0 + 1000,
      new Map<string, CounterReading>([
        ['old', { value: 1000 }],
        ['new', { value: undefined }],
      ]),
      5000,
    );
    expect(r.get('new')).toBe(0);
    // Its stats appear (first publish_details.rate is 0.0: ignored), counted from zero over one refresh.
    r = rates.update(
      T0 + 6000,
      new Map<string, CounterReading>([
        ['old', { value: 1000 }],
        ['new', { value: 250, hint: 0 }],
      ]),
      5000,
    );
    expect(r.get('new')).toBe(50);
    // A queue created and filled between two reads counts from zero.
    r = rates.update(
      T0 + 7000,
      new Map<string, CounterReading>([
        ['new', { value: 250 }],
        ['newer', { value: 500 }],
      ]),
      5000,
    );
    expect(r.get('newer')).toBe(100);
    expect(r.has('old')).toBe(false);
  });

  it('a broker restart (counters back near zero) gives no negative rate', () => {
    const rates = new CounterRates({ live: false });
    rates.update(T0, one(50_000), 1000);
    rates.update(T0 + 1000, one(50_400), 1000);
    const r = rates.update(T0 + 2000, one(12), 1000).get('q')!;
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBe(12);
  });
});

describe('RefreshEstimate', () => {
  const observe = (refreshMs: number, pollMs: number, polls: number, quiet?: (i: number) => boolean) => {
    const reads = brokerReads({ ratePerSec: () => 100, refreshMs, pollMs, polls, phaseMs: 400 });
    const rates = new CounterRates({ live: false });
    const estimate = new RefreshEstimate();
    reads.forEach((r, i) => {
      rates.update(r.t, one(quiet?.(i) ? undefined : r.value), refreshMs);
      estimate.observe(r.t, rates.moved);
    });
    return estimate.ms;
  };

  it('detects the stock 5 s refresh and a 1 s one', () => {
    expect(observe(5000, 1000, 40)).toBe(5000);
    expect(observe(1000, 1000, 20)).toBe(1000);
  });

  it('is null until it has seen a few refreshes', () => {
    expect(observe(5000, 1000, 8)).toBeNull();
  });
});
