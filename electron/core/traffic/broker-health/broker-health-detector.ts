/**
 * Detection rules over a short history of one broker's samples: channel leak, near channel_max,
 * memory trend ("alarm soon"), and the sentences for the banner. The source builds the raw figures
 * of each sample; `assess` fills in `leak`, the memory trend and `warnings`.
 */
import type { BrokerHealth } from '../../api';
import { formatCount, formatSoon, plural } from './broker-text';
import { type ChannelPoint, DEFAULT_LEAK_OPTIONS, type LeakOptions, LeakWatch } from './channel-leak';
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
}

/** A connection at or above this share of its channel_max is "near" it. */
export const NEAR_CHANNEL_MAX_SHARE = 0.8;

export class BrokerHealthDetector {
  private readonly channels: ChannelPoint[] = [];
  private readonly memory: MemoryPoint[] = [];
  private readonly leak: LeakWatch;
  private readonly leakOptions: LeakOptions;
  private readonly memoryOptions: MemoryTrendOptions;
  private readonly keepMs: number;

  constructor(private readonly options: BrokerHealthDetectorOptions = {}) {
    this.leakOptions = { ...DEFAULT_LEAK_OPTIONS, ...options.leak };
    this.memoryOptions = { ...DEFAULT_MEMORY_TREND_OPTIONS, ...options.memory };
    this.leak = new LeakWatch(this.leakOptions);
    this.keepMs = Math.max(...this.leakOptions.windowsMs, this.memoryOptions.windowMs);
  }

  /** Add one sample's figures and return them judged. Samples must come oldest first. */
  assess(health: BrokerHealth): BrokerHealth {
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
    const nearMax = health.nearChannelMax;
    const leak = this.leak.judge(this.channels, nearMax);
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
  const blocked = health.blocked.filter((b) => b.state === 'blocked').length;
  const blockedWords =
    blocked > 0 ? `publishers blocked (${plural(blocked, 'connection')})` : 'publishing is blocked';
  if (health.memory.alarm) warnings.push(`memory alarm: ${blockedWords}`);
  if (health.diskAlarm) warnings.push(`disk alarm: ${blockedWords}`);
  if (health.leak.suspected) warnings.push(`channel leak suspected: ${health.leak.why}`);
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
