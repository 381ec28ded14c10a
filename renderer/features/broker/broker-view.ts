/** What the broker strip and the Health view show, derived from the contract's figures (pure). */
import type { BrokerHealth, SourceState, SourceStatus } from '../../../electron/core/api';
import { formatBytes, formatCount, formatPercent, formatSoon } from '../../app/format';
import type { BrokerSeries } from './broker-store';

/** Source kinds that report broker health. */
export const BROKER_SOURCE_KINDS: ReadonlySet<string> = new Set(['rabbitmq']);

export interface BrokerEntry {
  sourceId: string;
  label: string;
  /** the source's link state ('ok' when only health is known) */
  state: SourceState | 'stale';
  message: string | null;
  /**
   * The figures shown are not current: the source is down, or says its data is older than two
   * intervals. A degraded source that still answers (slowly, or in part) is not stale.
   */
  stale: boolean;
  /** the latest sample, null until the broker answered once */
  health: BrokerHealth | null;
}

/**
 * Every broker to show: the sources of a broker kind (even before their first sample, so a broker
 * that is down is shown down) and every broker that reported health. Empty = no broker source.
 */
export function brokerEntries(
  sources: readonly SourceStatus[],
  current: readonly BrokerHealth[],
): BrokerEntry[] {
  const byId = new Map<string, BrokerEntry>();
  for (const s of sources) {
    if (!BROKER_SOURCE_KINDS.has(s.kind)) continue;
    byId.set(s.id, {
      sourceId: s.id,
      label: s.label,
      state: s.stale && s.state === 'ok' ? 'stale' : s.state,
      message: s.message,
      stale: s.stale || s.state === 'down',
      health: null,
    });
  }
  for (const h of current) {
    const known = byId.get(h.sourceId);
    if (known) known.health = h;
    else
      byId.set(h.sourceId, {
        sourceId: h.sourceId,
        label: h.label,
        state: 'ok',
        message: null,
        stale: false,
        health: h,
      });
  }
  return [...byId.values()];
}

/** Fresh and fully read: only then can the Health view say that everything looks normal. */
export function entryHealthy(entry: BrokerEntry): boolean {
  return entry.state === 'ok' && !entry.stale;
}

export type Tone = 'ok' | 'warn' | 'crit';

/** Memory used as a share of the watermark (1 = the watermark, where RabbitMQ blocks publishers). */
export function memoryShare(h: BrokerHealth): number {
  // The broker raises the alarm at once but refreshes mem_used/mem_limit only with its stats, so
  // for a few seconds the figures can say "2% of watermark" beside MEMORY ALARM; the alarm wins.
  return h.memory.alarm ? Math.max(rawMemoryShare(h), 1) : rawMemoryShare(h);
}

function rawMemoryShare(h: BrokerHealth): number {
  return h.memory.limit > 0 ? h.memory.used / h.memory.limit : 0;
}

export function memoryTone(h: BrokerHealth): Tone {
  const share = memoryShare(h);
  if (h.memory.alarm || share >= 0.9) return 'crit';
  if (share >= 0.7 || h.memory.alarmInSec !== null) return 'warn';
  return 'ok';
}

/** "62% of watermark" */
export function memoryText(h: BrokerHealth): string {
  return `${formatPercent(memoryShare(h))} of watermark`;
}

/** "1.2 GiB of 2 GiB watermark, +3.1 MiB/s" */
export function memoryDetail(h: BrokerHealth): string {
  const trend =
    h.memory.bytesPerSec !== null && Math.abs(h.memory.bytesPerSec) >= 1
      ? `, ${h.memory.bytesPerSec > 0 ? '+' : ''}${formatBytes(h.memory.bytesPerSec)}/s`
      : '';
  const lagging = h.memory.alarm && rawMemoryShare(h) < 1 ? ' (the alarm is newer than these figures)' : '';
  return `${formatBytes(h.memory.used)} of ${formatBytes(h.memory.limit)} watermark${trend}${lagging}`;
}

/** "alarm in ~9 min" while memory is rising steadily toward the watermark (and not in alarm yet). */
export function alarmSoonText(h: BrokerHealth): string | null {
  if (h.memory.alarm || h.memory.alarmInSec === null) return null;
  return `alarm in ${formatSoon(h.memory.alarmInSec)}`;
}

/** The alarms in force, in words: "memory alarm", "disk alarm". */
export function activeAlarms(h: BrokerHealth): string[] {
  const out: string[] = [];
  if (h.memory.alarm) out.push('memory alarm');
  if (h.diskAlarm) out.push('disk alarm');
  return out;
}

/**
 * All blocked and blocking connections, listed or not: the core lists the first 50 and counts the
 * rest. Counted from the list for a sample without the totals.
 */
