import { mkdtemp, rm } from 'node:fs/promises';
import { get, type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedFlagProvider } from '../core/flags/embedded/embedded-flag-provider';
import type { WriteContext } from '../core/flags/flag-provider';
import { type OfrepServer, startOfrepServer } from './ofrep-server';

const ctx: WriteContext = { actor: 'ops', reason: 'test', auditId: 'a1' };
let dir: string;
let provider: EmbeddedFlagProvider;
let server: OfrepServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-ofrep-'));
  provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
  server = await startOfrepServer({ provider, port: 0, keepAliveMs: 50 });
});

afterEach(async () => {
  await server.close();
  await provider.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const evaluate = (key: string, context: unknown) => post(`/ofrep/v1/evaluate/flags/${key}`, { context });
const bulk = (context: unknown, headers: Record<string, string> = {}) =>
  post('/ofrep/v1/evaluate/flags', { context }, headers);

describe('OFREP single evaluation', () => {
  it('answers a flag for a tenant as flagd does', async () => {
    const res = await evaluate('publish-events', { targetingKey: 'acme' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      key: 'publish-events',
      value: true,
      reason: 'STATIC',
      variant: 'on',
      metadata: { kind: 'kill-switch', description: 'Tenant may publish events (false = stop publishing)' },
    });
  });

  it('serves an override as TARGETING_MATCH and everyone else as DEFAULT', async () => {
    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    expect(await (await evaluate('publish-events', { targetingKey: 'acme' })).json()).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'TARGETING_MATCH',
    });
    expect(await (await evaluate('publish-events', { targetingKey: 'globex' })).json()).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'DEFAULT',
    });
  });

  it('answers 404 FLAG_NOT_FOUND for an unknown flag', async () => {
    const res = await evaluate('nope', { targetingKey: 'acme' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'flag `nope` does not exist',
    });
  });

  it.each([
    ['no context', undefined],
    ['no targetingKey', { plan: 'gold' }],
    ['an empty targetingKey', { targetingKey: '' }],
  ])('answers a flag without targeting for %s, as flagd does', async (_label, context) => {
    const res = await evaluate('publish-events', context);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: 'publish-events', value: true, reason: 'STATIC' });
  });

  it.each([
    ['no context', undefined],
    ['no targetingKey', { plan: 'gold' }],
    ['an empty targetingKey', { targetingKey: '' }],
  ])('answers 400 TARGETING_KEY_MISSING for %s when the flag targets by tenant', async (_label, context) => {
    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    const res = await evaluate('publish-events', context);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ key: 'publish-events', errorCode: 'TARGETING_KEY_MISSING' });
  });

  it('needs no targetingKey for a rule on other attributes, and does for fractional or $ref to the key', async () => {
    await provider.store.update((s) => {
      const next = structuredClone(s.document);
      next.$evaluators = { byTenant: { in: [{ var: 'targetingKey' }, ['acme']] } };
      next.flags['new-dashboard']!.targeting = { if: [{ '==': [{ var: 'plan' }, 'gold'] }, 'on', 'off'] };
      next.flags['export-format']!.targeting = { if: [{ $ref: 'byTenant' }, 'parquet', 'csv'] };
      return next;
    });
    const byPlan = await evaluate('new-dashboard', { plan: 'gold' });
    expect(byPlan.status).toBe(200);
    expect(await byPlan.json()).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    const byRef = await evaluate('export-format', { plan: 'gold' });
    expect(byRef.status).toBe(400);
    expect(await byRef.json()).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
    await provider.store.update((s) => {
      const next = structuredClone(s.document);
      next.flags['new-dashboard']!.targeting = {
        fractional: [
          ['on', 50],
          ['off', 50],
        ],
      };
      return next;
    });
    expect(await (await evaluate('new-dashboard', {})).json()).toMatchObject({
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });

  it.each([
    ['a numeric targetingKey', { targetingKey: 7 }, 'INVALID_CONTEXT'],
    ['a context that is not an object', ['acme'], 'INVALID_CONTEXT'],
  ])('answers 400 for %s', async (_label, context, errorCode) => {
    const res = await evaluate('publish-events', context);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ key: 'publish-events', errorCode });
  });

  it('answers 400 PARSE_ERROR for a body that is not JSON', async () => {
    const res = await post('/ofrep/v1/evaluate/flags/publish-events', '{"context": {');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorCode: 'PARSE_ERROR' });
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await post('/ofrep/v1/evaluate/flags/publish-events', {
      context: { targetingKey: 'a', pad: 'x'.repeat(70_000) },
    });
    expect(res.status).toBe(413);
  });

  it('reports a disabled flag as DISABLED with its default variant', async () => {
    await provider.store.update((s) => {
      const next = structuredClone(s.document);
      next.flags['new-dashboard']!.state = 'DISABLED';
      return next;
    });
    expect(await (await evaluate('new-dashboard', { targetingKey: 'acme' })).json()).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
    });
  });
});

