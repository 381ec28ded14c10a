import type { FlipEffect } from '../api';

/** "acme: 8,400 → 0 ev/s in 1.3 s" — the line for the alert and the chart marker. */
export function effectText(tenantName: string, effect: FlipEffect): string {
  const change = `${tenantName}: ${rateText(effect.before)} → ${rateText(effect.after)} ev/s`;
  // Tenths matter for a fast kill ("in 1.3 s"), not for a 30 s give-up.
  const seconds = `${(effect.ms / 1000).toFixed(effect.ms < 10_000 ? 1 : 0)} s`;
  return effect.settled ? `${change} in ${seconds}` : `${change}, not settled after ${seconds}`;
}

// Whole events above 100/s (nobody reads 8,400.37); one decimal below, where 0.4 vs 0 matters.
function rateText(rate: number): string {
  const digits = rate >= 100 ? 0 : 1;
  return rate.toLocaleString('en-US', { maximumFractionDigits: digits });
}
