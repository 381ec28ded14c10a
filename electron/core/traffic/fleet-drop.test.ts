import { describe, expect, it } from 'vitest';
import { FleetDropWatch, type FleetSample } from './fleet-drop';

/** 10 tenants expected to send 1,000/s together; `down` of them below half their baseline. */
const fleet = (rate: number, down: number, tenants = 10): FleetSample => ({
  tenants,
  down,
  rate,
  expected: 1_000,
});

/** A watch that entered a drop at t = 3 (every tenant at 0 since t = 1). */
function inDrop(): FleetDropWatch {
  const watch = new FleetDropWatch();
  for (let t = 1; t <= 3; t++) watch.step(t, fleet(0, 10));
  return watch;
}

describe('FleetDropWatch', () => {
  it('enters after three ticks with most tenants down and the fleet below half, and holds learning from the first', () => {
    const watch = new FleetDropWatch();
    expect(watch.step(1, fleet(100, 10))).toBeNull();
    expect(watch.mayLearn(1, 900)).toBe(false);
    expect(watch.step(2, fleet(100, 10))).toBeNull();
    expect(watch.step(3, fleet(100, 9))).toEqual({
      kind: 'started',
      rate: 100,
      expected: 1_000,
      down: 9,
      tenants: 10,
    });
    expect(watch.activeSince()).toBe(3);
    expect(watch.mayLearn(3, 900)).toBe(false);
    expect(watch.judgesSpikes(3, 900)).toBe(false);
  });

  it('is not a drop when one big tenant goes quiet: the total halves but most tenants are fine', () => {
    const watch = new FleetDropWatch();
    for (let t = 0; t < 10; t++) expect(watch.step(t, fleet(300, 1))).toBeNull();
    expect(watch.activeSince()).toBeNull();
    expect(watch.mayLearn(10, 900)).toBe(true);
  });

  it('needs a few tenants and some traffic before it calls anything a fleet drop', () => {
    const watch = new FleetDropWatch();
    for (let t = 0; t < 10; t++) watch.step(t, fleet(0, 2, 2));
    for (let t = 10; t < 20; t++) watch.step(t, { tenants: 10, down: 10, rate: 0, expected: 5 });
    expect(watch.activeSince()).toBeNull();
  });

  it('a blip shorter than the confirmation is forgotten (the run restarts)', () => {
    const watch = new FleetDropWatch();
    watch.step(1, fleet(0, 10));
    watch.step(2, fleet(0, 10));
    watch.step(3, fleet(1_000, 0));
    watch.step(4, fleet(0, 10));
    expect(watch.step(5, fleet(0, 10))).toBeNull();
    expect(watch.activeSince()).toBeNull();
  });

  it('ends after three ticks with most tenants back and the fleet at three quarters, reporting since when', () => {
    const watch = inDrop();
    expect(watch.step(4, fleet(900, 0))).toBeNull();
    // half the tenants still down: not recovered, and the run of good ticks restarts
    expect(watch.step(5, fleet(900, 5))).toBeNull();
    expect(watch.step(6, fleet(900, 0))).toBeNull();
    expect(watch.step(7, fleet(800, 1))).toBeNull();
    expect(watch.step(8, fleet(950, 0))).toEqual({
      kind: 'ended',
      rate: 950,
      expected: 1_000,
      since: 3,
      // a blip of a few ms: the shortest catch-up
      catchUpMs: 30_000,
    });
    expect(watch.activeSince()).toBeNull();
  });

  it('judges no spikes and learns nothing while the fleet catches up after a drop, then both again', () => {
    const watch = inDrop();
    for (let t = 4; t <= 6; t++) watch.step(t, fleet(3_000, 0));
    expect(watch.activeSince()).toBeNull();
    expect(watch.judgesSpikes(7, 900)).toBe(false);
    expect(watch.mayLearn(7, 900)).toBe(false);
    expect(watch.judgesSpikes(6 + 29_999, 900)).toBe(false);
    expect(watch.judgesSpikes(6 + 30_000, 900)).toBe(true);
    expect(watch.mayLearn(6 + 30_000, 900)).toBe(true);
  });

  it('catches up for as long as the drop lasted, from 30 s to 2 min', () => {
    const endAfter = (ms: number) => {
      const watch = inDrop();
      for (let k = 0; k < 3; k++) watch.step(3 + ms + k, fleet(1_000, 0));
      return (watch.catchingUpUntil(3 + ms + 2) ?? 0) - (3 + ms + 2);
    };
    expect(endAfter(10_000)).toBe(30_000);
    expect(endAfter(75_000)).toBe(75_002);
    expect(endAfter(10 * 60_000)).toBe(120_000);
  });

  it('a drop that lasts past the relearn time is the new normal: learning and judging resume', () => {
    const watch = inDrop();
    for (let t = 4; t < 4 + 99; t++) watch.step(t, fleet(0, 10));
    expect(watch.mayLearn(102, 100)).toBe(false);
    watch.step(103, fleet(0, 10));
    expect(watch.mayLearn(103, 100)).toBe(true);
    expect(watch.judgesSpikes(103, 100)).toBe(true);
  });

  it('counts a tenant down below half its baseline, but not in the minute after it was switched back on', () => {
    const watch = new FleetDropWatch();
    expect(watch.isDown(100_000, 40, 100, 0)).toBe(true);
    expect(watch.isDown(100_000, 60, 100, 0)).toBe(false);
    expect(watch.isDown(100_000, 0, 100, 50_000)).toBe(false);
    expect(watch.isDown(110_000, 0, 100, 50_000)).toBe(true);
  });
});
