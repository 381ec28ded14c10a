import { describe, expect, it } from 'vitest';
import type { BrokerHealth } from '../../api';
import { BrokerHealthDetector, brokerWarnings } from './broker-health-detector';
import { judgeLeak } from './channel-leak';
import { memoryTrend } from './memory-trend';
import { brokerHealth, seeded } from './testing';

const T0 = 1_795_632_000_000;
const KIB64 = 64 * 1024;

/**
 * The incident, as reproduced (shared/reference/README.md): a publisher opening a channel per
 * publish on 3 connections — channels 7 → 6,013 in 35 s, ~64 KiB of broker memory each — with a
 * watermark that the growth crosses at ~4,000 channels. Sampled every second, after 20 s of calm.
 */
function incident(options: { churn?: boolean } = {}): BrokerHealth[] {
  const base = 150e6;
  const limit = base + 4_000 * KIB64;
  const out: BrokerHealth[] = [];
  for (let s = -20; s <= 35; s++) {
    const channels = s <= 0 ? 7 : Math.round(7 + (6_006 * s) / 35);
    const used = base + (channels - 7) * KIB64;
    const alarm = used >= limit;
    out.push(
      brokerHealth({
        t: T0 + s * 1000,
        channels,
        connections: 3,
        used,
        limit,
        alarm,
        created: options.churn ? (s <= 0 ? 0.2 : 175) : null,
        closed: options.churn ? (s <= 0 ? 0.2 : 3.6) : null,
        blocked: alarm
          ? [
              { name: 'leaky-publisher', user: 'guest', state: 'blocked' },
              { name: 'publisher/tenant=t3', user: 'guest', state: 'blocked' },
              { name: 'consumer/all-tenants', user: 'guest', state: 'blocking' },
            ]
          : [],
      }),
    );
  }
  return out;
}

describe('channel leak', () => {
  it('raises the leak warning in the incident well before the memory alarm', () => {
    const detector = new BrokerHealthDetector();
    const judged = incident().map((h) => detector.assess(h));
    const firstLeak = judged.findIndex((h) => h.leak.suspected);
    const firstAlarm = judged.findIndex((h) => h.memory.alarm);
    expect(firstLeak).toBeGreaterThan(0);
    expect(firstAlarm).toBeGreaterThan(0);
    expect(firstLeak).toBeLessThan(firstAlarm);
    // Within the first seconds of the growth (it starts at index 21).
    expect(judged[firstLeak]!.t - T0).toBeLessThanOrEqual(6_000);
    expect(
      judged[firstLeak]!.warnings.some((w) => w.startsWith('channel leak suspected: channels 7 → ')),
    ).toBe(true);
    // Nothing before the growth.
    for (const h of judged.slice(0, 21)) expect(h.leak.suspected).toBe(false);
  });

  it('explains itself in words', () => {
    const detector = new BrokerHealthDetector();
    const last = incident()
      .map((h) => detector.assess(h))
      .at(-1)!;
    expect(last.leak.why).toBe('channels 7 → 6,013 in 35 s while connections stayed at 3 (+172/s)');
    // At the end the alarm is on: the most urgent sentence first, then the leak.
    expect(last.warnings[0]).toBe('memory alarm: publishers blocked (2 connections)');
    expect(last.warnings[1]).toBe(`channel leak suspected: ${last.leak.why}`);
  });

  it('adds the churn when the broker gives channel created/closed counters', () => {
    const detector = new BrokerHealthDetector();
    const last = incident({ churn: true })
      .map((h) => detector.assess(h))
      .at(-1)!;
    expect(last.leak.why).toBe(
      'channels 7 → 6,013 in 35 s while connections stayed at 3 (+172/s); created 175/s, closed 3.6/s',
    );
  });

  it('is not raised when connections grow with channels (more publishers, each with its channels)', () => {
    const detector = new BrokerHealthDetector();
    for (let s = 0; s <= 120; s++) {
      const connections = 3 + Math.round(s * 25);
      const h = detector.assess(
        brokerHealth({
          t: T0 + s * 1000,
          channels: connections * 2 + 1,
          connections,
          created: 50,
          closed: 0,
        }),
      );
      expect(h.leak.suspected, `at ${s} s`).toBe(false);
    }
  });

  it('is not raised by a burst of channels at start-up that then stays flat', () => {
    const detector = new BrokerHealthDetector();
    for (let s = 0; s <= 120; s++) {
      const channels = s < 2 ? 7 : s < 4 ? 300 : 400;
      const h = detector.assess(brokerHealth({ t: T0 + s * 1000, channels, connections: 4 }));
      expect(h.leak.suspected, `at ${s} s`).toBe(false);
    }
  });

  it('is raised by channels created outpacing closed while connections are flat', () => {
    const points = Array.from({ length: 13 }, (_, s) => ({
      t: T0 + s * 1000,
      channels: 40 + s * 5,
      connections: 5,
      created: 10,
      closed: 4,
    }));
    const verdict = judgeLeak(points, []);
    expect(verdict.suspected).toBe(true);
    expect(verdict.why).toBe(
      'channels created 10/s but closed only 4/s while connections stayed at 5 (channels 50 → 100 in 10 s)',
    );
  });

  it('is raised when one connection nears its channel_max', () => {
    const detector = new BrokerHealthDetector();
    const h = detector.assess(
      brokerHealth({
        t: T0,
        channels: 1_710,
        connections: 3,
        nearChannelMax: [
          { connection: 'leaky-publisher#2', channels: 1_700, max: 2_047 },
          { connection: 'leaky-publisher#3', channels: 1_650, max: 2_047 },
        ],
      }),
    );
    expect(h.leak.suspected).toBe(true);
    expect(h.leak.why).toBe('connection leaky-publisher#2 has 1,700 of 2,047 channels (83%) (and 1 more)');
  });

  it('holds for a pause in the growth, and clears when channels fall back', () => {
    const detector = new BrokerHealthDetector();
    const run = incident();
    for (const h of run) detector.assess(h);
    const end = run.at(-1)!.t;
    // Growth stops; channels stay: still suspected within the hold.
    const paused = detector.assess(brokerHealth({ t: end + 20_000, channels: 6_013, connections: 3 }));
    expect(paused.leak.suspected).toBe(true);
    // The leaking publisher is restarted: channels back to normal.
    const fixed = detector.assess(brokerHealth({ t: end + 25_000, channels: 9, connections: 3 }));
    expect(fixed.leak.suspected).toBe(false);
  });
});

