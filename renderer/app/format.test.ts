import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCompact,
  formatCount,
  formatDuration,
  formatEffect,
  formatFlagValue,
  formatNumber,
  formatPercent,
  formatRate,
  formatRateCompact,
  formatRatio,
  formatRelative,
  formatSoon,
} from './format';

describe('rates', () => {
  it('table rates are grouped integers, one decimal under 10, compact from 100k', () => {
    expect(formatRate(8400)).toBe('8,400/s');
    expect(formatRate(8400.4)).toBe('8,400/s');
    expect(formatRate(310)).toBe('310/s');
    expect(formatRate(2.46)).toBe('2.5/s');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(99_999)).toBe('99,999/s');
    expect(formatRate(123_456)).toBe('123k/s');
    expect(formatRate(Number.NaN)).toBe('—');
  });
  it('compact rates for axes', () => {
    expect(formatRateCompact(1234)).toBe('1.2k/s');
    expect(formatRateCompact(1000)).toBe('1k/s');
    expect(formatRateCompact(850)).toBe('850/s');
    expect(formatRateCompact(12)).toBe('12/s');
    expect(formatRateCompact(0.25)).toBe('0.3/s');
    expect(formatRateCompact(1_250_000)).toBe('1.3M/s');
    expect(formatRateCompact(45_000)).toBe('45k/s');
    expect(formatCompact(-1500)).toBe('-1.5k');
  });
  it('numbers and counts', () => {
    expect(formatNumber(8100)).toBe('8,100');
    expect(formatNumber(0.93)).toBe('0.9');
    expect(formatCount(1)).toBe('1');
    expect(formatCount(10_000)).toBe('10,000');
  });
});

describe('ratios and percentages', () => {
  it('formats shares and limits', () => {
    expect(formatPercent(0.62)).toBe('62%');
    expect(formatPercent(2.1)).toBe('210%');
    expect(formatPercent(0.004)).toBe('<1%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(null)).toBe('—');
  });
  it('formats ratios', () => {
    expect(formatRatio(14.2)).toBe('14×');
    expect(formatRatio(1)).toBe('1.0×');
    expect(formatRatio(0.93)).toBe('0.9×');
  });
});

describe('durations', () => {
  it('picks the unit a person would say', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1300)).toBe('1.3 s');
    expect(formatDuration(2000)).toBe('2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(900_000)).toBe('15 min');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(5_400_000)).toBe('1 h 30 min');
    expect(formatDuration(4 * 3_600_000)).toBe('4 h');
    expect(formatDuration(7 * 24 * 3_600_000)).toBe('7 d');
    expect(formatDuration(-1)).toBe('—');
  });
  it('relative times', () => {
    expect(formatRelative(1000, 13_000)).toBe('12 s ago');
    expect(formatRelative(15 * 60_000, 60_000)).toBe('in 14 min');
    expect(formatRelative(1000, 1500)).toBe('now');
  });
});

describe('effect and flag values', () => {
  it('says what a flip did', () => {
    expect(formatEffect('acme', { before: 8400, after: 0, ms: 1300, settled: true })).toBe(
      'acme: 8,400 → 0 ev/s in 1.3 s',
    );
  });
  it('says plainly that a kill did not stop traffic, rather than "settling"', () => {
    const text = formatEffect('acme', { before: 8400, after: 8350, ms: 30_000, settled: false });
    expect(text).toBe('acme: still 8,350 ev/s 30 s after the switch (was 8,400) — traffic did not stop');
    expect(text).not.toContain('settling');
  });
  it('flag values', () => {
    expect(formatFlagValue(true)).toBe('on');
    expect(formatFlagValue(false)).toBe('off');
    expect(formatFlagValue('priority')).toBe('priority');
    expect(formatFlagValue('')).toBe('""');
    expect(formatFlagValue(500)).toBe('500');
  });
});

describe('broker figures', () => {
  it('bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64 * 1024)).toBe('64 KiB');
    expect(formatBytes(1.25 * 2 ** 30)).toBe('1.3 GiB');
    expect(formatBytes(2 * 2 ** 30)).toBe('2 GiB');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
  it('how soon', () => {
    expect(formatSoon(35)).toBe('~40 s');
    expect(formatSoon(3)).toBe('~10 s');
    expect(formatSoon(540)).toBe('~9 min');
    expect(formatSoon(3 * 3600)).toBe('~3 h');
  });
});
