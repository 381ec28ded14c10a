/**
 * Channel leak: channels keep growing while connections do not.
 *
 * The incident this exists for: a publisher opened a new channel per publish and never closed it;
 * channels went 7 → 6,013 in 35 s on 3 connections, ~64 KiB of broker memory each, until the memory
 * alarm blocked every publisher. The signals, any of which raises the suspicion:
 *
 * - **count**: over a recent window the channel count rose by at least `minGrowth` from its low
 *   point, channels per connection rose with it (connections did not keep up), and the rise came in
 *   several steps and is still going on in the later half of the span — a one-off burst of channels
 *   at start-up is not a leak;
 * - **churn**: the broker's channel_created rate outpaces channel_closed for a while and the count
 *   rises by more than new connections explain;
 * - **channel_max**: one connection holds ≥ 80% of the channels it may open.
 *
 * Once raised the suspicion holds for a minute after the last evidence unless channels fall back,
 * so the banner does not flicker on a pause in the growth.
 */
import { formatCount, formatPerSec, formatSpan } from './broker-text';

export interface ChannelPoint {
  t: number;
  channels: number;
  connections: number;
  /** channels created/closed per second, when the broker's counters give them */
  created: number | null;
  closed: number | null;
}

export interface NearChannelMax {
  connection: string;
  channels: number;
  max: number;
}

export interface LeakOptions {
  /** look-back windows, ms (shortest first) */
  windowsMs: readonly number[];
  /** channel growth from the window's low point that counts (default 100) */
  minGrowth: number;
  /** channels per connection must rise by this much (absolute, default 20) … */
  minPerConnectionRise: number;
  /** … and by this factor (default 1.5) */
  minPerConnectionFactor: number;
  /** the growth must span at least this long with at least `minPoints` samples */
  minSpanMs: number;
  minPoints: number;
  /** the count must have gone up in at least this many separate samples */
  minSteps: number;
  /** share of the growth that must fall in the later half of the span (still growing) */
  lateShare: number;
  /** churn: created − closed at least this per second, and created ≥ `churnFactor` × closed */
  churnNetPerSec: number;
  churnFactor: number;
  /** how long a raised suspicion holds without new evidence, ms */
  holdMs: number;
}

export const DEFAULT_LEAK_OPTIONS: LeakOptions = {
  windowsMs: [60_000, 5 * 60_000, 15 * 60_000],
  minGrowth: 100,
  minPerConnectionRise: 20,
  minPerConnectionFactor: 1.5,
  minSpanMs: 5_000,
  minPoints: 4,
  minSteps: 3,
  lateShare: 0.25,
  churnNetPerSec: 5,
  churnFactor: 2,
  holdMs: 60_000,
};

export interface LeakVerdict {
  suspected: boolean;
  why: string;
  /** channels per second over the evidence span, when the count rule fired */
  channelsPerSec: number | null;
}

interface Evidence {
  why: string;
  growth: number;
  channelsPerSec: number;
}

/** Judge the latest point of `points` (oldest first). Pure; see LeakWatch for the hold. */
export function judgeLeak(
  points: readonly ChannelPoint[],
  nearMax: readonly NearChannelMax[],
  options: LeakOptions = DEFAULT_LEAK_OPTIONS,
): LeakVerdict {
  const reasons: string[] = [];
  const growth = countEvidence(points, options) ?? churnEvidence(points, options);
  if (growth) reasons.push(growth.why);
  const fullest = [...nearMax].sort((a, b) => b.channels / b.max - a.channels / a.max);
  if (fullest.length > 0) {
    const top = fullest[0]!;
    const more = fullest.length > 1 ? ` (and ${fullest.length - 1} more)` : '';
    reasons.push(
      `connection ${top.connection} has ${formatCount(top.channels)} of ${formatCount(top.max)} channels (${Math.round((100 * top.channels) / top.max)}%)${more}`,
    );
  }
  return {
    suspected: reasons.length > 0,
    why: reasons.join('; '),
    channelsPerSec: growth?.channelsPerSec ?? null,
  };
}