describe('memory trend (alarm soon)', () => {
  const steady = (opts: {
    slope: number;
    noise: number;
    seconds: number;
    headroom: number;
    seed?: number;
  }) => {
    const random = seeded(opts.seed ?? 7);
    const start = 2e9;
    const limit = start + opts.slope * opts.seconds + opts.headroom;
    return Array.from({ length: opts.seconds + 1 }, (_, s) => ({
      t: T0 + s * 1000,
      used: start + opts.slope * s + (random() - 0.5) * 2 * opts.noise,
      limit,
      alarm: false,
    }));
  };

  it('projects a steady rise to the watermark', () => {
    // 1 MB/s with ±0.2 MB of noise, 540 MB below the watermark → ~9 min.
    const trend = memoryTrend(steady({ slope: 1e6, noise: 0.2e6, seconds: 180, headroom: 540e6 }));
    expect(trend.r2).toBeGreaterThan(0.99);
    expect(trend.bytesPerSec).toBeCloseTo(1e6, -4);
    expect(trend.alarmInSec).toBeGreaterThan(520);
    expect(trend.alarmInSec).toBeLessThan(560);
  });

  it('says nothing for a noisy series (garbage collection saw-tooth)', () => {
    const trend = memoryTrend(steady({ slope: 0.1e6, noise: 60e6, seconds: 180, headroom: 500e6 }));
    expect(trend.r2).toBeLessThan(0.8);
    expect(trend.bytesPerSec).toBeNull();
    expect(trend.alarmInSec).toBeNull();
  });

  it('gives no alarm time for a flat or falling memory', () => {
    expect(memoryTrend(steady({ slope: 0, noise: 1e6, seconds: 120, headroom: 1e9 })).alarmInSec).toBeNull();
    const falling = memoryTrend(steady({ slope: -2e6, noise: 0.1e6, seconds: 120, headroom: 1e9 }));
    expect(falling.bytesPerSec).toBeLessThan(0);
    expect(falling.alarmInSec).toBeNull();
  });

  it('waits for enough history before judging', () => {
    expect(memoryTrend(steady({ slope: 1e6, noise: 0, seconds: 10, headroom: 1e8 })).alarmInSec).toBeNull();
  });

  it('says "memory alarm in ~9 min" in the warnings', () => {
    const detector = new BrokerHealthDetector();
    let last: BrokerHealth | null = null;
    for (const p of steady({ slope: 1e6, noise: 0.2e6, seconds: 180, headroom: 540e6 }))
      last = detector.assess(brokerHealth({ t: p.t, used: p.used, limit: p.limit }));
    expect(last!.memory.alarmInSec).not.toBeNull();
    expect(last!.warnings).toEqual(['memory alarm in ~9 min']);
  });
});

describe('warnings', () => {
  it('says how many publishers the memory alarm blocks', () => {
    const h = brokerHealth({
      t: T0,
      used: 565e6,
      limit: 50e6,
      blocked: [
        { name: 'a', user: 'guest', state: 'blocked' },
        { name: 'b', user: 'guest', state: 'blocked' },
        { name: 'c', user: 'guest', state: 'blocking' },
      ],
    });
    expect(brokerWarnings(h)).toEqual(['memory alarm: publishers blocked (2 connections)']);
    expect(brokerWarnings({ ...h, blocked: [] })).toEqual(['memory alarm: publishing is blocked']);
  });

  it('mentions file descriptors close to the limit', () => {
    expect(brokerWarnings(brokerHealth({ t: T0, fd: { used: 950, total: 1024 } }))).toEqual([
      'file descriptors: 950 of 1,024 in use (93%)',
    ]);
  });
});
