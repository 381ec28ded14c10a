import type { FlipEffect } from '../api';

/** "acme: 8,400 → 0 ev/s in 1.3 s" — the line for the alert and the chart marker. */
export function effectText(tenantName: string, effect: FlipEffect): string {
  if (effect.notMeasured) return `${tenantName}: effect not measured — ${effect.notMeasured}`;
  const change = `${tenantName}: ${rateText(effect.before)} → ${rateText(effect.after)} ev/s`;
  return effect.settled
    ? `${change} in ${secondsText(effect.ms)}`
    : `${change}, not settled after ${secondsText(effect.ms)}`;
}

/**
 * A kill switch turned off whose tenant kept sending through the whole watch: the publishers may not
 * read the flag, or the rate source may be counting something the flag does not gate.
 */
export function killNotStoppedText(tenantName: string, flagKey: string, effect: FlipEffect): string {
  return (
    `${tenantName}: the kill switch did not stop its traffic after ${secondsText(effect.ms)} ` +
    `(${rateText(effect.before)} → ${rateText(effect.after)} ev/s) — check that its publishers read ${flagKey}`
  );
}

/** The effect a kill never reached: judged, not settled, and not for want of a measurement. */
export function killDidNotStop(effect: FlipEffect): boolean {
  return !effect.settled && !effect.notMeasured;
}

// Tenths matter for a fast kill ("in 1.3 s"), not for a 30 s give-up.
function secondsText(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

// Whole events above 100/s (nobody reads 8,400.37); one decimal below, where 0.4 vs 0 matters.
function rateText(rate: number): string {
  const digits = rate >= 100 ? 0 : 1;
  return rate.toLocaleString('en-US', { maximumFractionDigits: digits });
}
