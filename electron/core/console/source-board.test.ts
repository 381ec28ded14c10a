import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedFlagProvider } from '../flags/embedded/embedded-flag-provider';
import { EventBus } from './event-bus';
import { type BoardSample, SourceBoard } from './source-board';
import { ScriptedSource } from './testing/scripted-source';

const T0 = 1_795_632_000_000;
const INTERVAL = 1000;

describe('SourceBoard', () => {
  let dir: string;
  let provider: EmbeddedFlagProvider;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-board-'));
    provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await provider.close();
    await rm(dir, { recursive: true, force: true });
  });

  function board(sources: ScriptedSource[], rateSource = 0): SourceBoard {
    const b = new SourceBoard({ sources, rateSource, gate: null, provider, bus: new EventBus() });
    b.setInterval(INTERVAL);
    return b;
  }

  /** One tick, letting the fake clock run a whole interval: a tick never waits longer than that. */
  async function tick(b: SourceBoard, n: number): Promise<BoardSample> {
    const result = b.sample(T0 + n * INTERVAL);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    return result;
  }

  function status(b: SourceBoard, id: string, n: number) {
    return b.statuses(T0 + n * INTERVAL).find((s) => s.id === id)!;
  }

  it('serves a slow source from its last sample, marked stale, without holding back the rates', async () => {
    const rates = new ScriptedSource('prometheus');
    rates.rates = (now) => new Map([['acme', now - T0]]);
    const broker = new ScriptedSource('rabbitmq', { broker: true });
    const b = board([rates, broker]);

    const first = await tick(b, 0);
    expect(first.brokers.map((h) => h.t)).toEqual([T0]);
    expect(status(b, 'rabbitmq', 0)).toMatchObject({ state: 'ok', stale: false });

    broker.mode = 'hold';
    for (let n = 1; n <= 3; n++) {
      const sample = await tick(b, n);
      // The rates of this very tick, although the broker has not answered.
      expect(sample.ratesFresh).toBe(true);
      expect(sample.rates.rates.get('acme')).toBe(n * INTERVAL);
      expect(sample.brokers.map((h) => h.t)).toEqual([T0]);
      expect(status(b, 'rabbitmq', n)).toMatchObject({ state: 'degraded', stale: true });
    }
    // The slow request kept running: never a second one to the same source at the same time.
    expect(broker.calls).toBe(2);
    expect(broker.maxInFlight).toBe(1);
    expect(rates.calls).toBe(4);

    broker.mode = 'answer';
    broker.release();
    const late = await tick(b, 4);
    expect(late.brokers.map((h) => h.t)).toEqual([T0 + INTERVAL]); // the answer to tick 1's request
    const caughtUp = await tick(b, 5);
    expect(caughtUp.brokers.map((h) => h.t)).toEqual([T0 + 5 * INTERVAL]);
    expect(broker.calls).toBe(3);
    expect(status(b, 'rabbitmq', 5)).toMatchObject({ state: 'ok', stale: false });
  });

  it('says the rates are not fresh while the rate source is late, and takes its answer when it comes', async () => {
    const rates = new ScriptedSource('scrape');
    rates.rates = new Map([['acme', 5]]);
    const b = board([rates]);
    expect((await tick(b, 0)).ratesFresh).toBe(true);

    rates.mode = 'hold';
    const late = await tick(b, 1);
    expect(late.ratesFresh).toBe(false);
    expect(late.rates.t).toBe(T0); // the last sample, not a new one

    rates.mode = 'answer';
    const answering = b.sample(T0 + 2 * INTERVAL);
    rates.release();
    await vi.advanceTimersByTimeAsync(INTERVAL);
    const answered = await answering;
    expect(answered.ratesFresh).toBe(true);
    expect(answered.rates.t).toBe(T0 + INTERVAL); // tick 1's request, answered during tick 2
    expect(rates.calls).toBe(2);
  });

  it('says the rates are not fresh while the rate source fails, and why', async () => {
    const rates = new ScriptedSource('prometheus');
    rates.rates = new Map([['acme', 5]]);
    const b = board([rates]);
    await tick(b, 0);

    rates.mode = 'fail';
    for (let n = 1; n <= 2; n++) {
      const sample = await tick(b, n);
      expect(sample.ratesFresh).toBe(false);
      expect(sample.rates.t).toBe(T0);
    }
    expect(status(b, 'prometheus', 2)).toMatchObject({
      state: 'down',
      stale: true,
      message: 'prometheus refused the connection',
    });

    rates.mode = 'answer';
    const back = await tick(b, 3);
    expect(back).toMatchObject({ ratesFresh: true, rates: { t: T0 + 3 * INTERVAL } });
  });

  it('has fresh (empty) rates every tick when no source gives rates', async () => {
    const broker = new ScriptedSource('rabbitmq', { broker: true });
    const b = board([broker], -1);
    for (let n = 0; n < 2; n++) {
      const sample = await tick(b, n);
      expect(sample.ratesFresh).toBe(true);
      expect(sample.rates).toEqual({ t: T0 + n * INTERVAL, rates: new Map() });
    }
  });
});
