/**
 * Channel leak on one connection: its channel count keeps rising while its peers' stay flat.
 *
 * Why the broker-wide rules are not enough: on a big broker one leaking publisher is diluted.
 * 200 connections, one leaking 20 channels/s, and normal churn of 100 channels/s opened and closed:
 * channels per connection rise by 6 a minute, and created never reaches twice closed. Followed one
 * by one, the leaking connection stands out within seconds, and the warning can name it.
 *
 * The management API gives each connection's `channels` (the source reads the 100 connections with
 * the most channels, where a leaking one soon arrives). Each connection's count is kept at most once
 * a second over the longest look-back, for at most `maxTracked` connections, those with the most
 * channels, so a broker with tens of thousands of connections costs no more than one with 200.
 */
import { type GrowthRules, steadyGrowth } from './steady-growth';

/** One connection's channel count in one sample. */
export interface ConnectionChannels {
  /** the broker's name for the connection, unique while it is open */
  name: string;
  /** what to call it: the client's connection name when it gives one */
  label: string;
  channels: number;
}

export interface ConnectionLeakRules extends GrowthRules {
  /** look-back windows, ms */
  windowsMs: readonly number[];
  /** peers are flat when their median rise over the same span is at most this share of the leak's */
  peerShare: number;
}

/** A connection whose channels keep growing while its peers' do not. */
export interface ConnectionLeak {
  connection: string;
  from: number;
  to: number;
  spanMs: number;
  /** channels a second it gains now (over the later half of the span) */
  perSec: number;
  /** how many other connections were compared (they stayed flat) */
  peers: number;
}

interface Sample {
  t: number;
  channels: number;
}

interface Series {
  label: string;
  points: Sample[];
  seenAt: number;
}

/** Samples closer than this are merged: the broker refreshes connection stats every 1–5 s anyway. */
const SAMPLE_SPACING_MS = 1_000;
/** A connection missing from the list this long (closed, or no longer among the largest) is forgotten. */
const FORGET_AFTER_MS = 30_000;

export class ConnectionChannelHistory {
  private readonly series = new Map<string, Series>();
  private current: string[] = [];
  private lastT = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly keepMs: number,
    private readonly maxTracked = 200,
  ) {
    if (!(keepMs > 0) || !(maxTracked > 0))
      throw new Error('ConnectionChannelHistory: keepMs and maxTracked must be positive');
  }

  /** Record one sample's connections (any order; a top page or the whole list). */
  observe(t: number, connections: readonly ConnectionChannels[]): void {
    if (t < this.lastT) this.reset();
    this.lastT = t;
    const largest =
      connections.length > this.maxTracked
        ? [...connections].sort((a, b) => b.channels - a.channels).slice(0, this.maxTracked)
        : connections;
    this.current = [];
    for (const c of largest) {
      if (!Number.isFinite(c.channels) || c.channels < 0) continue;
      let s = this.series.get(c.name);
      if (!s) {
        s = { label: c.label, points: [], seenAt: t };
        this.series.set(c.name, s);
      }
      s.label = c.label;
      s.seenAt = t;
      append(s.points, t, c.channels);
      trimBefore(s.points, t - this.keepMs);
      this.current.push(c.name);
    }
    for (const [name, s] of this.series) if (t - s.seenAt > FORGET_AFTER_MS) this.series.delete(name);
  }

  /** Connections in the latest sample whose channels keep growing while their peers' stay flat, fastest first. */
  leaks(rules: ConnectionLeakRules): ConnectionLeak[] {
    if (this.current.length < 2) return [];
    const out: ConnectionLeak[] = [];
    for (const name of this.current) {
      const s = this.series.get(name)!;
      let best: ReturnType<typeof steadyGrowth<Sample>> = null;
      for (const windowMs of rules.windowsMs) {
        const g = steadyGrowth(s.points, (p) => p.channels, windowMs, rules);
        if (g && (!best || g.rise > best.rise)) best = g;
      }
      if (!best) continue;
      const peers = this.peerRises(name, best.low.t);
      if (peers.length === 0 || median(peers) > rules.peerShare * best.rise) continue;
      out.push({
        connection: s.label,
        from: best.low.channels,
        to: best.last.channels,
        spanMs: best.spanMs,
        // How fast it leaks now: the span may begin with a few calm seconds before the leak.
        perSec: best.recentPerSec,
        peers: peers.length,
      });
    }
    return out.sort((a, b) => b.perSec - a.perSec);
  }

  /** How many connections are being followed. */
  get tracked(): number {
    return this.series.size;
  }

  reset(): void {
    this.series.clear();
    this.current = [];
    this.lastT = Number.NEGATIVE_INFINITY;
  }

  /** How much each other connection of the latest sample grew since `since` (or since first seen). */
  private peerRises(except: string, since: number): number[] {
    const rises: number[] = [];
    for (const name of this.current) {
      if (name === except) continue;
      const points = this.series.get(name)!.points;
      let at = points[0]!;
      for (const p of points) {
        if (p.t > since) break;
        at = p;
      }
      rises.push(points.at(-1)!.channels - at.channels);
    }
    return rises;
  }
}

/** The newest sample stays provisional (replaced) until it is a full spacing after the one before. */
function append(points: Sample[], t: number, channels: number): void {
  const n = points.length;
  const provisional =
    (n >= 1 && points[n - 1]!.t === t) || (n >= 2 && points[n - 1]!.t - points[n - 2]!.t < SAMPLE_SPACING_MS);
  if (provisional) points[n - 1] = { t, channels };
  else points.push({ t, channels });
}

function trimBefore(points: Sample[], from: number): void {
  let drop = 0;
  // Keep the newest sample even when old: it is the connection's count now.
  while (drop < points.length - 1 && points[drop]!.t < from) drop++;
  if (drop > 0) points.splice(0, drop);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
