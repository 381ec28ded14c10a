import { describe, expect, it } from 'vitest';
import { formatDuration, parseRetryAfter, SourceError, SourceHealth, snippet } from './source-health';

const T0 = 1_795_632_100_000;

describe('SourceHealth', () => {
  const make = (random = () => 1) => {
    let now = T0;
    const health = new SourceHealth({ id: 'x', kind: 'test', label: 'test', clock: () => now, random });
    return { health, at: (t: number) => (now = t) };
  };

  it('connecting → ok → degraded → ok', () => {
    const { health } = make();
    expect(health.status()).toMatchObject({
      state: 'connecting',
      message: null,
      stale: false,
      lastOkAt: null,
    });
    health.begin(T0);
    health.ok(T0);
    expect(health.status()).toMatchObject({ state: 'ok', lastOkAt: T0 });
    health.begin(T0 + 1000);
    health.ok(T0 + 1000, ['slow: took 1.2 s', 'read the first 10,000 of 12,000 queues']);
    expect(health.status(T0 + 1000)).toMatchObject({
      state: 'degraded',
      message: 'slow: took 1.2 s; read the first 10,000 of 12,000 queues',
    });
  });

  it('backs off exponentially up to the maximum, skipping ticks, and recovers', () => {
    const { health } = make();
    const delays: number[] = [];
    let t = T0;
    for (let i = 0; i < 8; i++) {
      health.begin(t);
      health.fail(t, new SourceError('connection refused at http://127.0.0.1:15672'));
      delays.push(health.nextAttemptAt! - t);
      t = health.nextAttemptAt!;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(() => health.begin(t - 1)).toThrow('connection refused at http://127.0.0.1:15672, retrying');
    health.begin(t);
    health.ok(t);
    expect(health.consecutiveFailures).toBe(0);
    expect(health.nextAttemptAt).toBeNull();
    expect(health.status(t).state).toBe('ok');
  });

  it('jitters each delay within the upper half of the nominal one', () => {
    const { health } = make(() => 0);
    health.begin(T0);
    health.fail(T0, new SourceError('x'));
    health.begin(T0 + 500);
    health.fail(T0 + 500, new SourceError('x'));
    expect(health.nextAttemptAt! - (T0 + 500)).toBe(1000);
  });

  it('waits at least what Retry-After asks', () => {
    const { health } = make();
    health.begin(T0);
    const error = health.fail(T0, new SourceError('Prometheus: 429 Too Many Requests', 4000));
    expect(error.message).toBe('Prometheus: 429 Too Many Requests, retrying in 4 s');
    expect(health.nextAttemptAt).toBe(T0 + 4000);
  });

  it('is stale while the last good data is older than two intervals, and while down', () => {
    const { health } = make();
    health.begin(T0);
    health.ok(T0);
    health.begin(T0 + 1000);
    health.ok(T0 + 1000);
    expect(health.status(T0 + 2500).stale).toBe(false);
    expect(health.status(T0 + 3500).stale).toBe(true);
    health.begin(T0 + 2000);
    health.fail(T0 + 2000, new Error('boom'));
    expect(health.status(T0 + 2000)).toMatchObject({ state: 'down', stale: true, lastOkAt: T0 + 1000 });
  });
});

describe('helpers', () => {
  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('4', T0)).toBe(4000);
    expect(parseRetryAfter(new Date(T0 + 9000).toUTCString(), T0)).toBe(9000);
    expect(parseRetryAfter('soon', T0)).toBeNull();
    expect(parseRetryAfter('99999', T0)).toBe(300_000);
  });

  it('says durations and snippets as a person would read them', () => {
    expect(formatDuration(2000)).toBe('2 s');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(300)).toBe('300 ms');
    expect(snippet('<html>\n <body>  Bad   gateway </body></html>')).toBe('Bad gateway');
    expect(snippet('x'.repeat(200), 10)).toBe('xxxxxxxxx…');
  });
});
