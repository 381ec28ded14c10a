import { describe, expect, it } from 'vitest';
import { CallError, type ConnectionInfo } from './client';
import { WebClient, type WebClientOptions, type WebSocketLike, webSocketUrl } from './web-client';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function setup(extra: Partial<WebClientOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; id: number; cleared: boolean }[] = [];
  let nextTimer = 1;
  let now = 1_000_000;
  const client = new WebClient({
    url: 'ws://127.0.0.1:7777/ws',
    token: 'abc123',
    createSocket: (url, protocols) => {
      const s = new FakeSocket(url, protocols);
      sockets.push(s);
      return s;
    },
    random: () => 0.5,
    now: () => now,
    setTimer: (fn, ms) => {
      const t = { fn, ms, id: nextTimer++, cleared: false };
      timers.push(t);
      return t.id;
    },
    clearTimer: (id) => {
      const t = timers.find((x) => x.id === id);
      if (t) t.cleared = true;
    },
    ...extra,
  });
  const states: ConnectionInfo[] = [];
  client.connection.subscribe((i) => states.push(i));
  const pendingTimers = () => timers.filter((t) => !t.cleared);
  /** run the newest live reconnect timer */
  const fireRetry = () => {
    const t = pendingTimers()
      .filter((x) => x.ms !== 30_000 || true)
      .pop();
    if (!t) throw new Error('no timer');
    t.cleared = true;
    now += t.ms;
    t.fn();
    return t.ms;
  };
  return {
    client,
    sockets,
    timers,
    pendingTimers,
    fireRetry,
    states,
    last: () => sockets[sockets.length - 1]!,
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('WebClient protocol', () => {
  it('opens one socket to the URL with the sb.v1 and token subprotocols', () => {
    const { sockets, client } = setup();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:7777/ws');
    expect(sockets[0]!.protocols).toEqual(['sb.v1', 'sb.token.abc123']);
    expect(client.connection.get().state).toBe('connecting');
  });

  it('sends calls with increasing integer ids and resolves results by id', async () => {
    const { client, last } = setup();
    last().open();
    const a = client.call('app.info', {});
    const b = client.call('tenants.detail', { tenantId: 'acme' });
    expect(last().sent).toEqual([
      { type: 'call', id: 1, name: 'app.info', input: {} },
      { type: 'call', id: 2, name: 'tenants.detail', input: { tenantId: 'acme' } },
    ]);
    last().receive({ type: 'result', id: 2, ok: true, result: { tenant: { id: 'acme' } } });
    last().receive({ type: 'result', id: 1, ok: true, result: { version: '1' } });
    await expect(b).resolves.toEqual({ tenant: { id: 'acme' } });
    await expect(a).resolves.toEqual({ version: '1' });
  });

  it('rejects a failed call with a CallError carrying code, message and issues', async () => {
    const { client, last } = setup();
    last().open();
    const p = client.call('actions.flip', { tenantId: 'acme', publish: false, reason: 'x' });
    last().receive({
      type: 'result',
      id: 1,
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'invalid input', issues: ['reason: too short'] },
    });
    const error = await p.catch((e) => e);
    expect(error).toBeInstanceOf(CallError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('invalid input');
    expect(error.issues).toEqual(['reason: too short']);
  });

  it('fails a call at once when the host refuses its frame with an error naming it', async () => {
    const { client, last, pendingTimers } = setup();
    last().open();
    const big = client.call('tenants.import', { format: 'csv', content: 'x' });
    const other = client.call('app.info', {});
    last().receive({
      type: 'error',
      id: 1,
      error: {
        code: 'INVALID_INPUT',
        message: 'message of 17000000 bytes is larger than the 16777216 bytes',
      },
    });
    await expect(big).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /larger than/ });
    // its timeout is gone, the other call still waits for its own answer
    expect(pendingTimers().filter((t) => t.ms === 30_000)).toHaveLength(1);
    last().receive({ type: 'result', id: 2, ok: true, result: { version: '1' } });
    await expect(other).resolves.toEqual({ version: '1' });
  });

  it('fails no call on an error frame without an id', () => {
    const { client, last, pendingTimers } = setup();
    last().open();
    void client.call('app.info', {}).catch(() => {});
    const warn = console.warn;
    const warnings: unknown[][] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      last().receive({
        type: 'error',
        error: { code: 'INVALID_INPUT', message: 'message is not valid JSON' },
      });
    } finally {
      console.warn = warn;
    }
    expect(pendingTimers().filter((t) => t.ms === 30_000)).toHaveLength(1);
    expect(String(warnings[0]?.[1])).toMatch(/not valid JSON/);
  });

  it('queues calls made while connecting and sends them on open', () => {
    const { client, last } = setup();
    client.call('settings.get', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ type: 'call', id: 1, name: 'settings.get', input: {} }]);
  });

  it('delivers events to listeners until they unsubscribe', () => {
    const { client, last } = setup();
    last().open();
    const got: unknown[] = [];
    const off = client.on('traffic.onPaused', (p) => got.push(p));
    last().receive({ type: 'event', name: 'traffic.onPaused', payload: { paused: true } });
    last().receive({ type: 'event', name: 'alerts.onAlert', payload: { id: 'x' } });
    off();
    last().receive({ type: 'event', name: 'traffic.onPaused', payload: { paused: false } });
    expect(got).toEqual([{ paused: true }]);
    expect(client.listenerCount()).toBe(0);
  });

  it('ignores garbage, unknown ids and keeps going when a listener throws', () => {
    const { client, last } = setup();
    last().open();
    const got: unknown[] = [];
    client.on('traffic.onPaused', () => {
      throw new Error('boom');
    });
    client.on('traffic.onPaused', (p) => got.push(p));
    const warn = console.warn;
    const err = console.error;
    console.warn = () => {};
    console.error = () => {};
    try {
      last().receive('not json');
      last().receive({ type: 'result', id: 99, ok: true, result: 1 });
      last().receive({ type: 'event', name: 'traffic.onPaused', payload: { paused: true } });
    } finally {
      console.warn = warn;
      console.error = err;
    }
    expect(got).toEqual([{ paused: true }]);
  });
});

