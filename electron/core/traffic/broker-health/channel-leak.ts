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
 * - **one connection**: a connection's own channel count keeps rising (the same test as the count)
 *   while its peers' stay flat — on a big broker the only signal that is not diluted, and one that
 *   names the culprit (see connection-channels.ts);
 * - **churn**: channels created outpace channels closed — judged by the net growth, as normal churn
 *   opens and closes hundreds a second — throughout the last seconds, and the count rises by more
 *   than new connections explain.
 *
 * A connection near its channel_max is not a signal here: a legitimate connection may use 80% of
 * its channels for good, so it is a warning of its own (broker-health-detector.ts).
 *
 * Once raised the suspicion holds for a minute after the last evidence unless channels fall back,
 * so the banner does not flicker on a pause in the growth.
 */
import { formatCount, formatPerSec, formatSpan, plural } from './broker-text';
import type { ConnectionLeak } from './connection-channels';
import { bestSplit, PrefixFits } from './least-squares';
import { steadyGrowth } from './steady-growth';

export interface ChannelPoint {
  t: number;
  channels: number;
  connections: number;
  /** channels created/closed per second, when the broker's counters give them */
  created: number | null;
  closed: number | null;
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
  /** churn: created − closed at least this per second, in each half of the last 10 s … */
  churnNetPerSec: number;
  /** … and the count up by this many times its wander (residual spread) over the last minute or so */
  churnWanderFactor: number;
  /** one connection: its look-back windows, ms (shortest first) … */
  connectionWindowsMs: readonly number[];
  /** … the growth of its own count that counts, over at least this long … */
  connectionMinGrowth: number;
  connectionMinSpanMs: number;
  /** … while its peers' median growth over the same span stays at most this share of it */
  peerShare: number;
  /** follow at most this many connections, those with the most channels */
  maxTrackedConnections: number;
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
  churnWanderFactor: 6,
  connectionWindowsMs: [60_000, 5 * 60_000],
  connectionMinGrowth: 100,
  connectionMinSpanMs: 10_000,
  peerShare: 0.1,
  maxTrackedConnections: 200,
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

/**
 * Judge the latest point of `points` (oldest first), with the connections found leaking on their
 * own (ConnectionChannelHistory.leaks). Pure; see LeakWatch for the hold.
 */
export function judgeLeak(
  points: readonly ChannelPoint[],
  options: LeakOptions = DEFAULT_LEAK_OPTIONS,
  connectionLeaks: readonly ConnectionLeak[] = [],
): LeakVerdict {
  const reasons: string[] = [];
  // The connection first: it is what the operator acts on.
  if (connectionLeaks.length > 0) reasons.push(connectionLeakWhy(connectionLeaks));
  const growth = countEvidence(points, options) ?? churnEvidence(points, options);
  if (growth) reasons.push(growth.why);
  return {
    suspected: reasons.length > 0,
    why: reasons.join('; '),
    channelsPerSec: growth?.channelsPerSec ?? connectionLeaks[0]?.perSec ?? null,
  };
}

function connectionLeakWhy(leaks: readonly ConnectionLeak[]): string {
  const top = leaks[0]!;
  const more = leaks.length > 1 ? ` (and ${plural(leaks.length - 1, 'more connection')})` : '';
  return `connection ${top.connection}: channels ${formatCount(top.from)} → ${formatCount(top.to)} in ${formatSpan(top.spanMs)} (${formatPerSec(top.perSec, true)}) while ${plural(top.peers, 'other connection')} stayed flat${more}`;
}

function countEvidence(points: readonly ChannelPoint[], options: LeakOptions): Evidence | null {
  const last = points.at(-1);
  if (!last) return null;
  let best: Evidence | null = null;
  for (const windowMs of options.windowsMs) {
    const growth = steadyGrowth(points, (p) => p.channels, windowMs, options);
    if (!growth) continue;
    const { low, rise, spanMs, perSec } = growth;
    // Channels per connection must rise with it: more publishers, each with its channels, is no leak.
    const perConnLow = low.channels / Math.max(1, low.connections);
    const perConnNow = last.channels / Math.max(1, last.connections);
    if (
      perConnNow - perConnLow < options.minPerConnectionRise ||
      perConnNow < perConnLow * options.minPerConnectionFactor
    )
      continue;
    if (!best || rise > best.growth)
      best = { why: growthWhy(low, last, spanMs, perSec), growth: rise, channelsPerSec: perSec };
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
  // Net growth, not a ratio: 120 created and 100 closed a second is a leak of 20 a second. And
  // throughout the window: a burst of channels opened at once (even one that straddles its middle,
  // or that the broker's 5 s rates smear over several samples) is not a leak.
  if (churn.created - churn.closed < options.churnNetPerSec) return null;
  for (let q = 0; q < LEAK_QUARTERS; q++) {
    const from = last.t - windowMs + (q * windowMs) / LEAK_QUARTERS;
    const part = churnRates(points, from, from + windowMs / LEAK_QUARTERS, 1);
    if (!part || part.created - part.closed < options.churnNetPerSec / 2) return null;
  }
  const first = churn.first;
  const rise = last.channels - first.channels;
  if (rise < options.minGrowth / 2) return null;
  // And by more than the count wanders: on a big broker normal churn moves it by tens of channels
  // either way, so a rise counts only when it is several times the wander of the last minute.
  if (rise < options.churnWanderFactor * wander(points, first.t - 60_000)) return null;
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

/**
 * A leak shows in every quarter of its window; a burst, even one straddling the middle or smeared
 * by the broker's 5 s rates over several samples, leaves at least one quarter without net growth.
 */
const LEAK_QUARTERS = 4;

/** Mean created/closed per second over the points from `from` (up to `to`), when every one has both. */
function churnRates(
  points: readonly ChannelPoint[],
  from: number,
  to = Number.POSITIVE_INFINITY,
  minPoints = 3,
): { created: number; closed: number; span: number; first: ChannelPoint } | null {
  let created = 0;
  let closed = 0;
  let n = 0;
  let first: ChannelPoint | null = null;
  for (let i = points.length - 1; i >= 0 && points[i]!.t >= from; i--) {
    const p = points[i]!;
    if (p.t >= to) continue;
    if (p.created === null || p.closed === null) return null;
    created += p.created;
    closed += p.closed;
    n++;
    first = p;
  }
  if (n < minPoints || !first) return null;
  return { created: created / n, closed: closed / n, span: points.at(-1)!.t - first.t, first };
}

/**
 * How far the count strays from its own trend since `from`: the residuals' standard deviation
 * around the best two lines (a leak may have begun within that time: its climb is trend, not wander).
 */
function wander(points: readonly ChannelPoint[], from: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of points) {
    if (p.t < from) continue;
    xs.push((p.t - from) / 1000);
    ys.push(p.channels);
  }
  if (xs.length < 8) return 0;
  const fits = new PrefixFits(xs, ys);
  const sse = Math.min(fits.fit(0, xs.length)?.sse ?? 0, bestSplit(fits, 3)?.sse ?? Number.POSITIVE_INFINITY);
  return Math.sqrt(sse / xs.length);
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

  constructor(private options: LeakOptions = DEFAULT_LEAK_OPTIONS) {}

  /** New thresholds (the detection settings): judged from the next sample on, a raised suspicion kept. */
  setOptions(options: LeakOptions): void {
    this.options = options;
  }

  judge(points: readonly ChannelPoint[], connectionLeaks: readonly ConnectionLeak[] = []): LeakVerdict {
    const last = points.at(-1);
    const verdict = judgeLeak(points, this.options, connectionLeaks);
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
