/**
 * Alarm soon: a least-squares line through broker memory since its current trend began, projected
 * to the watermark. Shown only when that fit is steady (r² high) and rising — Erlang memory saws up
 * and down with garbage collection, and a noisy fit would promise an alarm that never comes.
 *
 * Why not one line over the whole window: the incident's memory is flat for minutes and then
 * climbs fast. A line through both parts fits badly (r² 0.4 when the alarm hit: no warning at all)
 * and, when it does fit, its slope is the average of calm and climb, so "alarm in" comes out twice
 * too late. So the window is split where the trend changed — the split of two lines with the least
 * squared error — and when two lines explain the memory much better than one, only the later one
 * counts. A steady rise or plain noise gains little from a split and keeps the single line.
 */
import { bestSplit, type LineFit, PrefixFits } from './least-squares';

export interface MemoryPoint {
  t: number;
  used: number;
  limit: number;
  alarm: boolean;
}

export interface MemoryTrendOptions {
  /** look at this much history, ms (default 5 min) */
  windowMs: number;
  /** the fitted trend needs at least this many broker readings … */
  minPoints: number;
  /** … spanning at least this long, ms (default 20 s) */
  minSpanMs: number;
  /** r² at least this for the fit to count as steady (default 0.8) */
  minR2: number;
  /**
   * Split the window where the trend changed when two lines leave at most this share of one
   * line's squared error (default 0.5): a real change of trend halves it, noise does not.
   */
  splitGain: number;
}

export const DEFAULT_MEMORY_TREND_OPTIONS: MemoryTrendOptions = {
  windowMs: 5 * 60_000,
  minPoints: 8,
  minSpanMs: 20_000,
  minR2: 0.8,
  splitGain: 0.5,
};

export interface MemoryTrend {
  /** bytes per second of the steady fit; null while the fit is not steady */
  bytesPerSec: number | null;
  /** seconds until the fitted line reaches the watermark; null unless rising steadily below it */
  alarmInSec: number | null;
  r2: number | null;
  /** seconds of history the trend was fitted over (since the trend began); null without a fit */
  fitSpanSec: number | null;
}

const NONE: MemoryTrend = { bytesPerSec: null, alarmInSec: null, r2: null, fitSpanSec: null };

export function memoryTrend(
  points: readonly MemoryPoint[],
  options: MemoryTrendOptions = DEFAULT_MEMORY_TREND_OPTIONS,
): MemoryTrend {
  const last = points.at(-1);
  if (!last) return NONE;
  const readings = brokerReadings(points, last.t - options.windowMs);
  if (readings.length < options.minPoints || last.t - readings[0]!.t < options.minSpanMs) return NONE;
  // Seconds since the newest point: the intercept is then the fitted memory now.
  const xs = readings.map((p) => (p.t - last.t) / 1000);
  const fits = new PrefixFits(
    xs,
    readings.map((p) => p.used),
  );
  const from = trendStart(fits, options.splitGain);
  const count = readings.length - from;
  const spanSec = -xs[from]!;
  // The trend changed too recently to judge yet: wait rather than fit across the change.
  if (count < options.minPoints || spanSec * 1000 < options.minSpanMs) return NONE;
  const fit = fits.fit(from, readings.length);
  if (!fit) return NONE;
  if (fit.r2 < options.minR2) return { ...NONE, r2: fit.r2 };
  // A climb that has not clearly passed where memory already was (by a tenth of the climb) is
  // garbage collection's saw-tooth coming round again, not a new trend: nothing to project yet.
  const climbed = fit.slope * spanSec;
  if (from > 0 && fit.slope > 0 && fit.intercept - highest(readings, 0, from) < 0.1 * climbed)
    return { ...NONE, r2: fit.r2 };
  return {
    bytesPerSec: fit.slope,
    alarmInSec: alarmIn(fit, last),
    r2: fit.r2,
    fitSpanSec: spanSec,
  };
}

/**
 * The points since `from` that carry a new reading. The broker refreshes memory every 1–5 s while
 * we may sample every 250 ms; repeats of one reading would count as evidence they are not (five
 * readings of a stock 5 s broker are not twenty points), so each run keeps only its first sample.
 */
function brokerReadings(points: readonly MemoryPoint[], from: number): MemoryPoint[] {
  let start = points.length - 1;
  while (start > 0 && points[start - 1]!.t >= from) start--;
  const out: MemoryPoint[] = [];
  for (let i = start; i < points.length; i++) {
    const p = points[i]!;
    if (out.length === 0 || p.used !== out.at(-1)!.used) out.push(p);
  }
  return out;
}

/**
 * Where the current trend began: the index that splits the readings into the two lines with the
 * least squared error, when they beat one line by the `gain` factor; else 0 (one trend throughout).
 */
function trendStart(fits: PrefixFits, gain: number): number {
  const whole = fits.fit(0, fits.length);
  if (!whole || whole.sse === 0) return 0;
  // Each side needs three points for its line to say anything.
  const split = bestSplit(fits, 3);
  return split && split.sse <= gain * whole.sse ? split.index : 0;
}

function highest(points: readonly MemoryPoint[], from: number, to: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) max = Math.max(max, points[i]!.used);
  return max;
}

function alarmIn(fit: LineFit, last: MemoryPoint): number | null {
  const fittedNow = fit.intercept;
  const rising = fit.slope > 0 && !last.alarm && last.limit > 0;
  return rising && fittedNow < last.limit && last.used < last.limit
    ? (last.limit - fittedNow) / fit.slope
    : null;
}
