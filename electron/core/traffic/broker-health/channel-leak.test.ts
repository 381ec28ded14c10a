import { describe, expect, it } from 'vitest';
import type { BrokerHealth } from '../../api';
import { BrokerHealthDetector } from './broker-health-detector';
import { type ChannelPoint, DEFAULT_LEAK_OPTIONS, judgeLeak, LeakWatch } from './channel-leak';
import type { ConnectionLeak } from './connection-channels';
import { brokerHealth, seeded } from './testing';

const T0 = 1_795_632_000_000;

/** One sample a second from second `from` to `to`; the broker's counters are absent unless given. */
function series(
  from: number,
  to: number,
  at: (s: number) => Partial<Omit<ChannelPoint, 't'>>,
): ChannelPoint[] {
  const out: ChannelPoint[] = [];
  for (let s = from; s <= to; s++)
    out.push({ t: T0 + s * 1000, channels: 7, connections: 3, created: null, closed: null, ...at(s) });
  return out;
}

/** The verdict at every tick, as the detector asks it: each tick sees only its past. */
function verdicts(points: readonly ChannelPoint[]) {
  return points.map((_, i) => judgeLeak(points.slice(0, i + 1)));
}

const leakOf = (connection: string, overrides: Partial<ConnectionLeak> = {}): ConnectionLeak => ({
  connection,
  from: 5,
  to: 605,
  spanMs: 30_000,
  perSec: 20,
  peers: 19,
  ...overrides,
});

