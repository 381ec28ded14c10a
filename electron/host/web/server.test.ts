import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiError, type ApiErrorCode } from '../../core/api';
import { createFakeCore, type FakeCore } from '../testing/fake-core';
import { startWebHost, type WebHost } from './server';
import { TOO_FAR_BEHIND_CLOSE_CODE } from './websocket';
import { MAX_MESSAGE_BYTES } from './ws-protocol';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: the tests need exact control of Origin, Host and duplicated headers. */
function send(
  host: WebHost,
  path: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: host.port, path, method: options.method ?? 'GET' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    for (const [name, value] of Object.entries(options.headers ?? {})) req.setHeader(name, value);
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (host: WebHost) => ({ Authorization: `Bearer ${host.token}` });
const post = (host: WebHost, name: string, body: unknown, headers: Record<string, string> = bearer(host)) =>
  send(host, `/api/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** Opens a socket and resolves once open, or with the HTTP status of a refused upgrade. */
function connect(
  host: WebHost,
  options: { protocols?: string[]; origin?: string; path?: string; autoPong?: boolean } = {},
): Promise<{ ws: WebSocket; messages: unknown[] } | { status: number }> {
  const protocols = options.protocols ?? ['sb.v1', `sb.token.${host.token}`];
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${options.path ?? '/ws'}`, protocols, {
    headers: { Origin: options.origin ?? host.origin },
    autoPong: options.autoPong ?? true,
  });
  const messages: unknown[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

async function open(host: WebHost, options: { autoPong?: boolean } = {}) {
  const result = await connect(host, options);
  if (!('ws' in result)) throw new Error(`upgrade refused: ${result.status}`);
  return result;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let staticDir: string;
let core: FakeCore;
let host: WebHost;

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'sb-web-'));
  await mkdir(join(staticDir, 'assets'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  await writeFile(join(staticDir, 'electron.html'), '<!doctype html>');
  await writeFile(join(staticDir, 'secret.txt'), 'not for you');
  await writeFile(join(staticDir, 'favicon.svg'), '<svg/>');
  await writeFile(join(staticDir, 'assets', 'index-abc123.js'), 'console.log(1)');
});

afterAll(async () => {
  await rm(staticDir, { recursive: true, force: true });
});

beforeEach(async () => {
  core = createFakeCore();
  host = await startWebHost({ core, port: 0, staticDir, actor: 'tester' });
});

afterEach(async () => {
  await host.close();
});

describe('web host: startup', () => {
  it('binds 127.0.0.1 and hands out the token in the URL fragment', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
  });

  it('refuses a weak token rather than starting open', async () => {
    await expect(startWebHost({ core, port: 0, staticDir, token: 'open' })).rejects.toThrow(
      /64 lowercase hex/,
    );
  });
});

