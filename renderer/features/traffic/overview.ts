/**
 * The overview chart's data: total rate and the top tenants' rates over the last 15 minutes.
 *
 * Loaded from `traffic.overview`, then appended from ticks. When a tick names a different set of
 * top tenants, `appendTick` says so and the store refetches the series for the new set (event-driven:
 * it never polls). Until the refetch lands the old top keeps being appended, so the chart never stalls.
 */
import type { OverviewSeries, TrafficMarker, TrafficTick } from '../../../electron/core/api';

export const OVERVIEW_WINDOW_MS = 15 * 60_000;
const MAX_MARKERS = 200;

export interface OverviewTop {
  id: string;
  name: string;
  values: number[];
}

export function topKey(ids: readonly string[]): string {
  return [...ids].sort().join('\u0000');
}

export class OverviewBuffer {
  t: number[] = [];
  total: number[] = [];
  top: OverviewTop[] = [];
  markers: TrafficMarker[] = [];
  key = '';

  reset(series: OverviewSeries): void {
    this.t = [...series.t];
    this.total = [...series.total];
    this.top = series.top.map((s) => ({ id: s.id, name: s.name, values: [...s.values] }));
    const local = this.markers;
    this.markers = [];
    for (const m of series.markers) this.addMarker(m);
    // keep markers we learned locally (alerts, audit) that the server's copy does not have yet
    for (const m of local) this.addMarker(m);
    this.key = topKey(this.top.map((s) => s.id));
    this.trim();
  }

  /**
   * Append one tick. `rateOf` gives a tenant's rate in this tick (0 when absent).
   * Returns true when the tick's top set differs from the series' (the caller refetches).
   */
  appendTick(tick: TrafficTick, rateOf: (id: string) => number): boolean {
    const last = this.t.length ? this.t[this.t.length - 1]! : -Infinity;
    if (tick.t > last) {
      this.t.push(tick.t);
      this.total.push(tick.total);
      for (const s of this.top) s.values.push(rateOf(s.id));
      this.trim();
    }
    return tick.top.length > 0 && topKey(tick.top) !== this.key;
  }

  addMarker(m: TrafficMarker): void {
    if (
      this.markers.some((x) => x.kind === m.kind && x.tenantId === m.tenantId && Math.abs(x.t - m.t) < 2000)
    ) {
      return;
    }
    this.markers.push(m);
    this.markers.sort((a, b) => a.t - b.t);
    if (this.markers.length > MAX_MARKERS) this.markers.splice(0, this.markers.length - MAX_MARKERS);
  }

  private trim(): void {
    if (this.t.length === 0) return;
    const from = this.t[this.t.length - 1]! - OVERVIEW_WINDOW_MS;
    let cut = 0;
    while (cut < this.t.length && this.t[cut]! < from) cut++;
    if (cut > 0) {
      this.t.splice(0, cut);
      this.total.splice(0, cut);
      for (const s of this.top) s.values.splice(0, cut);
    }
    const first = this.t[0] ?? 0;
    if (this.markers.length && this.markers[0]!.t < first)
      this.markers = this.markers.filter((m) => m.t >= first);
  }
}

export interface ChartPoint {
  t: number;
  total: number;
  others: number;
  /** top tenants' rates by series index: s0 … s4 */
  [series: `s${number}`]: number;
}

/**
 * Average the series into time-aligned buckets so that a 15-minute window at 1 s (900 points × 6
 * series) draws as at most `maxPoints` points. Buckets are aligned on absolute time, not on the
 * array end, so the chart does not shimmer as points arrive; only the newest bucket changes.
 */
export function toChartPoints(
  t: readonly number[],
  total: readonly number[],
  top: readonly { values: readonly number[] }[],
  maxPoints: number,
): ChartPoint[] {
  const n = t.length;
  if (n === 0) return [];
  const span = t[n - 1]! - t[0]!;
  const step = n > 1 ? span / (n - 1) : 1000;
  const bucketMs = n <= maxPoints ? 0 : Math.ceil(span / maxPoints / step) * step;
  const out: ChartPoint[] = [];
  let i = 0;
  while (i < n) {
    const key = bucketMs ? Math.floor(t[i]! / bucketMs) : i;
    let j = i;
    let sumTotal = 0;
    const sums = new Array<number>(top.length).fill(0);
    let lastT = t[i]!;
    while (j < n && (bucketMs ? Math.floor(t[j]! / bucketMs) === key : j === i)) {
      sumTotal += total[j]!;
      for (let s = 0; s < top.length; s++) sums[s]! += top[s]!.values[j] ?? 0;
      lastT = t[j]!;
      j++;
    }
    const count = j - i;
    const point: ChartPoint = { t: lastT, total: sumTotal / count, others: 0 };
    let topSum = 0;
    for (let s = 0; s < top.length; s++) {
      const v = sums[s]! / count;
      point[`s${s}`] = v;
      topSum += v;
    }
    point.others = Math.max(0, point.total - topSum);
    out.push(point);
    i = j;
  }
  return out;
}

const TICK_STEPS_MS = [
  10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
];

/**
 * Round-number time ticks for an axis from t0 to t1: the smallest step from 10 s to 1 h that gives at
 * most `maxTicks` ticks, aligned to multiples of the step (so "14:05, 14:10", never "14:07, 14:07").
 */
export function timeTicks(t0: number, t1: number, maxTicks: number): { ticks: number[]; seconds: boolean } {
  if (!(t1 > t0) || maxTicks < 1) return { ticks: [], seconds: false };
  for (const step of TICK_STEPS_MS) {
    const first = Math.ceil(t0 / step) * step;
    const n = first > t1 ? 0 : Math.floor((t1 - first) / step) + 1;
    if (n <= maxTicks) {
      return { ticks: Array.from({ length: n }, (_, i) => first + i * step), seconds: step < 60_000 };
    }
  }
  return { ticks: [t0, t1], seconds: false };
}

/**
 * Vertical label offsets (px) for markers that sit close together on the time axis, so their labels
 * stack instead of overprinting: each marker within `near` of the previous one moves one line down.
 */
export function markerOffsets(times: readonly number[], span: number, near = 0.08, line = 13): number[] {
  const out: number[] = [];
  let level = 0;
  for (let i = 0; i < times.length; i++) {
    level = i > 0 && span > 0 && Math.abs(times[i]! - times[i - 1]!) < span * near ? (level + 1) % 4 : 0;
    out.push(5 + level * line);
  }
  return out;
}

/**
 * A marker's label for a chart that is about one tenant: "off", "on", "spike" rather than the full
 * text; a marker about every tenant keeps what it says ("memory alarm", "off for everyone").
 */
export function shortMarkerLabel(m: TrafficMarker): string {
  if (m.kind === 'spike') return 'spike';
  if (m.tenantId === null) return m.label.replace(/^.*→\s*/, '');
  const v = /→\s*(\S+)\s*$/.exec(m.label)?.[1];
  const word = v === 'false' ? 'off' : v === 'true' ? 'on' : (v ?? m.label);
  return m.kind === 'revert' ? `revert ${word}` : word;
}
