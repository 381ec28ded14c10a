import { describe, expect, it } from 'vitest';
import { formatExcess, formatPercent, formatRate, formatRatio } from './figures';
import { aboveBaselineWhy, offWhy, overLimitWhy } from './why-text';

describe('figures', () => {
  it('prints rates, ratios and shares the way the console shows them', () => {
    expect(formatRate(8_437.4)).toBe('8,437/s');
    expect(formatRate(1.84)).toBe('1.8/s');
    expect(formatExcess(8_100)).toBe('+8,100/s');
    expect(formatRatio(14.2)).toBe('14×');
    expect(formatRatio(2.14)).toBe('2.1×');
    expect(formatPercent(0.62)).toBe('62%');
    expect(formatPercent(0.001)).toBe('<1%');
    expect(formatPercent(0)).toBe('0%');
  });
  it('says "<1%" for every share under 1%, as the renderer does', () => {
    expect(formatPercent(0.005)).toBe('<1%');
    expect(formatPercent(0.0099)).toBe('<1%');
    expect(formatPercent(0.01)).toBe('1%');
    expect(aboveBaselineWhy(40, 10, 0.007)).toBe('4× baseline, +30/s, <1% of all traffic');
  });
});

describe('why', () => {
  it('explains a tenant above its baseline', () => {
    expect(aboveBaselineWhy(8_700, 600, 0.62)).toBe('15× baseline, +8,100/s, 62% of all traffic');
    expect(aboveBaselineWhy(50, 0, 0.03)).toBe('from ~0/s baseline, +50/s, 3% of all traffic');
  });
  it('explains a tenant over its limit', () => {
    expect(overLimitWhy(8_400, 4_000)).toBe('210% of limit (4,000/s)');
    expect(overLimitWhy(5, 0)).toBe('5/s against a limit of 0/s');
  });
  it('explains an off tenant, and whether it has stopped yet', () => {
    expect(offWhy(0)).toBe('publishing switched off');
    expect(offWhy(120)).toBe('publishing switched off; still 120/s');
  });
});
