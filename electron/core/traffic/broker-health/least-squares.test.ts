import { describe, expect, it } from 'vitest';
import { bestSplit, PrefixFits } from './least-squares';

describe('PrefixFits', () => {
  it('fits any run of points: slope, intercept, r² and squared error', () => {
    // y = 3 + 2x on x 0..4, then flat at 100 on x 5..9.
    const xs = Array.from({ length: 10 }, (_, i) => i);
    const ys = xs.map((x) => (x < 5 ? 3 + 2 * x : 100));
    const fits = new PrefixFits(xs, ys);
    const rising = fits.fit(0, 5)!;
    expect(rising.slope).toBeCloseTo(2, 9);
    expect(rising.intercept).toBeCloseTo(3, 9);
    expect(rising.r2).toBeCloseTo(1, 9);
    expect(rising.sse).toBeCloseTo(0, 6);
    const flat = fits.fit(5, 10)!;
    expect(flat.slope).toBeCloseTo(0, 9);
    expect(flat.r2).toBe(0);
    expect(fits.fit(3, 4)).toBeNull();
  });

  it('keeps precision with epoch-millisecond x and gigabyte y', () => {
    const xs = Array.from({ length: 300 }, (_, i) => 1_795_632_000_000 + i * 1000);
    const ys = xs.map((_, i) => 4e9 + 1e6 * i + (i % 2 ? 1e5 : -1e5));
    const fit = new PrefixFits(xs, ys).fit(0, 300)!;
    expect(fit.slope * 1000).toBeCloseTo(1e6, -2);
    expect(fit.r2).toBeGreaterThan(0.999);
  });

  it('finds where the trend changed', () => {
    const xs = Array.from({ length: 40 }, (_, i) => i);
    const ys = xs.map((x) => (x < 25 ? 10 : 10 + 7 * (x - 25)));
    const split = bestSplit(new PrefixFits(xs, ys))!;
    expect(Math.abs(split.index - 25)).toBeLessThanOrEqual(1);
  });
});
