/**
 * What the benchmarks say about a set of samples: quantiles, the median, and how far the median can
 * be trusted (interquartile range, a bootstrap interval). A figure from a shared two-core machine
 * means little without its spread.
 */
import { SeededRandom } from '../electron/core/metrics/simulated/seeded-random';

/** Ascending copy; the input is left alone. */
export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of ascending values by nearest rank, so a p99 is a value that was
 * measured, not an interpolation; NaN when there are none.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be within 0..1, got ${q}`);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The median, the mean of the two middle values when the count is even; NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = ascending(values);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Interval {
  low: number;
  high: number;
}

/** The middle half of the values (the 25th and 75th percentiles, nearest rank). */
export function interquartileRange(values: readonly number[]): Interval {
  const sorted = ascending(values);
  return { low: quantile(sorted, 0.25), high: quantile(sorted, 0.75) };
}

/**
 * A percentile bootstrap interval for the median: resample the values with replacement, take each
 * resample's median, and keep the middle `level` of those. Seeded, so the same samples always give
 * the same interval. Few samples give a wide interval — which is the point.
 */
export function bootstrapMedianInterval(
  values: readonly number[],
  options: { level?: number; resamples?: number; seed?: number } = {},
): Interval {
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 4_000;
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be within (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 100)
    throw new RangeError(`bootstrap: at least 100 resamples, got ${resamples}`);
  if (values.length === 0) return { low: Number.NaN, high: Number.NaN };
  const random = new SeededRandom(options.seed ?? 1);
  const medians: number[] = [];
  const draw = new Array<number>(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) draw[i] = values[Math.floor(random.next() * values.length)]!;
    medians.push(median(draw));
  }
  medians.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { low: quantile(medians, tail), high: quantile(medians, 1 - tail) };
}
