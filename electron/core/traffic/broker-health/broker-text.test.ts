import { describe, expect, it } from 'vitest';
import { formatCount, formatPerSec, formatSoon, formatSpan } from './broker-text';

describe('broker text', () => {
  it('says rates per second at a precision that fits their size', () => {
    expect(formatPerSec(1234.4)).toBe('1,234/s');
    expect(formatPerSec(3)).toBe('3/s');
    expect(formatPerSec(0.4, true)).toBe('+0.40/s');
    expect(formatPerSec(-2.5)).toBe('−2.5/s');
    expect(formatPerSec(0)).toBe('0/s');
    expect(formatPerSec(0, true)).toBe('+0/s');
  });

  it('groups counts and says spans and estimates in words', () => {
    expect(formatCount(6013)).toBe('6,013');
    expect(formatSpan(35_000)).toBe('35 s');
    expect(formatSpan(4 * 60_000)).toBe('4 min');
    expect(formatSpan(80 * 60_000)).toBe('80 min');
    expect(formatSpan(120 * 60_000)).toBe('2 h');
    expect(formatSoon(33)).toBe('~30 s');
  });
});
