import { describe, expect, it, vi } from 'vitest';
import { Cleanups, formatFigure, isFailure, withCleanups } from './bench-harness';

describe('Cleanups', () => {
  it('runs every step newest first, also after one fails', async () => {
    const ran: string[] = [];
    const cleanups = new Cleanups();
    cleanups.add('broker', async () => ran.push('broker'));
    cleanups.add('console', async () => {
      ran.push('console');
      throw new Error('stuck');
    });
    cleanups.add('publisher', async () => ran.push('publisher'));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await cleanups.run();
    logged.mockRestore();
    expect(ran).toEqual(['publisher', 'console', 'broker']);
    await cleanups.run();
    expect(ran).toHaveLength(3);
  });

  it('a second run while the first is still stopping something waits for it to finish', async () => {
    const cleanups = new Cleanups();
    let release = () => {};
    let brokerStopped = false;
    cleanups.add(
      'broker',
      () =>
        new Promise<void>((resolve) => {
          release = () => {
            brokerStopped = true;
            resolve();
          };
        }),
    );
    const first = cleanups.run();
    let secondDone = false;
    const second = cleanups.run().then(() => {
      secondDone = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondDone).toBe(false);
    release();
    await Promise.all([first, second]);
    expect(brokerStopped).toBe(true);
  });

  it('withCleanups cleans up when the benchmark throws, and passes the failure on', async () => {
    const ran: string[] = [];
    await expect(
      withCleanups(async (cleanups) => {
        cleanups.add('broker', async () => ran.push('broker'));
        throw new Error('no alert');
      }),
    ).rejects.toThrow('no alert');
    expect(ran).toEqual(['broker']);
  });
});

describe('figures', () => {
  it('a figure with nothing measured, or with failed trials, is a failure and says so', () => {
    expect(isFailure({ value: 12, unit: 'ms' })).toBe(false);
    expect(isFailure({ value: Number.NaN, unit: 'ms' })).toBe(true);
    expect(isFailure({ value: 12, unit: 'ms', failed: '1 of 5 trials timed out' })).toBe(true);
    const line = formatFigure('spike_to_alert_5s_ms', { value: Number.NaN, unit: 'ms', failed: 'no alert' });
    expect(line).toContain('FAILED');
    expect(line).toContain('no alert');
  });
});
