/**
 * A synthetic RabbitMQ for the memory client (unit tests and the preview page only): memory against a
 * 2 GiB watermark, channels and connections, blocked publishers, queues, and three scenarios:
 *
 *   healthy — flat channels, memory well under the watermark
 *   leak    — the story in DESIGN.md: a publisher opens a channel per publish; channels climb while
 *             connections stay flat, memory follows, "alarm in ~N min", and at the watermark the
 *             memory alarm blocks every publisher
 *   alarm   — memory over the watermark: alarm, publishers blocked
 *
 * The judged fields (leak, memory trend, warnings) imitate the core's rules closely enough for a
 * preview; the core's detector is the reference.
 */
import type { BrokerHealth, BrokerHistory } from '../../electron/core/api';

export type BrokerScenario = 'healthy' | 'leak' | 'alarm';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const WATERMARK = 2 * GiB;
const BASE_MEMORY = 620 * MiB;
const PER_CHANNEL = 150 * 1024;
const CONNECTIONS = 12;
const CHANNEL_MAX = 2047;
const LEAK_PER_SEC = 9;
/** the leak started this long before the client was created */
const LEAK_AGE_MS = 7 * 60_000;
const HISTORY_MS = 15 * 60_000;
const TREND_MS = 5 * 60_000;
const LEAKY_CONNECTION = '10.0.3.7:52144 -> 10.0.1.5:5672';

function soon(seconds: number): string {
  if (seconds < 90) return `~${Math.max(10, Math.round(seconds / 10) * 10)} s`;
  const min = Math.round(seconds / 60);
  return min < 90 ? `~${min} min` : `~${Math.round(min / 60)} h`;
}

export class SimBroker {
  readonly sourceId = 'rabbitmq';
  readonly label = 'RabbitMQ localhost:15672';
  private readonly history: BrokerHistory = {
    t: [],
    memUsed: [],
    memLimit: [],
    channels: [],
    connections: [],
    publishRate: [],
  };
  private latest: BrokerHealth | null = null;
  private readonly leakFrom: number;

  constructor(
    readonly scenario: BrokerScenario,
    start: number,
    intervalMs: number,
    private readonly rand: () => number,
    publishRate: number,
  ) {
    this.leakFrom = start - LEAK_AGE_MS;
    // 15 minutes of history before `start`
    const ticks = Math.floor(HISTORY_MS / intervalMs);
    for (let k = ticks; k > 0; k--) this.sample(start - k * intervalMs, publishRate);
  }

  current(): BrokerHealth[] {
    return this.latest ? [this.latest] : [];
  }

  snapshot(): Record<string, BrokerHistory> {
    const h = this.history;
    return {
      [this.sourceId]: {
        t: [...h.t],
        memUsed: [...h.memUsed],
        memLimit: [...h.memLimit],
        channels: [...h.channels],
        connections: [...h.connections],
        publishRate: [...h.publishRate],
      },
    };
  }