describe('OFREP bulk evaluation', () => {
  it('answers every flag with metadata and the SSE stream to follow', async () => {
    const res = await bulk({ targetingKey: 'acme' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      flags: { key: string; value: unknown }[];
      metadata: unknown;
      eventStreams: unknown;
    };
    expect(body.flags.map((f) => [f.key, f.value])).toEqual([
      ['publish-events', true],
      ['new-dashboard', false],
      ['export-format', 'csv'],
    ]);
    expect(body.metadata).toEqual({});
    expect(body.eventStreams).toEqual([
      { type: 'sse', endpoint: { requestUri: '/ofrep/v1/sse' }, inactivityDelaySec: 120 },
    ]);
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
  });

  it('answers 304 to If-None-Match until this tenant’s answer changes', async () => {
    // The first override turns everyone's reason from STATIC into DEFAULT (as in flagd): start after it.
    await provider.setTenantValue('publish-events', 'initech', false, ctx);
    const etag = (await bulk({ targetingKey: 'acme' })).headers.get('etag')!;
    expect((await bulk({ targetingKey: 'acme' }, { 'If-None-Match': etag })).status).toBe(304);
    expect((await bulk({ targetingKey: 'globex' }, { 'If-None-Match': etag })).status).toBe(200);

    await provider.setTenantValue('publish-events', 'globex', false, ctx);
    expect((await bulk({ targetingKey: 'acme' }, { 'If-None-Match': etag })).status).toBe(304);

    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    const changed = await bulk({ targetingKey: 'acme' }, { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { flags: unknown[] }).flags[0]).toMatchObject({
      key: 'publish-events',
      value: false,
    });
  });

  it('accepts the flagConfigEtag query a client sends after an SSE event', async () => {
    const res = await post(`/ofrep/v1/evaluate/flags?flagConfigEtag=${provider.store.snapshot().etag}`, {
      context: { targetingKey: 'acme' },
    });
    expect(res.status).toBe(200);
  });

  it('answers every flag without a tenant, refusing only those that target by tenant', async () => {
    await provider.setTenantValue('new-dashboard', 'globex', true, ctx);
    const res = await bulk({});
    expect(res.status).toBe(200);
    const { flags } = (await res.json()) as { flags: Record<string, unknown>[] };
    expect(flags).toEqual([
      expect.objectContaining({ key: 'publish-events', value: true, reason: 'STATIC' }),
      expect.objectContaining({ key: 'new-dashboard', errorCode: 'TARGETING_KEY_MISSING' }),
      expect.objectContaining({ key: 'export-format', value: 'csv', reason: 'STATIC' }),
    ]);
  });
});

describe('OFREP routes, methods and CORS', () => {
  it('answers 405 for a wrong method and 404 for an unknown path', async () => {
    const wrong = await fetch(`${server.url}/evaluate/flags`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await post('/ofrep/v1/nothing', {})).status).toBe(404);
    expect((await post('/ofrep/v1/sse', {})).status).toBe(405);
  });

  const preflight = (target: OfrepServer, origin: string) =>
    fetch(`${target.url}/evaluate/flags`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,if-none-match,authorization',
      },
    });

  it('sends no CORS headers by default: a web page cannot read the flags', async () => {
    const answer = await preflight(server, 'http://localhost:5173');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-headers')).toBeNull();
    const res = await bulk({ targetingKey: 'acme' }, { Origin: 'http://evil.example' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a CORS preflight for a configured origin only, and exposes the ETag to it', async () => {
    const open = await startOfrepServer({ provider, port: 0, allowedOrigins: ['http://localhost:5173'] });
    try {
      const allowed = await preflight(open, 'http://localhost:5173');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(allowed.headers.get('access-control-allow-headers')).toMatch(/If-None-Match/);
      const res = await fetch(`${open.url}/evaluate/flags`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:5173' },
        body: JSON.stringify({ context: { targetingKey: 'acme' } }),
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(res.headers.get('access-control-expose-headers')).toBe('ETag');
      const other = await preflight(open, 'http://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await open.close();
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/evaluate/flags`,
        { method: 'POST', headers: { Host: 'evil.example:80' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });
});

describe('OFREP bearer token', () => {
  let secured: OfrepServer;
  beforeEach(async () => {
    secured = await startOfrepServer({ store: provider.store, port: 0, token: 's3cret-token' });
  });
  afterEach(() => secured.close());

  const call = (headers: Record<string, string>) =>
    fetch(`${secured.url}/evaluate/flags/publish-events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ context: { targetingKey: 'acme' } }),
    });

  it('answers 401 without a token or with a wrong one, 200 with the right one', async () => {
    const missing = await call({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call({ Authorization: 'Bearer s3cret-tokeN' })).status).toBe(401);
    expect((await call({ Authorization: 's3cret-token' })).status).toBe(401);
    expect((await call({ Authorization: 'Bearer s3cret-token' })).status).toBe(200);
  });

  it('protects SSE too, and advertises a stream URL a browser EventSource can open', async () => {
    expect((await fetch(`${secured.url}/sse`)).status).toBe(401);
    const res = await fetch(`${secured.url}/evaluate/flags`, {
      method: 'POST',
      headers: { Authorization: 'Bearer s3cret-token' },
      body: JSON.stringify({ context: { targetingKey: 'acme' } }),
    });
    const { eventStreams } = (await res.json()) as { eventStreams: { endpoint: { requestUri: string } }[] };
    const requestUri = eventStreams[0]!.endpoint.requestUri;
    expect(requestUri).toMatch(/^\/ofrep\/v1\/sse\?key=[\w-]+$/);
    expect(requestUri).not.toContain('s3cret');
    const stream = await openSse(`${secured.origin}${requestUri}`);
    expect(stream.res.statusCode).toBe(200);
    stream.close();
    expect((await fetch(`${secured.url}/sse?key=wrong`)).status).toBe(401);
  });
});

describe('OFREP SSE', () => {
  it('sends the current etag on connect, then an event on every change, fast', async () => {
    const stream = await openSse(`${server.url}/sse`);
    expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/);
    const first = await stream.next();
    expect(first).toEqual({
      event: 'message',
      data: {
        type: 'refetchEvaluation',
        etag: provider.store.snapshot().etag,
        lastModified: expect.any(Number),
      },
    });

    const started = performance.now();
    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    const changed = await stream.next();
    const elapsed = performance.now() - started;
    expect(changed.data).toMatchObject({ type: 'refetchEvaluation', etag: provider.store.snapshot().etag });
    expect(changed.data.etag).not.toBe(first.data.etag);
    expect(elapsed).toBeLessThan(100);
    expect(server.sseClients()).toBe(1);
    stream.close();
  });

  it('names the tenants a flip changed, and leaves the hint out when everyone may have changed', async () => {
    await provider.setTenantValue('publish-events', 'initech', false, ctx);
    const stream = await openSse(`${server.url}/sse`);
    await stream.next();
    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    expect((await stream.next()).data).toMatchObject({ changedTargetingKeys: ['acme'] });
    await provider.setTenantValue('publish-events', 'initech', true, ctx);
    expect((await stream.next()).data).toMatchObject({ changedTargetingKeys: ['initech'] });
    await provider.store.update((s) => {
      const next = structuredClone(s.document);
      next.flags['new-dashboard']!.defaultVariant = 'on';
      return next;
    });
    const wide = await stream.next();
    expect(wide.data.type).toBe('refetchEvaluation');
    expect(wide.data).not.toHaveProperty('changedTargetingKeys');
    stream.close();
  });

  it('sends keep-alive comments', async () => {
    const stream = await openSse(`${server.url}/sse`);
    await stream.next();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(stream.raw()).toContain(': keep-alive\n\n');
    stream.close();
  });

  it('ends open streams when the server closes', async () => {
    const stream = await openSse(`${server.url}/sse`);
    const ended = new Promise((resolve) => stream.res.on('close', resolve));
    await server.close();
    await ended;
    server = await startOfrepServer({ provider, port: 0 });
  });
});

interface SseEvent {
  event: string;
  data: { type: string; etag: string; lastModified: number; changedTargetingKeys?: string[] };
}

/** A bare SSE reader over node:http, so the server is tested without any client library. */
function openSse(
  url: string,
): Promise<{ res: IncomingMessage; next(): Promise<SseEvent>; raw(): string; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      let raw = '';
      let buffer = '';
      const events: SseEvent[] = [];
      const waiters: ((event: SseEvent) => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
          if (data.length > 0) {
            const parsed = { event, data: JSON.parse(data.join('\n')) };
            const waiter = waiters.shift();
            if (waiter) waiter(parsed);
            else events.push(parsed);
          }
          end = buffer.indexOf('\n\n');
        }
      });
      resolve({
        res,
        raw: () => raw,
        next: () =>
          new Promise<SseEvent>((resolveEvent, rejectEvent) => {
            const queued = events.shift();
            if (queued) return resolveEvent(queued);
            const timer = setTimeout(() => rejectEvent(new Error('no SSE event within 2 s')), 2_000);
            waiters.push((event) => {
              clearTimeout(timer);
              resolveEvent(event);
            });
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}
