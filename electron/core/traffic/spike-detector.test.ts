import { describe, expect, it } from 'vitest';
import { defaultDetectionOptions, resolveDetectionOptions } from './detection-options';
import { ELEVATED, type Level, NORMAL, qualifies, SPIKE, SpikeDetector } from './spike-detector';

function detector(): SpikeDetector {
  const d = new SpikeDetector(resolveDetectionOptions());
  d.ensureCapacity(4);
  return d;
}

/** Run rates through tenant 0 against a fixed baseline and spread; returns the level after each. */
function run(d: SpikeDetector, rates: number[], baseline: number, spread: number): Level[] {
  return rates.map((rate) => d.step(0, rate, baseline, spread));
}

const transitions = (levels: Level[]): number => levels.filter((l, k) => k > 0 && l !== levels[k - 1]).length;

describe('qualifies', () => {
  const spike = defaultDetectionOptions.spike;
  it('needs ratio, absolute excess and noise margin all at once', () => {
    expect(qualifies(1_000, 100, 10, spike, 1)).toBe(true);
    expect(qualifies(350, 100, 10, spike, 1)).toBe(false); // ratio 3.5 < 4
    expect(qualifies(2, 0.2, 0.05, spike, 1)).toBe(false); // 10× but only +1.8/s
    expect(qualifies(1_000, 100, 200, spike, 1)).toBe(false); // +900 is under 8 × a noise of 200
  });
  it('holds at a lower line', () => {
    expect(qualifies(300, 100, 10, spike, 1)).toBe(false);
    expect(qualifies(300, 100, 10, spike, 0.5)).toBe(true); // hold line 2.5×
  });
});

describe('SpikeDetector', () => {
  it('marks a 10× jump as a spike within two ticks', () => {
    const levels = run(detector(), [100, 1_000, 1_000], 100, 10);
    expect(levels[0]).toBe(NORMAL);
    expect(levels[2]).toBe(SPIKE);
    expect(levels.indexOf(SPIKE)).toBeLessThanOrEqual(2);
  });

  it('does not call 0.2/s → 2/s an incident, however long it lasts', () => {
    const levels = run(detector(), Array(30).fill(2), 0.2, 0.05);
    expect(levels.every((l) => l === NORMAL)).toBe(true);
  });

  it('ignores a one-tick blip', () => {
    const levels = run(detector(), [100, 1_000, 100, 100, 1_000, 100], 100, 10);
    expect(levels.every((l) => l === NORMAL)).toBe(true);
  });

  it('marks a milder, sustained rise as elevated', () => {
    const levels = run(detector(), [250, 250, 250, 250], 100, 10);
    expect(levels).toEqual([NORMAL, NORMAL, ELEVATED, ELEVATED]);
  });

  it('does not flicker around the entry line', () => {
    // Wavering either side of 4× for a minute: at most normal → elevated → spike, never back down.
    const rates = Array.from({ length: 60 }, (_, k) => (k % 3 === 0 ? 390 : 410));
    const levels = run(detector(), rates, 100, 10);
    expect(transitions(levels)).toBeLessThanOrEqual(2);
    expect(levels.at(-1)).toBe(SPIKE);
  });

  it('leaves a spike only after several calm ticks in a row', () => {
    const d = detector();
    run(d, [1_000, 1_000], 100, 10);
    // calm ticks broken by a busy one: still a spike
    expect(run(d, [100, 100, 100, 400, 100, 100, 100, 400], 100, 10).every((l) => l === SPIKE)).toBe(true);
    const calm = run(d, Array(5).fill(100), 100, 10);
    expect(calm.slice(0, 4).every((l) => l === SPIKE)).toBe(true);
    expect(calm[4]).toBe(NORMAL);
  });

  it('settles a fading spike on elevated when the rate still supports it', () => {
    const d = detector();
    run(d, [1_000, 1_000], 100, 10);
    const levels = run(d, Array(5).fill(200), 100, 10);
    expect(levels[4]).toBe(ELEVATED);
  });

  it('forbids learning while spiking, elevated or on the first suspicious tick', () => {
    const d = detector();
    expect(d.mayLearn(0, 900)).toBe(true);
    d.step(0, 1_000, 100, 10);
    expect(d.levelOf(0)).toBe(NORMAL);
    expect(d.mayLearn(0, 900)).toBe(false); // a candidate: do not feed it to the baseline
    d.step(0, 1_000, 100, 10);
    expect(d.mayLearn(0, 900)).toBe(false);
    d.reset(0);
    expect(d.levelOf(0)).toBe(NORMAL);
    expect(d.mayLearn(0, 900)).toBe(true);
  });

  it('lets a long-lasting elevated shift be learned, but never a spike', () => {
    const d = detector();
    run(d, Array(3).fill(250), 100, 10);
    expect(d.levelOf(0)).toBe(ELEVATED);
    run(d, Array(10).fill(250), 100, 10);
    expect(d.mayLearn(0, 10)).toBe(true);
    run(d, [1_000, 1_000], 100, 10);
    run(d, Array(20).fill(1_000), 100, 10);
    expect(d.levelOf(0)).toBe(SPIKE);
    expect(d.mayLearn(0, 10)).toBe(false);
  });

  it('keeps tenants apart', () => {
    const d = detector();
    d.step(0, 1_000, 100, 10);
    d.step(1, 100, 100, 10);
    d.step(0, 1_000, 100, 10);
    expect(d.levelOf(0)).toBe(SPIKE);
    expect(d.levelOf(1)).toBe(NORMAL);
  });
});