  /** One sample at `t`; `publishRate` is the workload's total (messages/s). */
  sample(t: number, publishRate: number): BrokerHealth {
    const noise = () => (this.rand() - 0.5) * 2;
    const leaking = this.scenario === 'leak' && t >= this.leakFrom;
    const leaked = leaking ? Math.floor(((t - this.leakFrom) / 1000) * LEAK_PER_SEC) : 0;
    const channels = 38 + Math.round(noise() * 2) + leaked;
    let used =
      this.scenario === 'alarm'
        ? WATERMARK * (1.03 + noise() * 0.005)
        : BASE_MEMORY + channels * PER_CHANNEL + noise() * 6 * MiB;
    used = Math.max(0, used);
    const alarm = used >= WATERMARK;
    const h = this.history;
    h.t.push(t);
    h.memUsed.push(used);
    h.memLimit.push(WATERMARK);
    h.channels.push(channels);
    h.connections.push(CONNECTIONS);
    const blockedPublishers = alarm;
    const published = blockedPublishers ? 0 : publishRate;
    h.publishRate.push(published);
    while (h.t.length && h.t[0]! < t - HISTORY_MS) for (const col of Object.values(h)) col.shift();

    // memory trend: least squares over the last 5 minutes, said only when it is steady and rising
    const { slope, steady } = this.trend(t);
    const bytesPerSec = steady ? slope : null;
    const alarmInSec =
      !alarm && bytesPerSec !== null && bytesPerSec > 0 ? (WATERMARK - used) / bytesPerSec : null;
    const leakAgeMin = leaking ? Math.round((t - this.leakFrom) / 60_000) : 0;
    const suspected = leaking && leakAgeMin >= 2;
    const leakyChannels = leaking ? Math.min(CHANNEL_MAX, 3 + leaked) : 3;
    const nearChannelMax =
      leakyChannels >= 0.8 * CHANNEL_MAX
        ? [{ connection: LEAKY_CONNECTION, channels: leakyChannels, max: CHANNEL_MAX }]
        : [];
    const blocked: BrokerHealth['blocked'] = alarm
      ? [
          { name: LEAKY_CONNECTION, user: 'publisher', state: 'blocked' },
          { name: '10.0.3.8:40112 -> 10.0.1.5:5672', user: 'publisher', state: 'blocked' },
          { name: '10.0.3.9:33870 -> 10.0.1.5:5672', user: 'billing', state: 'blocking' },
        ]
      : [];
    const perConnection = channels / CONNECTIONS;
    const health: BrokerHealth = {
      sourceId: this.sourceId,
      label: this.label,
      t,
      version: '3.13.2',
      statsIntervalMs: 5000,
      memory: { used, limit: WATERMARK, alarm, bytesPerSec, alarmInSec },
      diskAlarm: false,
      alarms: alarm ? ['memory resource limit alarm set on node rabbit@mq-1'] : [],
      connections: CONNECTIONS,
      channels,
      channelsPerConnection: perConnection,
      channelsCreatedPerSec: leaking ? LEAK_PER_SEC + noise() * 0.5 : 0.4 + this.rand() * 0.2,
      channelsClosedPerSec: leaking ? 0.1 : 0.4 + this.rand() * 0.2,
      leak: {
        suspected,
        why: suspected
          ? `channels +${LEAK_PER_SEC}/s for ${leakAgeMin} min while connections stayed at ${CONNECTIONS}; ${Math.round(perConnection).toLocaleString('en-US')} channels per connection`
          : '',
      },
      nearChannelMax,
      blocked,
      blockedConnectionsTotal: blocked.length,
      blockingConnectionsTotal: blocked.filter((b) => b.state === 'blocking').length,
      queues: {
        count: 24,
        messages: blockedPublishers ? 48_210 : 12_840,
        deepest: [
          { vhost: '/', name: 'events.acme', messages: blockedPublishers ? 31_002 : 8_400 },
          { vhost: '/', name: 'events.globex', messages: 2_310 },
          { vhost: 'billing', name: 'invoices.retry', messages: 1_204 },
          { vhost: '/', name: 'events.initech', messages: 96 },
        ],
      },
      publishRate: published,
      deliverRate: published * 0.98,
      fd: { used: 180 + CONNECTIONS * 2, total: 1_048_576 },
      warnings: [],
    };
    const warnings: string[] = [];
    const blockedCount = blocked.filter((b) => b.state === 'blocked').length;
    if (alarm) warnings.push(`memory alarm: publishers blocked (${blockedCount} connections)`);
    if (suspected) warnings.push(`channel leak suspected: ${health.leak.why}`);
    if (alarmInSec !== null && alarmInSec <= 3600) warnings.push(`memory alarm in ${soon(alarmInSec)}`);
    if (nearChannelMax.length)
      warnings.push(`${LEAKY_CONNECTION} has ${leakyChannels} of its ${CHANNEL_MAX} channels open`);
    health.warnings = warnings;
    this.latest = health;
    return health;
  }

  private trend(now: number): { slope: number; steady: boolean } {
    const { t, memUsed } = this.history;
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = t.length - 1; i >= 0 && t[i]! >= now - TREND_MS; i--) {
      const x = (t[i]! - now) / 1000;
      const y = memUsed[i]!;
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const d = n * sxx - sx * sx;
    if (n < 10 || d === 0) return { slope: 0, steady: false };
    const slope = (n * sxy - sx * sy) / d;
    // steady enough: the rise explains the samples better than their noise (a rough stand-in)
    return { slope, steady: Math.abs(slope) > 64 * 1024 };
  }
}
