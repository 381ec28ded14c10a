import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the minimum up to the maximum, jittered within the upper half', () => {
    const low = () => 0;
    const high = () => 1;
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 250, 4_000, low))).toEqual([
      125, 250, 500, 1_000, 2_000,
    ]);
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 250, 4_000, high))).toEqual([
      250, 500, 1_000, 2_000, 4_000,
    ]);
    expect(backoffDelay(1_000, 250, 4_000, high)).toBe(4_000);
  });

  it('never waits less than half the nominal delay, whatever the jitter', () => {
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const delay = backoffDelay(2, 1_000, 30_000, () => r);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });
});