describe('web host: static files', () => {
  it('serves the page without a token, with CSP and no-store', async () => {
    const reply = await send(host, '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('Switchboard');
    expect(reply.headers['content-type']).toMatch(/text\/html/);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${host.port}`,
    );
  });

  it('serves hashed assets with a long cache', async () => {
    const reply = await send(host, '/assets/index-abc123.js');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/text\/javascript/);
    expect(reply.headers['cache-control']).toContain('immutable');
    expect((await send(host, '/favicon.svg')).status).toBe(200);
  });

  it.each([
    '/secret.txt',
    '/electron.html',
    '/assets/missing.js',
    '/assets/../secret.txt',
    '/%2e%2e/secret.txt',
  ])('answers 404 for %s', async (path) => {
    expect((await send(host, path)).status).toBe(404);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await send(host, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await send(host, '/', { method: 'POST' })).status).toBe(405);
  });
});

describe('web host: HTTP API', () => {
  it('runs a call with the token and names the actor', async () => {
    const reply = await post(host, 'traffic.setPaused', { paused: true });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(reply.body)).toEqual({ paused: true });
    expect(core.calls).toEqual([
      { name: 'traffic.setPaused', input: { paused: true }, ctx: { actor: 'tester' } },
    ]);
  });

  it('treats an empty body as {}', async () => {
    const reply = await send(host, '/api/app.info', { method: 'POST', headers: bearer(host) });
    expect(reply.status).toBe(200);
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: `Bearer ${'0'.repeat(64)}` }],
    ['a malformed header', { Authorization: 'Bearer' }],
  ])('answers 401 to %s', async (_label, headers) => {
    const reply = await post(host, 'app.info', {}, headers);
    expect(reply.status).toBe(401);
    expect(core.calls).toEqual([]);
  });

  it('answers 401 to a duplicated Authorization header', async () => {
    const auth = `Bearer ${host.token}`;
    const reply = await send(host, '/api/app.info', {
      method: 'POST',
      headers: { Authorization: [auth, auth] },
    });
    expect(reply.status).toBe(401);
  });

  it('answers 403 to a foreign Origin even with the token, and to a foreign Host', async () => {
    expect((await post(host, 'app.info', {}, { ...bearer(host), Origin: 'http://evil.test' })).status).toBe(
      403,
    );
    expect((await post(host, 'app.info', {}, { ...bearer(host), Origin: 'null' })).status).toBe(403);
    expect(
      (await post(host, 'app.info', {}, { ...bearer(host), Host: `evil.test:${host.port}` })).status,
    ).toBe(403);
    expect((await post(host, 'app.info', {}, { ...bearer(host), Origin: host.origin })).status).toBe(200);
    expect((await send(host, '/', { headers: { Origin: 'http://evil.test' } })).status).toBe(403);
  });

  it.each([
    ['an unknown call', 'nope.nothing', {}, 400, 'UNKNOWN_CALL'],
    ['invalid input', 'traffic.setPaused', { paused: 'yes' }, 400, 'INVALID_INPUT'],
    ['an unknown key', 'app.info', { extra: 1 }, 400, 'INVALID_INPUT'],
    ['a missing tenant', 'tenants.detail', { tenantId: 'acme' }, 404, 'NOT_FOUND'],
    [
      'a read-only profile',
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'spike' },
      409,
      'READ_ONLY',
    ],
    ['a core failure', 'flags.list', {}, 500, 'INTERNAL'],
  ])('maps %s to %i', async (_label, name, body, status, code) => {
    const reply = await post(host, name, body);
    expect(reply.status).toBe(status);
    const error = JSON.parse(reply.body).error;
    expect(error.code).toBe(code);
    expect(JSON.stringify(error)).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['CONFIRMATION_REQUIRED', 409],
    ['CONFLICT', 409],
    ['DATA_FILE_INVALID', 422],
    ['PROVIDER_ERROR', 502],
  ] as [ApiErrorCode, number][])('maps %s to %i', async (code, status) => {
    core.answer('flags.list', () => {
      throw new ApiError(code, `refused with ${code}`);
    });
    const reply = await post(host, 'flags.list', {});
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.body).error).toEqual({ code, message: `refused with ${code}` });
  });

  it('never lets invalid input reach the core', async () => {
    await post(host, 'traffic.setPaused', { paused: 'yes' });
    expect(core.calls).toEqual([]);
  });

  it('answers 400 to a body that is not JSON and 405 to GET', async () => {
    const bad = await send(host, '/api/app.info', { method: 'POST', headers: bearer(host), body: '{' });
    expect(bad.status).toBe(400);
    expect((await send(host, '/api/app.info', { headers: bearer(host) })).status).toBe(405);
  });

  it('answers 413 to a body over the limit', async () => {
    await host.close();
    host = await startWebHost({ core, port: 0, staticDir, maxBodyBytes: 1024 });
    const reply = await post(host, 'tenants.import', { format: 'csv', content: 'x'.repeat(4096) });
    expect(reply.status).toBe(413);
    expect(core.calls).toEqual([]);
  });
});

describe('web host: WebSocket', () => {
  it('selects sb.v1 and answers calls', async () => {
    const { ws, messages } = await open(host);
    expect(ws.protocol).toBe('sb.v1');
    ws.send(JSON.stringify({ type: 'call', id: 1, name: 'traffic.setPaused', input: { paused: false } }));
    await until(() => messages.length === 1, 'a result');
    expect(messages[0]).toEqual({ type: 'result', id: 1, ok: true, result: { paused: false } });
    expect(core.calls[0]?.ctx).toEqual({ actor: 'tester' });
    ws.close();
  });

  it('answers failed calls with the error data', async () => {
    const { ws, messages } = await open(host);
    ws.send(JSON.stringify({ type: 'call', id: 2, name: 'traffic.setPaused', input: { paused: 1 } }));
    ws.send(
      JSON.stringify({
        type: 'call',
        id: 3,
        name: 'actions.flip',
        input: { tenantId: 'a', publish: false, reason: 'spike' },
      }),
    );
    ws.send(JSON.stringify({ type: 'call', id: 4, name: 'flags.list' }));
    await until(() => messages.length === 3, 'three results');
    expect(messages).toContainEqual({
      type: 'result',
      id: 2,
      ok: false,
      error: expect.objectContaining({ code: 'INVALID_INPUT', issues: [expect.stringContaining('paused')] }),
    });
    expect(messages).toContainEqual({
      type: 'result',
      id: 3,
      ok: false,
      error: { code: 'READ_ONLY', message: 'profile is read-only' },
    });
    expect(messages).toContainEqual({
      type: 'result',
      id: 4,
      ok: false,
      error: { code: 'INTERNAL', message: 'provider exploded' },
    });
    ws.close();
  });

  it.each([
    ['no token', ['sb.v1'], undefined, 401],
    ['a wrong token', ['sb.v1', `sb.token.${'0'.repeat(64)}`], undefined, 401],
    ['two tokens', ['sb.v1', 'sb.token.x', 'sb.token.y'], undefined, 401],
    ['a foreign origin', undefined, 'http://evil.test', 403],
  ])('refuses an upgrade with %s', async (_label, protocols, origin, status) => {
    expect(await connect(host, { protocols, origin })).toEqual({ status });
    expect(core.listenerCount()).toBe(0);
  });

  it('refuses an upgrade without sb.v1 and on other paths', async () => {
    expect(await connect(host, { protocols: [`sb.token.${host.token}`] })).toEqual({ status: 400 });
    expect(await connect(host, { path: '/api/ws' })).toEqual({ status: 404 });
    expect(await connect(host, { path: '/' })).toEqual({ status: 404 });
  });

  it('answers malformed messages with errors, keeps the socket open and changes nothing', async () => {
    const { ws, messages } = await open(host);
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'call', id: 'one', name: 'app.info' }));
    ws.send(JSON.stringify({ type: 'call', id: 5, name: 'app.info', sneaky: true }));
    ws.send(Buffer.from([1, 2, 3]));
    ws.send(`"${'x'.repeat(MAX_MESSAGE_BYTES)}"`);
    await until(() => messages.length === 5, 'five errors');
    for (const message of messages) {
      expect(message).toMatchObject({ type: 'error', error: { code: 'INVALID_INPUT' } });
    }
    expect(messages[2]).toMatchObject({ id: 5 });
    expect(core.calls).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify({ type: 'call', id: 6, name: 'app.info' }));
    await until(() => messages.length === 6, 'the next result');
    expect(messages[5]).toMatchObject({ type: 'result', id: 6, ok: true });
    ws.close();
  });

  it('fans events out to every client and unsubscribes when the last one closes', async () => {
    const a = await open(host);
    const b = await open(host);
    expect(core.listenerCount()).toBe(1);
    core.emit('traffic.onPaused', { paused: true });
    await until(() => a.messages.length === 1 && b.messages.length === 1, 'the event on both sockets');
    expect(a.messages[0]).toEqual({ type: 'event', name: 'traffic.onPaused', payload: { paused: true } });
    expect(b.messages[0]).toEqual(a.messages[0]);
    const aClosed = new Promise((resolve) => a.ws.once('close', resolve));
    a.ws.close();
    await aClosed;
    expect(core.listenerCount()).toBe(1);
    core.emit('traffic.onPaused', { paused: false });
    await until(() => b.messages.length === 2, 'the event on the remaining socket');
    b.ws.close();
    await until(() => core.listenerCount() === 0, 'the core listener to go');
  });

  it('drops every client and the core listener on close', async () => {
    const { ws } = await open(host);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await host.close();
    await closed;
    expect(core.listenerCount()).toBe(0);
    host = await startWebHost({ core, port: 0, staticDir });
  });
});

describe('web host: WebSocket calls of every valid size', () => {
  it('runs a tenants import of several MiB, as over HTTP', async () => {
    const { ws, messages } = await open(host);
    const content = `id,name,plan,limit\n${'t,Tenant,pro,100\n'.repeat(200_000)}`;
    expect(content.length).toBeGreaterThan(3 * 1024 * 1024);
    ws.send(
      JSON.stringify({ type: 'call', id: 1, name: 'tenants.import', input: { format: 'csv', content } }),
    );
    await until(() => messages.length === 1, 'the result');
    expect(messages[0]).toMatchObject({ type: 'result', id: 1, ok: true });
    expect(core.calls.map((c) => c.name)).toEqual(['tenants.import']);
    ws.close();
  });

  it('answers a call too large to parse with an error naming that call', async () => {
    const { ws, messages } = await open(host);
    const content = 'x'.repeat(MAX_MESSAGE_BYTES);
    ws.send(
      JSON.stringify({ type: 'call', id: 41, name: 'tenants.import', input: { format: 'csv', content } }),
    );
    await until(() => messages.length === 1, 'the error');
    expect(messages[0]).toMatchObject({
      type: 'error',
      id: 41,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/larger than/) },
    });
    expect(core.calls).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});

describe('web host: WebSocket liveness and backpressure', () => {
  it('keeps a client that answers pings and drops one that stopped answering', async () => {
    await host.close();
    host = await startWebHost({ core, port: 0, staticDir, heartbeatMs: 30 });
    const answering = await open(host);
    let pings = 0;
    answering.ws.on('ping', () => pings++);
    const silent = await open(host, { autoPong: false });
    const silentClosed = new Promise<number>((resolve) => silent.ws.once('close', resolve));
    expect(await silentClosed).toBe(1006);
    await until(() => pings >= 4, 'four pings');
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    expect(core.listenerCount()).toBe(1);
    answering.ws.close();
  });

  it('closes a client that stopped reading once it owes more than its cap, saying why', async () => {
    await host.close();
    host = await startWebHost({ core, port: 0, staticDir, maxBufferedBytes: 512 * 1024 });
    const keeping = await open(host);
    const stalled = await open(host);
    let received = 0;
    stalled.ws.on('message', () => received++);
    stalled.ws.pause();
    const closed = new Promise<[number, string]>((resolve) =>
      stalled.ws.once('close', (code, reason) => resolve([code, reason.toString()])),
    );
    // 32 MB of events: far more than the kernel's socket buffers and the cap together. They go out
    // four at a time (256 KiB, under the cap) so that the client that reads can keep up.
    const events = 512;
    const pad = 'x'.repeat(64 * 1024);
    for (let i = 0; i < events; i += 4) {
      for (let j = 0; j < 4; j++) core.emit('traffic.onPaused', { paused: true, pad } as never);
      await until(() => keeping.messages.length === i + 4, 'the reading client to catch up');
    }
    stalled.ws.resume();
    const [code, reason] = await closed;
    expect(code).toBe(TOO_FAR_BEHIND_CLOSE_CODE);
    expect(reason).toMatch(/too far behind: [\d.]+ MiB unsent; reconnect/);
    expect(received).toBeLessThan(events);
    expect(keeping.ws.readyState).toBe(WebSocket.OPEN);
    keeping.ws.close();
  });
});
