import { afterEach, describe, expect, it, vi } from 'vitest';
import { TickLoop } from './tick-loop';

describe('TickLoop', () => {
  afterEach(() => vi.useRealTimers());

  it('ticks once per interval and never overlaps a slow tick', async () => {
    vi.useFakeTimers();
    let active = 0;
    let maxActive = 0;
    let ticks = 0;
    const loop = new TickLoop(
      1000,
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        ticks++;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        active--;
      },
      () => {},
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(10_000);
    loop.stop();
    expect(maxActive).toBe(1);
    expect(ticks).toBeGreaterThanOrEqual(6);
    expect(ticks).toBeLessThanOrEqual(8);
  });

  it('reports a failing tick and keeps going', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let ticks = 0;
    const loop = new TickLoop(
      500,
      async () => {
        ticks++;
        if (ticks === 2) throw new Error('source down');
      },
      (e) => errors.push(e),
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(2_100);
    loop.stop();
    expect(errors).toHaveLength(1);
    expect(ticks).toBeGreaterThanOrEqual(4);
  });

  it('stops ticking after stop()', async () => {
    vi.useFakeTimers();
    let ticks = 0;
    const loop = new TickLoop(
      100,
      async () => void ticks++,
      () => {},
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(250);
    loop.stop();
    const seen = ticks;
    await vi.advanceTimersByTimeAsync(1000);
    expect(ticks).toBe(seen);
  });
});
