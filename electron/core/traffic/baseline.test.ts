import { describe, expect, it } from 'vitest';
import { Baselines, slowAlpha } from './baseline';

const ALPHA = slowAlpha(1_000, 5 * 60_000);

describe('slowAlpha', () => {
  it('is the weight of one sample for the time constant', () => {
    expect(ALPHA).toBeCloseTo(1 - Math.exp(-1 / 300), 12);
    expect(slowAlpha(5_000, 5 * 60_000)).toBeGreaterThan(ALPHA);
  });
});

describe('Baselines', () => {
  it('learns a fresh tenant within ~20 samples (cumulative-mean warm-up)', () => {
    const b = new Baselines();
    b.ensureCapacity(1);
    const noisy = [100, 110, 90, 105, 95, 102, 98, 108, 92, 100];
    for (let k = 0; k < 20; k++) b.learn(0, noisy[k % noisy.length]!, ALPHA);
    expect(b.value(0)).toBeGreaterThan(97);
    expect(b.value(0)).toBeLessThan(103);
    expect(b.ready(0, 20)).toBe(true);
    expect(b.ready(0, 21)).toBe(false);
    // A plain EWMA from zero would still be at ~6% of the level after 20 samples.
    expect(100 * (1 - (1 - ALPHA) ** 20)).toBeLessThan(7);
  });

  it('measures the spread of the tenant’s own noise (σ scale)', () => {
    const b = new Baselines();
    b.ensureCapacity(1);
    // ±10 around 100: mean absolute deviation 10, σ-scale ≈ 12.5
    for (let k = 0; k < 600; k++) b.learn(0, k % 2 === 0 ? 110 : 90, ALPHA);
    expect(b.value(0)).toBeCloseTo(100, 0);
    expect(b.spread(0)).toBeGreaterThan(11);
    expect(b.spread(0)).toBeLessThan(14);
  });

  it('moves slowly after warm-up: one outlier barely shifts it', () => {
    const b = new Baselines();
    b.ensureCapacity(1);
    for (let k = 0; k < 1_000; k++) b.learn(0, 100, ALPHA);
    b.learn(0, 1_000, ALPHA);
    expect(b.value(0)).toBeLessThan(104);
  });

  it('keeps tenants independent and grows without losing state', () => {
    const b = new Baselines();
    b.ensureCapacity(1);
    b.learn(0, 50, ALPHA);
    b.ensureCapacity(100);
    b.learn(99, 7, ALPHA);
    expect(b.value(0)).toBe(50);
    expect(b.value(99)).toBe(7);
    expect(b.samples(0)).toBe(1);
    expect(b.samples(50)).toBe(0);
  });

  it('never reports a zero spread (a perfectly steady rate must not divide by zero)', () => {
    const b = new Baselines();
    b.ensureCapacity(1);
    for (let k = 0; k < 50; k++) b.learn(0, 0, ALPHA);
    expect(b.spread(0)).toBeGreaterThan(0);
  });
});
