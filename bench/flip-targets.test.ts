import { describe, expect, it } from 'vitest';
import { byHalf, flipSchedule, spreadIndices } from './flip-targets';

describe('spreadIndices', () => {
  it('reaches both ends of the list, evenly', () => {
    expect(spreadIndices(2_000, 20)).toEqual(Array.from({ length: 20 }, (_, k) => 50 + k * 100));
    expect(spreadIndices(10, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(spreadIndices(5, 1)).toEqual([2]);
  });

  it('refuses more positions than the list has', () => {
    expect(() => spreadIndices(5, 6)).toThrow(RangeError);
    expect(() => spreadIndices(0, 1)).toThrow(RangeError);
  });
});

describe('flipSchedule', () => {
  it('flips every chosen position equally often, never the same tenant twice in a row', () => {
    const schedule = flipSchedule(2_000, 20, 100, 3);
    expect(schedule).toHaveLength(100);
    const counts = new Map<number, number>();
    for (const position of schedule) counts.set(position, (counts.get(position) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(spreadIndices(2_000, 20));
    expect(new Set(counts.values())).toEqual(new Set([5]));
    for (let i = 1; i < schedule.length; i++) expect(schedule[i]).not.toBe(schedule[i - 1]);
  });

  it('does not walk the list in order, and replays the same for the same seed', () => {
    const schedule = flipSchedule(50, 50, 50, 1);
    expect(schedule).not.toEqual([...schedule].sort((a, b) => a - b));
    expect(flipSchedule(50, 50, 50, 1)).toEqual(schedule);
    expect(flipSchedule(50, 50, 50, 2)).not.toEqual(schedule);
  });
});

describe('byHalf', () => {
  it('splits the rounds by where the flipped tenant sits in the list', () => {
    const rounds = [
      { position: 0, value: 'a' },
      { position: 999, value: 'b' },
      { position: 1_000, value: 'c' },
    ];
    expect(byHalf(rounds, 2_000)).toEqual({ first: ['a', 'b'], second: ['c'] });
  });
});
