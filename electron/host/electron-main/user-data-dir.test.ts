import { describe, expect, it } from 'vitest';
import { dataDirFromArgv } from './user-data-dir';

describe('dataDirFromArgv', () => {
  it.each([
    [['electron', 'main.cjs'], null],
    [['electron', 'main.cjs', '--data-dir', '/tmp/a'], '/tmp/a'],
    [['electron', 'main.cjs', '--data-dir=/tmp/b', '--no-sandbox'], '/tmp/b'],
    [['electron', 'main.cjs', '--data-dir'], null],
    [['electron', 'main.cjs', '--data-dir='], null],
  ])('%j → %s', (argv, expected) => {
    expect(dataDirFromArgv(argv)).toBe(expected);
  });
});
