import { describe, expect, it } from 'vitest';
import { LimitWatch } from './limit-watch';

function watch(): LimitWatch {
  const w = new LimitWatch(2, 4);
  w.ensureCapacity(2);
  return w;
}

describe('LimitWatch', () => {
  it('marks a tenant over limit after two ticks above it', () => {
    const w = watch();
    expect(w.step(0, 120, 100)).toBe(false);
    expect(w.step(0, 120, 100)).toBe(true);
    expect(w.isOver(0)).toBe(true);
  });

  it('is not over at exactly the limit, nor without a limit', () => {
    const w = watch();
    expect([w.step(0, 100, 100), w.step(0, 100, 100)]).toEqual([false, false]);
    expect([w.step(1, 1e9, Number.NaN), w.step(1, 1e9, Number.NaN)]).toEqual([false, false]);
  });

  it('does not flicker for a tenant hovering at its limit', () => {
    const w = watch();
    const marks = [101, 101, 99, 101, 99, 99, 101, 99, 99, 99].map((rate) => w.step(0, rate, 100));
    expect(marks.slice(1).every(Boolean)).toBe(true);
    // that ended with three calm ticks; the fourth in a row (calmTicks 4) clears it
    expect(w.step(0, 99, 100)).toBe(false);
  });

  it('forgets on reset', () => {
    const w = watch();
    w.step(0, 200, 100);
    w.step(0, 200, 100);
    w.reset(0);
    expect(w.isOver(0)).toBe(false);
    expect(w.step(0, 200, 100)).toBe(false);
  });
});
