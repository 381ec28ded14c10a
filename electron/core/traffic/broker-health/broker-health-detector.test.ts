import { describe, expect, it } from 'vitest';
import type { BrokerHealth } from '../../api';
import { BrokerHealthDetector, brokerWarnings } from './broker-health-detector';
import { judgeLeak } from './channel-leak';
import type { ConnectionChannels } from './connection-channels';
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
    const verdict = judgeLeak(points);
    expect(verdict.suspected).toBe(true);
    expect(verdict.why).toBe(
      'channels created 10/s but closed only 4/s while connections stayed at 5 (channels 50 → 100 in 10 s)',
    );
  });

  it('is not raised by a connection near its channel_max alone: that is a warning of its own', () => {
    const detector = new BrokerHealthDetector();
    // A legitimate connection that has held 1,640 channels for a minute: no growth, no leak.
    let h: BrokerHealth | null = null;
    for (let s = 0; s <= 60; s += 5)
      h = detector.assess(
        brokerHealth({
          t: T0 + s * 1000,
          channels: 1_650,
          connections: 3,
          nearChannelMax: [{ connection: 'batch-loader', channels: 1_640, max: 2_047 }],
        }),
      );
    expect(h!.leak).toEqual({ suspected: false, why: '' });
    expect(h!.warnings).toEqual(['connection batch-loader uses 1,640 of 2,047 channels']);
  });

  it('names the fullest connection near its channel_max, and how many more there are', () => {
    const h = new BrokerHealthDetector().assess(
      brokerHealth({
        t: T0,
        channels: 3_400,
        connections: 3,
        nearChannelMax: [
          { connection: 'leaky-publisher#3', channels: 1_650, max: 2_047 },
          { connection: 'leaky-publisher#2', channels: 1_700, max: 2_047 },
        ],
      }),
    );
    expect(h.leak.suspected).toBe(false);
    expect(h.warnings).toEqual([
      'connection leaky-publisher#2 uses 1,700 of 2,047 channels (and 1 more connection)',
    ]);
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

/**
 * A big broker, sampled every second as the RabbitMQ source reads it: the totals, the created/closed
 * rates, and the 100 connections with the most channels. Normal traffic opens and closes ~100
 * channels a second across 200 connections, each holding 3–7 (and a few pools of 20–40); one
 * connection may be leaking. With `connectionChurn`, one connection a second is replaced by a new one.
 */
function bigBroker(opts: {
  seconds: number;
  leakFrom?: number;
  leakPerSec?: number;
  counters?: boolean;
  perConnection?: boolean;
  connectionChurn?: boolean;
  seed?: number;
}): { health: BrokerHealth; connections: ConnectionChannels[] | undefined }[] {
  const random = seeded(opts.seed ?? 11);
  let serial = 0;
  const open = (i: number) => ({
    name: `10.1.${serial++}:5672`,
    label: i === 17 ? 'leaky-publisher' : `svc-${i}`,
  });
  const conns = Array.from({ length: 200 }, (_, i) => ({
    ...open(i),
    pool: i % 50 === 0 ? 30 : 5,
    channels: 5,
  }));
  let total = conns.reduce((sum, c) => sum + c.channels, 0);
  const out: { health: BrokerHealth; connections: ConnectionChannels[] | undefined }[] = [];
  for (let s = 0; s <= opts.seconds; s++) {
    let created = 0;
    let closed = 0;
    if (opts.connectionChurn && s > 0) {
      const i = 1 + Math.floor(random() * 199);
      if (i !== 17) {
        closed += conns[i]!.channels;
        conns[i] = { ...open(i), pool: conns[i]!.pool, channels: 0 };
      }
    }
    for (const [i, c] of conns.entries()) {
      const leaking = opts.leakFrom !== undefined && i === 17 && s > opts.leakFrom;
      // Each connection drifts back toward its pool size: channels opened and closed, none kept.
      const target = c.pool + Math.round((random() - 0.5) * (c.pool > 5 ? 20 : 4));
      const next = leaking ? c.channels + (opts.leakPerSec ?? 20) : Math.max(0, target);
      const opened = Math.max(0, next - c.channels) + (leaking ? 0 : Math.floor(random() * 1.0));
      created += opened;
      closed += opened - (next - c.channels);
      c.channels = next;
    }
    // The rest of normal churn: channels opened and closed within the second.
    const passing = 80 + Math.round(random() * 20);
    created += passing;
    closed += passing;
    total = conns.reduce((sum, c) => sum + c.channels, 0);
    const top = [...conns].sort((a, b) => b.channels - a.channels).slice(0, 100);
    out.push({
      health: brokerHealth({
        t: T0 + s * 1000,
        channels: total,
        connections: conns.length,
        created: opts.counters === false ? null : created,
        closed: opts.counters === false ? null : closed,
      }),
      connections:
        opts.perConnection === false
          ? undefined
          : top.map((c) => ({ name: c.name, label: c.label, channels: c.channels })),
    });
  }
  return out;
}

describe('channel leak on a big broker', () => {
  it('names the one leaking connection among 200, within seconds, from its own channel count', () => {
    const detector = new BrokerHealthDetector();
    // No created/closed counters: only the per-connection rule can see it.
    const judged = bigBroker({ seconds: 180, leakFrom: 120, counters: false }).map((s) =>
      detector.assess(s.health, s.connections),
    );
    const first = judged.findIndex((h) => h.leak.suspected);
    expect(judged.slice(0, 121).every((h) => !h.leak.suspected)).toBe(true);
    expect(first).toBeGreaterThan(120);
    expect(first).toBeLessThanOrEqual(120 + 15);
    expect(judged[first]!.leak.why).toMatch(
      /^connection leaky-publisher: channels \d → [\d,]+ in \d+ s \(\+[\d.]+\/s\) while 99 other connections stayed flat$/,
    );
    // A minute in, it says how fast the connection leaks.
    expect(judged.at(-1)!.warnings[0]).toMatch(
      /^channel leak suspected: connection leaky-publisher: channels \d → 1,2\d\d in \d+ s \(\+20\/s\)/,
    );
  });

  it('judges churn by net growth: 120 created and 100 closed a second is a leak', () => {
    const detector = new BrokerHealthDetector();
    // Counters, no per-connection counts: the churn rule alone.
    const judged = bigBroker({ seconds: 180, leakFrom: 120, perConnection: false }).map((s) =>
      detector.assess(s.health, s.connections),
    );
    const first = judged.findIndex((h) => h.leak.suspected);
    expect(first).toBeGreaterThan(120);
    expect(first).toBeLessThanOrEqual(120 + 15);
    expect(judged[first]!.leak.why).toMatch(
      /^channels created [\d,]+\/s but closed only [\d,]+\/s while connections stayed at 200 \(channels [\d,]+ → [\d,]+ in 10 s\)$/,
    );
  });

  it('takes thresholds tuned while it runs from the next sample on, judging the history it kept', () => {
    const detector = new BrokerHealthDetector({ leak: { churnNetPerSec: 1_000 } });
    const samples = bigBroker({ seconds: 180, leakFrom: 120, perConnection: false });
    const judged = samples.slice(0, 170).map((s) => detector.assess(s.health, s.connections));
    expect(judged.some((h) => h.leak.suspected)).toBe(false);
    detector.tune({});
    const next = samples[170]!;
    expect(detector.assess(next.health, next.connections).leak.suspected).toBe(true);
  });

  it('says both, the connection first, when the source gives both', () => {
    const detector = new BrokerHealthDetector();
    const last = bigBroker({ seconds: 150, leakFrom: 120 })
      .map((s) => detector.assess(s.health, s.connections))
      .at(-1)!;
    expect(last.leak.why).toMatch(/^connection leaky-publisher: .*; channels created /);
  });

  it('is not raised by many connections with steady churn, connections coming and going', () => {
    for (const seed of [1, 2, 3]) {
      const detector = new BrokerHealthDetector();
      const samples = bigBroker({ seconds: 600, connectionChurn: true, seed });
      for (const [s, sample] of samples.entries()) {
        const h = detector.assess(sample.health, sample.connections);
        expect(h.leak.suspected, `seed ${seed} at ${s} s: ${h.leak.why}`).toBe(false);
      }
    }
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

  /**
   * The incident's shape: calm for minutes, then a sudden climb. One line over 5 minutes fitted this
   * with r² 0.40 when the alarm hit: no warning ever. `noise` is ± bytes around the line.
   */
  const calmThenClimb = (opts: {
    calmSec: number;
    base: number;
    slope: number;
    limit: number;
    noise: number;
    seed: number;
  }) => {
    const random = seeded(opts.seed);
    const out: { t: number; used: number; limit: number; alarm: boolean }[] = [];
    for (let s = 0; ; s++) {
      const climb = Math.max(0, s - opts.calmSec) * opts.slope;
      const used = opts.base + climb + (random() - 0.5) * 2 * opts.noise;
      out.push({ t: T0 + s * 1000, used, limit: opts.limit, alarm: used >= opts.limit });
      if (used >= opts.limit) return out;
    }
  };

  /** Every tick's "alarm in" against the truth (seconds until the series actually alarmed). */
  const projections = (series: ReturnType<typeof calmThenClimb>) => {
    const alarmAt = series.at(-1)!.t;
    const out: { t: number; estimate: number; truth: number }[] = [];
    for (let i = 1; i < series.length; i++) {
      const estimate = memoryTrend(series.slice(0, i)).alarmInSec;
      if (estimate !== null)
        out.push({ t: series[i - 1]!.t, estimate, truth: (alarmAt - series[i - 1]!.t) / 1000 });
    }
    return out;
  };

  it('warns well before the alarm after a calm spell and a sudden climb, close to the truth', () => {
    for (const seed of [1, 2, 3]) {
      // 5 min flat at 150 MB, then +11 MB/s toward an 800 MB watermark: the alarm ~59 s into the climb.
      const series = calmThenClimb({
        calmSec: 300,
        base: 150e6,
        slope: 11e6,
        limit: 800e6,
        noise: 2e6,
        seed,
      });
      const seen = projections(series);
      expect(seen.length, `seed ${seed}`).toBeGreaterThan(0);
      const first = seen[0]!;
      // Nothing during the calm; the warning within ~25 s of the climb, with half a minute to spare.
      expect(first.t - T0, `seed ${seed}`).toBeGreaterThan(300_000);
      expect(first.t - T0, `seed ${seed}`).toBeLessThanOrEqual(325_000);
      expect(first.truth, `seed ${seed}`).toBeGreaterThanOrEqual(30);
      // Within 25% of the truth from the first warning on (while there is time to act).
      for (const p of seen.filter((p) => p.truth >= 10))
        expect(Math.abs(p.estimate - p.truth) / p.truth, `seed ${seed} at ${p.t - T0} ms`).toBeLessThan(0.25);
    }
  });

  it('estimates a slow leak after a calm spell close to the truth, within a minute of its start', () => {
    for (const seed of [1, 2, 3]) {
      // 1 MB/s after 5 calm minutes, 500 MB below the watermark: the alarm ~500 s into the leak.
      const series = calmThenClimb({ calmSec: 300, base: 150e6, slope: 1e6, limit: 650e6, noise: 1e6, seed });
      const seen = projections(series);
      const first = seen[0]!;
      expect(first.t - T0, `seed ${seed}`).toBeLessThanOrEqual(360_000);
      expect(Math.abs(first.estimate - first.truth) / first.truth, `seed ${seed}`).toBeLessThan(0.2);
      for (const p of seen.filter((p) => p.t - T0 >= 360_000 && p.truth >= 30))
        expect(Math.abs(p.estimate - p.truth) / p.truth, `seed ${seed} at ${p.t - T0} ms`).toBeLessThan(0.1);
    }
  });

  it('fits only since the climb began, and says how long that is', () => {
    const series = calmThenClimb({
      calmSec: 300,
      base: 150e6,
      slope: 11e6,
      limit: 800e6,
      noise: 0.5e6,
      seed: 4,
    });
    // 40 s into the climb.
    const trend = memoryTrend(series.filter((p) => p.t <= T0 + 340_000));
    expect(trend.bytesPerSec).toBeGreaterThan(10.5e6);
    expect(trend.bytesPerSec).toBeLessThan(11.5e6);
    expect(trend.fitSpanSec).toBeGreaterThanOrEqual(38);
    expect(trend.fitSpanSec).toBeLessThanOrEqual(42);
  });

  it('never gives an estimate for flat noisy memory, at any tick, however it is sampled', () => {
    for (const seed of [1, 2, 3, 4]) {
      for (const refreshMs of [1_000, 5_000]) {
        const random = seeded(seed);
        const points: { t: number; used: number; limit: number; alarm: boolean }[] = [];
        let used = 150e6;
        // 15 minutes of 250 ms ticks; the broker refreshes every `refreshMs`, ±20 MB around 150 MB.
        for (let ms = 0; ms <= 15 * 60_000; ms += 250) {
          if (ms % refreshMs === 0) used = 150e6 + (random() - 0.5) * 40e6;
          points.push({ t: T0 + ms, used, limit: 800e6, alarm: false });
          while (points[0]!.t < T0 + ms - 5 * 60_000) points.shift();
          const trend = memoryTrend(points);
          expect(trend.alarmInSec, `seed ${seed}, ${refreshMs} ms refresh, at ${ms} ms`).toBeNull();
        }
      }
    }
  });

  it('gives no estimate for the garbage-collection saw-tooth once a tooth has been seen', () => {
    // 100 MB climbs over 2 min, then a collection drops it back: each climb alone looks steady.
    const random = seeded(5);
    const series = Array.from({ length: 15 * 60 + 1 }, (_, s) => ({
      t: T0 + s * 1000,
      used: 150e6 + ((s % 120) / 120) * 100e6 + (random() - 0.5) * 2e6,
      limit: 300e6,
      alarm: false,
    }));
    for (let i = 130; i <= series.length; i++)
      expect(memoryTrend(series.slice(0, i)).alarmInSec, `at ${i} s`).toBeNull();
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
    expect(
      brokerWarnings({ ...h, blocked: [], blockedConnectionsTotal: 0, blockingConnectionsTotal: 0 }),
    ).toEqual(['memory alarm: publishing is blocked']);
  });

  it('counts blocked publishers from the totals, not from the list (which stops at 50)', () => {
    const h = brokerHealth({
      t: T0,
      used: 565e6,
      limit: 50e6,
      blocked: Array.from({ length: 50 }, (_, i) => ({
        name: `p${i}`,
        user: 'guest',
        state: 'blocked' as const,
      })),
    });
    const judged = { ...h, blockedConnectionsTotal: 9_000, blockingConnectionsTotal: 1_000 };
    expect(brokerWarnings(judged)).toEqual(['memory alarm: publishers blocked (8,000 connections)']);
  });

  it('mentions file descriptors close to the limit', () => {
    expect(brokerWarnings(brokerHealth({ t: T0, fd: { used: 950, total: 1024 } }))).toEqual([
      'file descriptors: 950 of 1,024 in use (93%)',
    ]);
  });
});
