/**
 * Detection rules over a short history of one broker's samples: channel leak, memory trend ("alarm
 * soon"), and the sentences for the banner — among them a connection near its channel_max, which is
 * its own warning, not leak evidence (a connection may use most of its channels for good). The
 * source builds the raw figures of each sample; `assess` fills in `leak`, the memory trend and
 * `warnings`.
 */
import type { BrokerHealth } from '../../api';
import { formatCount, formatSoon, plural } from './broker-text';
import { type ChannelPoint, DEFAULT_LEAK_OPTIONS, type LeakOptions, LeakWatch } from './channel-leak';
import {
  ConnectionChannelHistory,
  type ConnectionChannels,
  type ConnectionLeakRules,
} from './connection-channels';
import {
  DEFAULT_MEMORY_TREND_OPTIONS,
  type MemoryPoint,
  type MemoryTrendOptions,
  memoryTrend,
} from './memory-trend';

export interface BrokerHealthDetectorOptions {
  leak?: Partial<LeakOptions>;
  memory?: Partial<MemoryTrendOptions>;
  /** "memory alarm in ~N min" is said only when the alarm is at most this far, s (default 1 h) */
  alarmSoonHorizonSec?: number;
  /** file descriptors in use at or above this share are worth a sentence (default 0.9) */
  fdWarnShare?: number;
  /** a connection at or above this share of its channel_max is "near" it (default NEAR_CHANNEL_MAX_SHARE) */
  nearChannelMaxShare?: number;
}

/** A connection at or above this share of its channel_max is "near" it. */
export const NEAR_CHANNEL_MAX_SHARE = 0.8;

export class BrokerHealthDetector {
  private readonly channels: ChannelPoint[] = [];
  private readonly memory: MemoryPoint[] = [];
  private readonly leak: LeakWatch;
  private connectionRules!: ConnectionLeakRules;
  private readonly perConnection: ConnectionChannelHistory;
  private memoryOptions!: MemoryTrendOptions;
  private keepMs = 0;

  constructor(private options: BrokerHealthDetectorOptions = {}) {
    const leak: LeakOptions = { ...DEFAULT_LEAK_OPTIONS, ...options.leak };
    this.leak = new LeakWatch(leak);
    // sized once: the connection windows and the tracked count are not among the settings
    this.perConnection = new ConnectionChannelHistory(
      Math.max(...leak.connectionWindowsMs),
      leak.maxTrackedConnections,
    );
    this.tune(options);
  }

  /**
   * New thresholds (the `detection.broker` settings): judged from the next sample on, with the
   * history and a raised leak suspicion kept — a threshold moving is not the broker changing.
   */
  tune(options: BrokerHealthDetectorOptions): void {
    this.options = options;
    const leak: LeakOptions = { ...DEFAULT_LEAK_OPTIONS, ...options.leak };
    this.leak.setOptions(leak);
    this.memoryOptions = { ...DEFAULT_MEMORY_TREND_OPTIONS, ...options.memory };
    this.connectionRules = {
      windowsMs: leak.connectionWindowsMs,
      minGrowth: leak.connectionMinGrowth,
      minSpanMs: leak.connectionMinSpanMs,
      minPoints: leak.minPoints,
      minSteps: leak.minSteps,
      lateShare: leak.lateShare,
      peerShare: leak.peerShare,
    };
    this.keepMs = Math.max(...leak.windowsMs, this.memoryOptions.windowMs);
  }

  /**
   * Add one sample's figures and return them judged. Samples must come oldest first. `connections`
   * is each connection's channel count in this sample, when the source reads them (all of them,
   * or those with the most channels); without it the per-connection leak rule stays silent.
   */
  assess(health: BrokerHealth, connections?: readonly ConnectionChannels[]): BrokerHealth {
    const last = this.channels.at(-1);
    if (last && health.t < last.t) this.reset();
    else if (last && health.t === last.t) {
      // The same moment again: the newer figures replace the older ones.
      this.channels.pop();
      this.memory.pop();
    }
    this.channels.push({
      t: health.t,
      channels: health.channels,
      connections: health.connections,
      created: health.channelsCreatedPerSec,
      closed: health.channelsClosedPerSec,
    });
    this.memory.push({
      t: health.t,
      used: health.memory.used,
      limit: health.memory.limit,
      alarm: health.memory.alarm,
    });
    this.trim(health.t);
    if (connections) this.perConnection.observe(health.t, connections);
    const connectionLeaks = connections ? this.perConnection.leaks(this.connectionRules) : [];
    const leak = this.leak.judge(this.channels, connectionLeaks);
    const trend = memoryTrend(this.memory, this.memoryOptions);
    const judged: BrokerHealth = {
      ...health,
      memory: { ...health.memory, bytesPerSec: trend.bytesPerSec, alarmInSec: trend.alarmInSec },
      leak: { suspected: leak.suspected, why: leak.why },
    };
    judged.warnings = [...brokerWarnings(judged, this.options), ...health.warnings];
    return judged;
  }

  reset(): void {
    this.channels.length = 0;
    this.memory.length = 0;
    this.leak.reset();
    this.perConnection.reset();
  }

  private trim(now: number): void {
    const from = now - this.keepMs;
    let drop = 0;
    while (drop < this.channels.length && this.channels[drop]!.t < from) drop++;
    if (drop > 0) {
      this.channels.splice(0, drop);
      this.memory.splice(0, drop);
    }
  }
}

/** The banner's sentences, most urgent first. */
export function brokerWarnings(health: BrokerHealth, options: BrokerHealthDetectorOptions = {}): string[] {
  const warnings: string[] = [];
  // The totals, not the list: the list stops at the first 50.
  const blocked = health.blockedConnectionsTotal - health.blockingConnectionsTotal;
  const blockedWords =
    blocked > 0 ? `publishers blocked (${plural(blocked, 'connection')})` : 'publishing is blocked';
  if (health.memory.alarm) warnings.push(`memory alarm: ${blockedWords}`);
  if (health.diskAlarm) warnings.push(`disk alarm: ${blockedWords}`);
  if (health.leak.suspected) warnings.push(`channel leak suspected: ${health.leak.why}`);
  if (health.nearChannelMax.length > 0) warnings.push(nearChannelMaxWarning(health.nearChannelMax));
  const horizon = options.alarmSoonHorizonSec ?? 3600;
  const soon = health.memory.alarmInSec;
  if (!health.memory.alarm && soon !== null && soon <= horizon)
    warnings.push(`memory alarm in ${formatSoon(soon)}`);
  const fd = health.fd;
  if (fd && fd.total > 0 && fd.used >= (options.fdWarnShare ?? 0.9) * fd.total)
    warnings.push(
      `file descriptors: ${formatCount(fd.used)} of ${formatCount(fd.total)} in use (${Math.round((100 * fd.used) / fd.total)}%)`,
    );
  return warnings;
}

/**
 * "connection publisher-7 uses 1,640 of 2,047 channels": the fullest connection, and how many more
 * are near their channel_max. Past it the client cannot open a channel, whether it leaks or not.
 */
export function nearChannelMaxWarning(near: BrokerHealth['nearChannelMax']): string {
  const fullest = [...near].sort((a, b) => b.channels / b.max - a.channels / a.max);
  const top = fullest[0]!;
  const more = fullest.length > 1 ? ` (and ${plural(fullest.length - 1, 'more connection')})` : '';
  return `connection ${top.connection} uses ${formatCount(top.channels)} of ${formatCount(top.max)} channels${more}`;
}
