import { formatSpan } from './broker-health/broker-text';
import { formatExcess, formatPercent, formatRate, formatRatio } from './figures';

/** Below this a baseline is "nothing": a ratio against it would be a meaningless huge number. */
export const NEAR_ZERO_BASELINE = 0.05;

/** "14× baseline, +8,100/s, 62% of all traffic" */
export function aboveBaselineWhy(rate: number, baseline: number, share: number): string {
  const ratio =
    baseline < NEAR_ZERO_BASELINE ? 'from ~0/s baseline' : `${formatRatio(rate / baseline)} baseline`;
  return `${ratio}, ${formatExcess(rate - baseline)}, ${formatPercent(share)} of all traffic`;
}

/** "210% of limit (4,000/s)" */
export function overLimitWhy(rate: number, limit: number): string {
  if (!(limit > 0)) return `${formatRate(rate)} against a limit of 0/s`;
  return `${formatPercent(rate / limit)} of limit (${formatRate(limit)})`;
}

/** Off, and whether the switch has taken effect yet (flags take a moment to reach publishers). */
export function offWhy(rate: number): string {
  return rate > 0 ? `publishing switched off; still ${formatRate(rate)}` : 'publishing switched off';
}

/**
 * "nothing for 40 s, ~120/s expected" ("0.2/s for 3 min, …" when a trickle is left), or, for a
 * tenant that never came back after its switch was turned on, "nothing since switched back on 70 s
 * ago, …".
 */
export function silentWhy(
  rate: number,
  quietForMs: number,
  expected: number,
  sinceSwitchOn: boolean,
): string {
  const what = rate > 0 ? formatRate(rate) : 'nothing';
  const when = sinceSwitchOn
    ? `since switched back on ${formatSpan(quietForMs)} ago`
    : `for ${formatSpan(quietForMs)}`;
  return `${what} ${when}, ~${formatRate(expected)} expected`;
}
