import { describe, expect, it } from 'vitest';
import { assignKeys, createKeyPool, spareKeys } from './recycle';

describe('recycled keys for a sliding window', () => {
  it('keeps the key of an item that stays and hands the key of one that left to one that enters', () => {
    const pool = createKeyPool();
    expect(assignKeys(pool, [10, 11, 12])).toEqual([0, 1, 2]);
    // scrolled by one: 10 left, 13 entered and takes its key
    expect(assignKeys(pool, [11, 12, 13])).toEqual([1, 2, 0]);
    // scrolled by two more
    expect(assignKeys(pool, [13, 14, 15])).toEqual([0, 1, 2]);
  });

  it('is idempotent (safe to run twice in one render) and never repeats a key in a window', () => {
    const pool = createKeyPool();
    assignKeys(pool, [1, 2, 3, 4]);
    const a = assignKeys(pool, [3, 4, 5, 6, 7]);
    expect(assignKeys(pool, [3, 4, 5, 6, 7])).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
    // a jump replaces the whole window: every key is reused, none is new
    const b = assignKeys(pool, [100, 101, 102, 103, 104]);
    expect([...b].sort()).toEqual([...a].sort());
  });

  it('reuses keys freed by a window that shrank before it grew again', () => {
    const pool = createKeyPool();
    expect(assignKeys(pool, [12, 13, 14, 15])).toEqual([0, 1, 2, 3]);
    expect(assignKeys(pool, [13, 14, 15])).toEqual([1, 2, 3]);
    // key 0 is spare meanwhile: still rendered (hidden), showing what it showed last
    expect(spareKeys(pool)).toEqual([{ key: 0, item: 12 }]);
    expect(assignKeys(pool, [13, 14, 15, 16])).toEqual([1, 2, 3, 0]);
    expect(spareKeys(pool)).toEqual([]);
    expect(pool.next).toBe(4);
  });

  it('grows the pool only when the window grows', () => {
    const pool = createKeyPool();
    for (let start = 0; start < 500; start += 3) {
      // the window's size wobbles by a row or two, as the virtualizer's does
      const window = Array.from({ length: 38 + ((start / 3) % 3) }, (_, i) => start + i);
      const keys = assignKeys(pool, window);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(pool.next).toBe(40);
  });
});