describe('WebClient reconnect', () => {
  it('fails calls in flight on disconnect, then reconnects with growing jittered backoff', async () => {
    const { client, last, sockets, fireRetry, states } = setup();
    last().open();
    const p = client.call('traffic.snapshot', {});
    last().drop(1006);
    const error = await p.catch((e) => e);
    expect(error.code).toBe('DISCONNECTED');
    expect(client.connection.get().state).toBe('reconnecting');
    expect(states.map((s) => s.state)).toEqual(['connected', 'reconnecting']);
    // a call while there is no socket fails at once rather than waiting
    await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'DISCONNECTED' });

    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(fireRetry());
      last().drop(1006); // never opens
    }
    // base 500 ms doubling, capped at 15 s; random 0.5 → 3/4 of the ceiling
    expect(delays).toEqual([375, 750, 1500, 3000, 6000, 11250]);
    expect(sockets.length).toBe(7);
    fireRetry();
    last().open();
    expect(client.connection.get().state).toBe('connected');
    // the backoff starts over after a success
    last().drop(1006);
    expect(fireRetry()).toBe(375);
  });

  it('jitter spreads the delay between half and all of the ceiling', () => {
    const lo = setup({ random: () => 0 });
    lo.last().open();
    lo.last().drop();
    expect(lo.fireRetry()).toBe(250);
    const hi = setup({ random: () => 0.999999 });
    hi.last().open();
    hi.last().drop();
    expect(hi.fireRetry()).toBe(500);
  });

  it('keeps event listeners across a reconnect', () => {
    const { client, last, fireRetry } = setup();
    last().open();
    const got: unknown[] = [];
    client.on('traffic.onPaused', (p) => got.push(p));
    last().drop();
    fireRetry();
    last().open();
    last().receive({ type: 'event', name: 'traffic.onPaused', payload: { paused: true } });
    expect(got).toEqual([{ paused: true }]);
  });

  it('reconnects after the host drops it for falling too far behind, saying why', async () => {
    const { client, last, sockets, fireRetry } = setup();
    last().open();
    const p = client.call('traffic.snapshot', {});
    last().drop(4008, 'too far behind: 16.1 MiB unsent; reconnect for current state');
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(client.connection.get()).toMatchObject({
      state: 'reconnecting',
      detail: expect.stringContaining('4008: too far behind'),
    });
    fireRetry();
    expect(sockets).toHaveLength(2);
    last().open();
    expect(client.connection.get().state).toBe('connected');
  });

  it('reports unauthorized when the host closes with an auth close code', async () => {
    const { client, last } = setup();
    last().open();
    last().drop(4401, 'bad token');
    expect(client.connection.get()).toMatchObject({ state: 'unauthorized', detail: 'bad token' });
    await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('reports unauthorized when the handshake keeps failing while the host answers HTTP', async () => {
    const { client, last, fireRetry } = setup({ probe: async () => true });
    last().drop(1006); // refused before open
    await flush();
    expect(client.connection.get().state).toBe('reconnecting');
    fireRetry();
    last().drop(1006);
    await flush();
    expect(client.connection.get().state).toBe('unauthorized');
  });

  it('stays "reconnecting" when the host does not answer at all', async () => {
    const { client, last, fireRetry } = setup({ probe: async () => false });
    last().drop(1006);
    await flush();
    fireRetry();
    last().drop(1006);
    await flush();
    expect(client.connection.get().state).toBe('reconnecting');
  });

  it('does not connect without a token, or with one a subprotocol cannot carry', () => {
    const none = setup({ token: null });
    expect(none.sockets).toHaveLength(0);
    expect(none.client.connection.get().state).toBe('unauthorized');
    const bad = setup({ token: 'a/b=' });
    expect(bad.sockets).toHaveLength(0);
    expect(bad.client.connection.get().state).toBe('unauthorized');
  });

  it('times out a call the host never answers', async () => {
    const { client, last, timers } = setup({ callTimeoutMs: 1000 });
    last().open();
    const p = client.call('app.info', {});
    timers.find((t) => t.ms === 1000)!.fn();
    await expect(p).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('close() closes the socket, fails pending calls and stops reconnecting', async () => {
    const { client, last, pendingTimers, sockets } = setup();
    last().open();
    const p = client.call('app.info', {});
    client.close();
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(last().closed?.code).toBe(1000);
    expect(pendingTimers().filter((t) => t.ms !== 30_000)).toHaveLength(0);
    expect(sockets).toHaveLength(1);
  });
});

describe('webSocketUrl', () => {
  it('is same-origin /ws', () => {
    expect(webSocketUrl({ host: '127.0.0.1:4567', protocol: 'http:' })).toBe('ws://127.0.0.1:4567/ws');
    expect(webSocketUrl({ host: 'example.test', protocol: 'https:' })).toBe('wss://example.test/ws');
  });
});