function countEvidence(points: readonly ChannelPoint[], options: LeakOptions): Evidence | null {
  const last = points.at(-1);
  if (!last) return null;
  let best: Evidence | null = null;
  for (const windowMs of options.windowsMs) {
    const from = last.t - windowMs;
    let start = -1;
    // The low point: the latest sample holding the window's minimum — where the growth began.
    for (let i = points.length - 1; i >= 0 && points[i]!.t >= from; i--) {
      if (start < 0 || points[i]!.channels < points[start]!.channels) start = i;
    }
    if (start < 0) continue;
    const low = points[start]!;
    const span = last.t - low.t;
    const rise = last.channels - low.channels;
    if (points.length - start < options.minPoints || span < options.minSpanMs || rise < options.minGrowth)
      continue;
    // Growth in steps, not one jump: a burst of channels opened at start-up is not a leak.
    let steps = 0;
    for (let i = start + 1; i < points.length; i++)
      if (points[i]!.channels > points[i - 1]!.channels) steps++;
    if (steps < options.minSteps) continue;
    const perConnLow = low.channels / Math.max(1, low.connections);
    const perConnNow = last.channels / Math.max(1, last.connections);
    if (
      perConnNow - perConnLow < options.minPerConnectionRise ||
      perConnNow < perConnLow * options.minPerConnectionFactor
    )
      continue;
    // Still growing: a real share of the rise happened in the later half of the span.
    const mid = low.t + span / 2;
    let atMid = low;
    for (let i = start; i < points.length && points[i]!.t <= mid; i++) atMid = points[i]!;
    if (last.channels - atMid.channels < options.lateShare * rise) continue;
    if (!best || rise > best.growth) {
      const perSec = rise / (span / 1000);
      best = { why: growthWhy(low, last, span, perSec), growth: rise, channelsPerSec: perSec };
    }
  }
  if (best) {
    const churn = churnRates(points, last.t - 10_000);
    if (churn) best.why += `; created ${formatPerSec(churn.created)}, closed ${formatPerSec(churn.closed)}`;
  }
  return best;
}

function churnEvidence(points: readonly ChannelPoint[], options: LeakOptions): Evidence | null {
  const last = points.at(-1);
  if (!last) return null;
  const windowMs = Math.max(10_000, options.minSpanMs);
  const churn = churnRates(points, last.t - windowMs);
  if (!churn || churn.span < windowMs * 0.8) return null;
  const net = churn.created - churn.closed;
  if (net < options.churnNetPerSec || churn.created < options.churnFactor * churn.closed) return null;
  const first = churn.first;
  const rise = last.channels - first.channels;
  if (rise < options.minGrowth / 2) return null;
  // New connections bring their channels with them: at most half the rise may be theirs.
  const perConnection = first.channels / Math.max(1, first.connections);
  if (Math.max(0, last.connections - first.connections) * perConnection >= 0.5 * rise) return null;
  const span = last.t - first.t;
  return {
    why: `channels created ${formatPerSec(churn.created)} but closed only ${formatPerSec(churn.closed)} while connections ${connectionsWords(first, last)} (channels ${formatCount(first.channels)} → ${formatCount(last.channels)} in ${formatSpan(span)})`,
    growth: rise,
    channelsPerSec: rise / (span / 1000),
  };
}

/** Mean created/closed per second over the points from `from` on, when every one has both. */
function churnRates(
  points: readonly ChannelPoint[],
  from: number,
): { created: number; closed: number; span: number; first: ChannelPoint } | null {
  let created = 0;
  let closed = 0;
  let n = 0;
  let first: ChannelPoint | null = null;
  for (let i = points.length - 1; i >= 0 && points[i]!.t >= from; i--) {
    const p = points[i]!;
    if (p.created === null || p.closed === null) return null;
    created += p.created;
    closed += p.closed;
    n++;
    first = p;
  }
  if (n < 3 || !first) return null;
  return { created: created / n, closed: closed / n, span: points.at(-1)!.t - first.t, first };
}

function growthWhy(low: ChannelPoint, last: ChannelPoint, span: number, perSec: number): string {
  return `channels ${formatCount(low.channels)} → ${formatCount(last.channels)} in ${formatSpan(span)} while connections ${connectionsWords(low, last)} (${formatPerSec(perSec, true)})`;
}

function connectionsWords(a: ChannelPoint, b: ChannelPoint): string {
  return a.connections === b.connections
    ? `stayed at ${formatCount(b.connections)}`
    : `went ${formatCount(a.connections)} → ${formatCount(b.connections)}`;
}

/** The judgement over time: holds a raised suspicion for a while unless channels fall back. */
export class LeakWatch {
  private raisedAt: number | null = null;
  private raisedWhy = '';
  private raisedChannels = 0;
  private raisedPerSec: number | null = null;

  constructor(private readonly options: LeakOptions = DEFAULT_LEAK_OPTIONS) {}

  judge(points: readonly ChannelPoint[], nearMax: readonly NearChannelMax[]): LeakVerdict {
    const last = points.at(-1);
    const verdict = judgeLeak(points, nearMax, this.options);
    if (!last) return verdict;
    if (verdict.suspected) {
      this.raisedAt = last.t;
      this.raisedWhy = verdict.why;
      this.raisedChannels = last.channels;
      this.raisedPerSec = verdict.channelsPerSec;
      return verdict;
    }
    const holding =
      this.raisedAt !== null &&
      last.t - this.raisedAt <= this.options.holdMs &&
      last.channels >= 0.8 * this.raisedChannels;
    if (!holding) {
      this.raisedAt = null;
      return verdict;
    }
    return { suspected: true, why: this.raisedWhy, channelsPerSec: this.raisedPerSec };
  }

  reset(): void {
    this.raisedAt = null;
  }
}
