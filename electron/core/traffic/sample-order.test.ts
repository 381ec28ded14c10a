import { describe, expect, it } from 'vitest';
import { SampleOrder } from './sample-order';

describe('SampleOrder', () => {
  it('looks an id up only when it is not where it was last time', () => {
    const looked: string[] = [];
    const table: Record<string, number> = { a: 0, b: 1, c: 2 };
    const order = new SampleOrder((id) => {
      looked.push(id);
      return table[id] ?? -1;
    });
    const resolveAll = (ids: string[]) => ids.map((id, k) => order.resolve(k, id));
    expect(resolveAll(['a', 'b', 'c'])).toEqual([0, 1, 2]);
    expect(resolveAll(['a', 'b', 'c'])).toEqual([0, 1, 2]);
    expect(looked).toEqual(['a', 'b', 'c']);
    expect(resolveAll(['b', 'a', 'c', 'x'])).toEqual([1, 0, 2, -1]);
    expect(looked).toEqual(['a', 'b', 'c', 'b', 'a', 'x']);
    order.clear();
    table.x = 3;
    expect(resolveAll(['b', 'a', 'c', 'x'])).toEqual([1, 0, 2, 3]);
  });
});
