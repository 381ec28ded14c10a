/**
 * Alarm soon: a least-squares line through broker memory over the last minutes, projected to the
 * watermark. Shown only when the fit is steady (r² high) and rising — Erlang memory saws up and down
 * with garbage collection, and a noisy fit would promise an alarm that never comes.
 */
import { fitLine } from './least-squares';

export interface MemoryPoint {
  t: number;
  used: number;
  limit: number;
  alarm: boolean;
}

export interface MemoryTrendOptions {
  /** fit over this much history, ms (default 5 min) */
  windowMs: number;
  /** at least this many points … */
  minPoints: number;
  /** … spanning at least this long, ms (default 20 s) */
  minSpanMs: number;
  /** r² at least this for the fit to count as steady (default 0.8) */
  minR2: number;
}

export const DEFAULT_MEMORY_TREND_OPTIONS: MemoryTrendOptions = {
  windowMs: 5 * 60_000,
  minPoints: 8,
  minSpanMs: 20_000,
  minR2: 0.8,
};

export interface MemoryTrend {
  /** bytes per second of the steady fit; null while the fit is not steady */
  bytesPerSec: number | null;
  /** seconds until the fitted line reaches the watermark; null unless rising steadily below it */
  alarmInSec: number | null;
  r2: number | null;
}

export function memoryTrend(
  points: readonly MemoryPoint[],
  options: MemoryTrendOptions = DEFAULT_MEMORY_TREND_OPTIONS,
): MemoryTrend {
  const last = points.at(-1);
  const none: MemoryTrend = { bytesPerSec: null, alarmInSec: null, r2: null };
  if (!last) return none;
  const from = last.t - options.windowMs;
  let start = points.length - 1;
  while (start > 0 && points[start - 1]!.t >= from) start--;
  const recent = points.slice(start);
  if (recent.length < options.minPoints || last.t - recent[0]!.t < options.minSpanMs) return none;
  // Seconds since the newest point: the intercept is then the fitted memory now.
  const fit = fitLine(
    recent.map((p) => (p.t - last.t) / 1000),
    recent.map((p) => p.used),
  );
  if (!fit) return none;
  if (fit.r2 < options.minR2) return { ...none, r2: fit.r2 };
  const bytesPerSec = fit.slope;
  const fittedNow = fit.intercept;
  const alarmInSec =
    bytesPerSec > 0 && !last.alarm && last.limit > 0 && fittedNow < last.limit && last.used < last.limit
      ? (last.limit - fittedNow) / bytesPerSec
      : null;
  return { bytesPerSec, alarmInSec, r2: fit.r2 };
}