export function blockedCounts(h: BrokerHealth): { blocked: number; blocking: number } {
  const total = h.blockedConnectionsTotal as number | undefined;
  const blockingTotal = h.blockingConnectionsTotal as number | undefined;
  if (typeof total === 'number' && typeof blockingTotal === 'number') {
    return { blocked: Math.max(0, total - blockingTotal), blocking: blockingTotal };
  }
  let blocked = 0;
  let blocking = 0;
  for (const c of h.blocked) {
    if (c.state === 'blocked') blocked++;
    else blocking++;
  }
  return { blocked, blocking };
}

/** Blocked or blocking connections beyond those listed (the "+N more" under the list), 0 when all are. */
export function blockedNotListed(h: BrokerHealth): number {
  const total = (h.blockedConnectionsTotal as number | undefined) ?? h.blocked.length;
  return Math.max(0, total - h.blocked.length);
}

/** "6,013 ch · 2,004/conn" — the per-connection figure is the leak signal. */
export function channelsText(h: BrokerHealth): { channels: string; perConnection: string } {
  const per = h.channelsPerConnection;
  return {
    channels: formatCount(h.channels),
    perConnection: per >= 10 ? formatCount(per) : per.toFixed(1),
  };
}

/**
 * How often the broker's samples arrive: the median gap between the last samples, null with fewer
 * than two.
 */
export function sampleGapMs(series: BrokerSeries | undefined, last = 12): number | null {
  const t = series?.t ?? [];
  const gaps: number[] = [];
  for (let i = Math.max(1, t.length - last); i < t.length; i++) gaps.push(t[i]! - t[i - 1]!);
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/**
 * The broker's stats refresh as the header says it. The core estimates it from the gaps between
 * reads that saw counters move, so it can never come out shorter than we read: when it equals the
 * reading interval, the true refresh may be that or any faster ("every ≤5 s"), and the title says so.
 */
export function statsIntervalText(
  statsMs: number,
  readEveryMs: number | null,
): { text: string; title: string } {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  // the estimate is whole seconds; a read every 5,004 ms is "every 5 s" too
  const bounded = readEveryMs !== null && statsMs <= Math.max(1000, Math.round(readEveryMs / 1000) * 1000);
  if (!bounded) {
    return { text: `stats every ${seconds(statsMs)}`, title: "the broker's statistics refresh interval" };
  }
  return {
    text: `stats every ≤${seconds(statsMs)}`,
    title: `The broker's statistics refresh at least as often as Switchboard reads them (every ${seconds(readEveryMs)}); a faster refresh cannot be told apart at this interval.`,
  };
}

export interface HealthPoint {
  t: number;
  /** null for a sample without memory figures (a watermark of 0: the broker had not said yet) */
  memUsed: number | null;
  memLimit: number | null;
  channels: number;
  connections: number;
}

/**
 * At most `maxPoints` points of a broker's history for the charts: the last sample of each
 * time-aligned bucket (aligned on absolute time, so older points do not shimmer as new ones arrive).
 */
export function healthPoints(series: BrokerSeries, maxPoints = 300): HealthPoint[] {
  const n = series.length;
  if (n === 0) return [];
  const t = series.t;
  const span = t[n - 1]! - t[0]!;
  const step = n > 1 ? span / (n - 1) : 1000;
  const bucketMs = n <= maxPoints || step <= 0 ? 0 : Math.ceil(span / maxPoints / step) * step;
  const out: HealthPoint[] = [];
  for (let i = 0; i < n; i++) {
    const last =
      i === n - 1 || !bucketMs || Math.floor(t[i + 1]! / bucketMs) !== Math.floor(t[i]! / bucketMs);
    if (!last) continue;
    const limit = series.memLimit[i]!;
    const known = limit > 0;
    out.push({
      t: t[i]!,
      memUsed: known ? series.memUsed[i]! : null,
      memLimit: known ? limit : null,
      channels: series.channels[i]!,
      connections: series.connections[i]!,
    });
  }
  return out;
}

const MiB = 2 ** 20;
/** Binary steps for a bytes axis: 1, 2, 4 or 8 × a power of 1024 (…, 256 MiB, 512 MiB, 1 GiB, 2 GiB …). */
export function byteTicks(max: number, maxTicks = 5): number[] {
  if (!(max > 0)) return [0];
  let step = 1;
  while (max / step > maxTicks) step *= 2;
  // round-looking steps: ≥ 1 MiB in whole MiB powers of two
  if (step < MiB && max >= MiB) step = MiB;
  const ticks: number[] = [];
  // up to the first tick at or above `max`, so that the data never rises above the axis
  for (let v = 0; ; v += step) {
    ticks.push(v);
    if (v >= max) break;
  }
  return ticks;
}
