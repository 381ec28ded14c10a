import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAK_OPTIONS } from './channel-leak';
import {
  ConnectionChannelHistory,
  type ConnectionChannels,
  type ConnectionLeakRules,
} from './connection-channels';

const T0 = 1_795_632_000_000;
const RULES: ConnectionLeakRules = {
  windowsMs: DEFAULT_LEAK_OPTIONS.connectionWindowsMs,
  minGrowth: DEFAULT_LEAK_OPTIONS.connectionMinGrowth,
  minSpanMs: DEFAULT_LEAK_OPTIONS.connectionMinSpanMs,
  minPoints: DEFAULT_LEAK_OPTIONS.minPoints,
  minSteps: DEFAULT_LEAK_OPTIONS.minSteps,
  lateShare: DEFAULT_LEAK_OPTIONS.lateShare,
  peerShare: DEFAULT_LEAK_OPTIONS.peerShare,
};

/** `n` connections with `channels(i, s)` channels at second `s`; connection i is called `app-i`. */
function connectionsAt(
  n: number,
  s: number,
  channels: (i: number, s: number) => number,
): ConnectionChannels[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `127.0.0.1:${40_000 + i} -> 127.0.0.1:5672`,
    label: `app-${i}`,
    channels: channels(i, s),
  }));
}

function run(
  history: ConnectionChannelHistory,
  seconds: number,
  n: number,
  channels: (i: number, s: number) => number,
  tickMs = 1_000,
) {
  let leaks = history.leaks(RULES);
  for (let ms = 0; ms <= seconds * 1000; ms += tickMs) {
    history.observe(T0 + ms, connectionsAt(n, ms / 1000, channels));
    leaks = history.leaks(RULES);
  }
  return leaks;
}

describe('ConnectionChannelHistory', () => {
  it('names a connection whose channels keep rising while its peers stay flat', () => {
    const history = new ConnectionChannelHistory(5 * 60_000);
    // 20 connections of 5 channels; app-7 leaks 20 channels a second from second 30 on.
    const leaks = run(history, 60, 20, (i, s) => (i === 7 && s > 30 ? 5 + 20 * (s - 30) : 5), 250);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ connection: 'app-7', from: 5, to: 605, peers: 19 });
    expect(leaks[0]!.perSec).toBeCloseTo(20, 0);
  });

  it('says nothing while every connection grows alike (no single culprit)', () => {
    const history = new ConnectionChannelHistory(5 * 60_000);
    expect(run(history, 60, 20, (_i, s) => 5 + 10 * s)).toEqual([]);
  });

  it('says nothing for a burst of channels opened at once that then stays', () => {
    const history = new ConnectionChannelHistory(5 * 60_000);
    expect(run(history, 120, 20, (i, s) => (i === 3 && s >= 30 ? 400 : 5))).toEqual([]);
  });

  it('follows only the connections with the most channels, however many the broker has', () => {
    const history = new ConnectionChannelHistory(5 * 60_000, 200);
    const leaks = run(history, 40, 5_000, (i, s) =>
      i === 4_321 && s > 10 ? 2 + 15 * (s - 10) : 1 + (i % 3),
    );
    expect(history.tracked).toBeLessThanOrEqual(200 + 1);
    expect(leaks.map((l) => l.connection)).toEqual(['app-4321']);
  });

  it('starts over when time goes back', () => {
    const history = new ConnectionChannelHistory(5 * 60_000);
    run(history, 60, 20, (i, s) => (i === 7 && s > 30 ? 5 + 20 * (s - 30) : 5));
    history.observe(
      T0 - 1_000,
      connectionsAt(20, 0, () => 5),
    );
    expect(history.tracked).toBe(20);
    expect(history.leaks(RULES)).toEqual([]);
  });
});
