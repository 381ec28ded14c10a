import { describe, expect, it } from 'vitest';
import { bootstrapMedianInterval, interquartileRange, median, quantile } from './sample-stats';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('quantile', () => {
  it('is a measured value by nearest rank: the p99 of 1..100 is 99, the p50 is 50', () => {
    expect(quantile(oneToHundred, 0.99)).toBe(99);
    expect(quantile(oneToHundred, 0.5)).toBe(50);
    expect(quantile(oneToHundred, 0)).toBe(1);
    expect(quantile(oneToHundred, 1)).toBe(100);
  });

  it('is NaN for no values and refuses a q outside 0..1', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('interquartileRange', () => {
  it('spans the middle half', () => {
    expect(interquartileRange(oneToHundred)).toEqual({ low: 25, high: 75 });
  });
});

describe('bootstrapMedianInterval', () => {
  it('holds the median, is the same for the same seed, and narrows with more samples', () => {
    const few = [3, -6, 14, 2, 5, 0, 8, 4];
    const interval = bootstrapMedianInterval(few, { seed: 7 });
    expect(interval.low).toBeLessThanOrEqual(median(few));
    expect(interval.high).toBeGreaterThanOrEqual(median(few));
    expect(bootstrapMedianInterval(few, { seed: 7 })).toEqual(interval);

    const many = Array.from({ length: 20 }, () => few).flat();
    const narrower = bootstrapMedianInterval(many, { seed: 7 });
    expect(narrower.high - narrower.low).toBeLessThan(interval.high - interval.low);
  });

  it('is a single point when every sample agrees, and NaN without samples', () => {
    expect(bootstrapMedianInterval([2, 2, 2])).toEqual({ low: 2, high: 2 });
    expect(bootstrapMedianInterval([]).low).toBeNaN();
  });

  it('refuses a level outside (0, 1) and too few resamples', () => {
    expect(() => bootstrapMedianInterval([1], { level: 1 })).toThrow(RangeError);
    expect(() => bootstrapMedianInterval([1], { resamples: 10 })).toThrow(RangeError);
  });
});
