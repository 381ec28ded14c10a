/**
 * "Keeps growing": the rise of a count (channels on the broker, or on one connection) over a
 * look-back window, judged the same way wherever it is counted — from the window's low point, in
 * several steps rather than one jump (a burst of channels at start-up is not a leak), and still
 * going on in the later half of the span.
 */

export interface Counted {
  t: number;
}

export interface GrowthRules {
  /** growth from the window's low point that counts */
  minGrowth: number;
  /** the growth must span at least this long with at least `minPoints` samples */
  minSpanMs: number;
  minPoints: number;
  /** the count must have gone up in at least this many separate samples */
  minSteps: number;
  /** share of the growth that must fall in the later half of the span (still growing) */
  lateShare: number;
}

export interface Growth<T extends Counted> {
  /** the sample the growth started from (the window's latest low point) and the newest one */
  low: T;
  last: T;
  rise: number;
  spanMs: number;
  /** over the whole span, and over its later half (how fast it grows now) */
  perSec: number;
  recentPerSec: number;
}

/** The growth of `count` over the last `windowMs` of `points` (oldest first), or null when it does not count. */
export function steadyGrowth<T extends Counted>(
  points: readonly T[],
  count: (p: T) => number,
  windowMs: number,
  rules: GrowthRules,
): Growth<T> | null {
  const last = points.at(-1);
  if (!last) return null;
  const from = last.t - windowMs;
  let start = -1;
  // The low point: the latest sample holding the window's minimum — where the growth began.
  for (let i = points.length - 1; i >= 0 && points[i]!.t >= from; i--) {
    if (start < 0 || count(points[i]!) < count(points[start]!)) start = i;
  }
  if (start < 0) return null;
  const low = points[start]!;
  const spanMs = last.t - low.t;
  const rise = count(last) - count(low);
  if (points.length - start < rules.minPoints || spanMs < rules.minSpanMs || rise < rules.minGrowth)
    return null;
  let steps = 0;
  for (let i = start + 1; i < points.length; i++) if (count(points[i]!) > count(points[i - 1]!)) steps++;
  if (steps < rules.minSteps) return null;
  const mid = low.t + spanMs / 2;
  let atMid = low;
  for (let i = start; i < points.length && points[i]!.t <= mid; i++) atMid = points[i]!;
  const lateRise = count(last) - count(atMid);
  if (lateRise < rules.lateShare * rise) return null;
  const lateMs = last.t - atMid.t;
  return {
    low,
    last,
    rise,
    spanMs,
    perSec: rise / (spanMs / 1000),
    recentPerSec: lateMs > 0 ? lateRise / (lateMs / 1000) : rise / (spanMs / 1000),
  };
}