describe('the count rule: channels keep rising while connections do not', () => {
  it('fires on steady growth on flat connections and says by how much, over what span, how fast', () => {
    // 20 s of calm, then +10 channels a second on the same 3 connections for 20 s
    const points = series(-20, 20, (s) => ({ channels: s <= 0 ? 10 : 10 + 10 * s }));
    const verdict = judgeLeak(points);
    expect(verdict).toEqual({
      suspected: true,
      why: 'channels 10 → 210 in 20 s while connections stayed at 3 (+10/s)',
      channelsPerSec: 10,
    });
    // nothing during the calm
    expect(verdicts(points.slice(0, 21)).every((v) => !v.suspected)).toBe(true);
  });

  it('adds the created/closed rates of the last seconds when the broker gives them', () => {
    const points = series(-20, 20, (s) => ({
      channels: s <= 0 ? 10 : 10 + 10 * s,
      created: s <= 0 ? 0 : 12,
      closed: s <= 0 ? 0 : 2,
    }));
    expect(judgeLeak(points).why).toBe(
      'channels 10 → 210 in 20 s while connections stayed at 3 (+10/s); created 12/s, closed 2/s',
    );
  });

  it('stays quiet when connections grow with the channels (more publishers, each with its channels)', () => {
    // 3 → 63 connections of 5 channels each: +300 channels, but none more per connection
    const points = series(0, 60, (s) => ({ connections: 3 + s, channels: 5 * (3 + s) }));
    expect(verdicts(points).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet when the rise per connection is small on a broker with many connections', () => {
    // +200 channels over a minute on 100 connections: 10 → 12 per connection, within ordinary use
    const points = series(0, 60, (s) => ({ connections: 100, channels: 1_000 + Math.round((200 * s) / 60) }));
    expect(verdicts(points).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet for a burst of channels at start-up that then holds', () => {
    const points = series(0, 120, (s) => ({ channels: s < 2 ? 7 : s < 4 ? 400 : 500 }));
    expect(verdicts(points).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet for growth below the threshold', () => {
    const growth = DEFAULT_LEAK_OPTIONS.minGrowth - 10;
    const points = series(0, 30, (s) => ({ channels: 7 + Math.round((growth * s) / 30) }));
    expect(verdicts(points).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet on ordinary noise: channels opened and closed all the time around a steady level', () => {
    for (const seed of [1, 2, 3]) {
      const random = seeded(seed);
      // 40 connections holding ~5 channels each, ±20 channels a second, ~100 created and closed a second
      const points = series(0, 600, () => {
        const passing = 90 + Math.round(random() * 20);
        const wobble = Math.round((random() - 0.5) * 40);
        return { connections: 40, channels: 200 + wobble, created: passing + 3, closed: passing + 3 };
      });
      for (let i = 0; i < points.length; i++) {
        const verdict = judgeLeak(points.slice(Math.max(0, i - 900), i + 1));
        expect(verdict.suspected, `seed ${seed} at ${i} s: ${verdict.why}`).toBe(false);
      }
    }
  });
});

describe('the churn rule: channels created outpace channels closed', () => {
  /** A big broker: 200 connections, 2,000 channels, 100 opened and closed a second. */
  const big = (at: (s: number) => Partial<Omit<ChannelPoint, 't'>>) =>
    series(0, 30, (s) => ({ connections: 200, channels: 2_000, created: 100, closed: 100, ...at(s) }));

  it('fires on net growth that the count rule cannot see (diluted over many connections)', () => {
    // a leak of 20 a second from second 15: 120 created, 100 closed
    const points = big((s) =>
      s <= 15 ? {} : { channels: 2_000 + 20 * (s - 15), created: 120, closed: 100 },
    );
    const verdict = judgeLeak(points.slice(0, 27)); // 11 s into the leak
    expect(verdict.suspected).toBe(true);
    expect(verdict.why).toBe(
      'channels created 120/s but closed only 100/s while connections stayed at 200 (channels 2,020 → 2,220 in 10 s)',
    );
    expect(verdict.channelsPerSec).toBe(20);
    // not before the leak, nor before both halves of the last 10 s show it
    expect(verdicts(points.slice(0, 21)).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet when the excess of created over closed is a one-off burst, not throughout', () => {
    // 300 channels opened within one sample, then ordinary churn again; the count stays up
    const points = big((s) =>
      s < 20 ? {} : s === 20 ? { channels: 2_300, created: 400 } : { channels: 2_300 },
    );
    expect(verdicts(points).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet for a burst that straddles the middle of the window, or that 5 s rates smear', () => {
    // 300 channels over two samples, at 250 created and 100 closed a second
    const straddling = big((s) =>
      s < 19
        ? {}
        : s === 19
          ? { channels: 2_150, created: 250 }
          : s === 20
            ? { channels: 2_300, created: 250 }
            : { channels: 2_300 },
    );
    expect(verdicts(straddling).filter((v) => v.suspected)).toEqual([]);
    // the same burst as a broker with 5 s stats reports it: one rate held for five samples
    const smeared = big((s) =>
      s < 18 ? {} : s < 23 ? { channels: 2_000 + 60 * (s - 17), created: 160 } : { channels: 2_300 },
    );
    expect(verdicts(smeared).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet when new connections bring the new channels with them', () => {
    // 2 connections more a second, each with its 10 channels: +20 channels a second, created > closed
    const points = big((s) =>
      s <= 15
        ? {}
        : { connections: 200 + 2 * (s - 15), channels: 2_000 + 20 * (s - 15), created: 120, closed: 100 },
    );
    expect(verdicts(points).filter((v) => v.suspected)).toEqual([]);
  });

  it('stays quiet when the counters say net growth but the count does not rise', () => {
    const points = big((s) => (s <= 15 ? {} : { created: 120, closed: 100 }));
    expect(verdicts(points).filter((v) => v.suspected)).toEqual([]);
  });
});

describe('the one-connection rule', () => {
  it('names the leaking connection first, with how many more there are', () => {
    const points = series(0, 30, () => ({ connections: 20, channels: 100 }));
    const verdict = judgeLeak(points, DEFAULT_LEAK_OPTIONS, [
      leakOf('leaky-publisher'),
      leakOf('other-leaker', { perSec: 2 }),
    ]);
    expect(verdict).toEqual({
      suspected: true,
      why: 'connection leaky-publisher: channels 5 → 605 in 30 s (+20/s) while 19 other connections stayed flat (and 1 more connection)',
      channelsPerSec: 20,
    });
  });

  it('puts the connection before the broker-wide count when both fire', () => {
    const points = series(-20, 20, (s) => ({ channels: s <= 0 ? 10 : 10 + 10 * s }));
    const verdict = judgeLeak(points, DEFAULT_LEAK_OPTIONS, [leakOf('leaky-publisher', { peers: 2 })]);
    expect(verdict.why).toBe(
      'connection leaky-publisher: channels 5 → 605 in 30 s (+20/s) while 2 other connections stayed flat; channels 10 → 210 in 20 s while connections stayed at 3 (+10/s)',
    );
    // the broker-wide rate, measured over the whole evidence span, is the one given
    expect(verdict.channelsPerSec).toBe(10);
  });
});

describe('LeakWatch: a raised suspicion holds through a pause', () => {
  const leak = series(-20, 20, (s) => ({ channels: s <= 0 ? 10 : 10 + 10 * s }));
  const withSampleAfter = (ms: number, channels: number) => [
    ...leak,
    { t: leak.at(-1)!.t + ms, channels, connections: 3, created: null, closed: null },
  ];

  it('holds for the hold time while the channels stay, then lets go', () => {
    const watch = new LeakWatch();
    expect(watch.judge(leak).suspected).toBe(true);
    // the growth pauses: the pure verdict is quiet, the watch still holds it, with the same words
    const paused = withSampleAfter(30_000, 210);
    expect(judgeLeak(paused).suspected).toBe(false);
    expect(watch.judge(paused)).toEqual(judgeLeak(leak));
    expect(watch.judge(withSampleAfter(DEFAULT_LEAK_OPTIONS.holdMs, 210)).suspected).toBe(true);
    expect(watch.judge(withSampleAfter(DEFAULT_LEAK_OPTIONS.holdMs + 1_000, 210)).suspected).toBe(false);
  });

  it('lets go at once when the channels fall back (the leaking publisher was restarted)', () => {
    const watch = new LeakWatch();
    watch.judge(leak);
    expect(watch.judge(withSampleAfter(5_000, 20)).suspected).toBe(false);
    // and does not come back on its own
    expect(watch.judge(withSampleAfter(10_000, 20)).suspected).toBe(false);
  });

  it('forgets a suspicion on reset', () => {
    const watch = new LeakWatch();
    watch.judge(leak);
    watch.reset();
    expect(watch.judge(withSampleAfter(30_000, 210)).suspected).toBe(false);
  });
});

describe('a connection near its channel_max', () => {
  it('is a warning of its own, never a leak verdict', () => {
    const detector = new BrokerHealthDetector();
    let judged: BrokerHealth | null = null;
    // a batch loader uses more and more of its channel_max, but the broker's channel count holds
    for (let s = 0; s <= 120; s++) {
      const used = 1_640 + Math.min(s, 60) * 5;
      judged = detector.assess(
        brokerHealth({
          t: T0 + s * 1000,
          channels: 1_950,
          connections: 3,
          nearChannelMax: [{ connection: 'batch-loader', channels: used, max: 2_047 }],
        }),
      );
      expect(judged.leak.suspected, `at ${s} s`).toBe(false);
    }
    expect(judged!.warnings).toEqual(['connection batch-loader uses 1,940 of 2,047 channels']);
  });
});
