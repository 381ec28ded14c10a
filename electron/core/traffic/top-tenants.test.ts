import { describe, expect, it } from 'vitest';
import { TopTenants } from './top-tenants';

/** One tick: offer every rate, then decide. */
function tick(top: TopTenants, rates: number[]): readonly number[] {
  top.ensureCapacity(rates.length);
  top.begin();
  rates.forEach((rate, i) => {
    top.offer(i, rate);
  });
  return top.finish(rates.length);
}

describe('TopTenants', () => {
  it('finds the fastest tenants without sorting everyone', () => {
    const rates = Array.from({ length: 2_000 }, (_, i) => ((i * 7_919) % 2_003) + 1);
    const chosen = tick(new TopTenants(5, 0.15, 1), rates);
    const expected = rates
      .map((rate, i) => ({ rate, i }))
      .sort((a, b) => b.rate - a.rate)
      .slice(0, 5)
      .map((x) => x.i);
    expect([...chosen].sort()).toEqual([...expected].sort());
    expect(chosen[0]).toBe(expected[0]);
  });

  it('keeps its members and order while near-equal tenants jostle', () => {
    const top = new TopTenants(5, 0.15, 1);
    const first = [...tick(top, [100, 99, 98, 97, 96, 95, 50])];
    for (let k = 0; k < 50; k++) {
      // every tenant moves ±5%: ranks swap constantly, the list must not
      const wobble = (i: number): number => 1 + 0.05 * Math.sin(k * 1.7 + i * 2.3);
      const chosen = tick(
        top,
        [100, 99, 98, 97, 96, 95, 50].map((r, i) => r * wobble(i)),
      );
      expect(chosen).toEqual(first);
    }
  });

  it('ranks by a smoothed rate: one noisy tick does not reorder, a 10× jump still gets in at once', () => {
    const top = new TopTenants(2, 0.15, 0.3);
    for (let k = 0; k < 20; k++) tick(top, [100, 90, 50]);
    expect(tick(top, [80, 110, 50])).toEqual([0, 1]);
    expect(tick(top, [100, 90, 500])).toEqual([2, 0]);
  });

  it('lets a clearly faster tenant in at once and moves it up', () => {
    const top = new TopTenants(5, 0.15, 1);
    tick(top, [100, 90, 80, 70, 60, 50]);
    const chosen = tick(top, [100, 90, 80, 70, 60, 1_000]);
    expect(chosen).toEqual([5, 0, 1, 2, 3]);
  });

  it('drops a tenant that went silent for one that sends', () => {
    const top = new TopTenants(2, 0.15, 1);
    tick(top, [100, 90, 1]);
    expect(tick(top, [0, 90, 1])).toEqual([1, 2]);
  });

  it('has fewer members when fewer tenants send anything', () => {
    expect(tick(new TopTenants(5, 0.15, 1), [0, 3, 0])).toEqual([1]);
  });

  it('forgets tenants beyond the current count', () => {
    const top = new TopTenants(2, 0.15, 1);
    tick(top, [1, 2, 3]);
    top.begin();
    expect(top.finish(1)).toEqual([]);
  });
});
