import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let k = 0; k < n; k++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: squares / n - mean * mean };
}

describe('SeededRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(1);
    const c = new SeededRandom(2);
    const seq = (r: SeededRandom) => Array.from({ length: 5 }, () => r.next());
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws standard normals', () => {
    const r = new SeededRandom(5);
    const { mean, variance } = moments(() => r.normal(), 20_000);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
  });

  it('draws Poisson counts with mean = variance, small and large', () => {
    const r = new SeededRandom(6);
    for (const lambda of [0.3, 4, 29, 500]) {
      const { mean, variance } = moments(() => r.poisson(lambda), 20_000);
      expect(mean / lambda).toBeGreaterThan(0.95);
      expect(mean / lambda).toBeLessThan(1.05);
      expect(variance / lambda).toBeGreaterThan(0.9);
      expect(variance / lambda).toBeLessThan(1.1);
    }
    expect(r.poisson(0)).toBe(0);
    expect(r.poisson(Number.NaN)).toBe(0);
  });
});
