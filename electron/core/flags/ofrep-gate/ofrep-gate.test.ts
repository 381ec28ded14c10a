import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OfrepServer, startOfrepServer } from '../../../flag-server/ofrep-server';
import { EmbeddedFlagProvider } from '../embedded/embedded-flag-provider';
import type { WriteContext } from '../flag-provider';
import { OfrepGate, type OfrepGateOptions, ofrepOrigin } from './ofrep-gate';

const ctx: WriteContext = { actor: 'ops', reason: 'test', auditId: 'a1' };
let dir: string;
let provider: EmbeddedFlagProvider;
let server: OfrepServer;
const gates: OfrepGate[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-gate-'));
  provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
  server = await startOfrepServer({ provider, port: 0 });
});

afterEach(async () => {
  await Promise.all(gates.splice(0).map((gate) => gate.close()));
  await server.close();
  await provider.close();
  await rm(dir, { recursive: true, force: true });
});

function gate(options: Partial<OfrepGateOptions> = {}): OfrepGate {
  const created = new OfrepGate({
    endpoint: server.url,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    ...options,
  });
  gates.push(created);
  return created;
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

const flip = (tenantId: string, publish: boolean) =>
  provider.setTenantValue('publish-events', tenantId, publish, ctx);

describe('OfrepGate', () => {
  it('allows unknown tenants and evaluates the ones it is given', async () => {
    await flip('acme', false);
    const g = gate();
    expect(g.allowed('acme')).toBe(true);
    g.setTenants(['acme', 'globex']);
    await g.whenIdle();
    expect(g.allowed('acme')).toBe(false);
    expect(g.allowed('globex')).toBe(true);
    expect(g.allowed('never-seen')).toBe(true);
    expect(g.state()).toMatchObject({ evaluated: 2, pending: 0, error: null });
  });

  it('sees a flip within a second through the SSE stream and reports the tenant', async () => {
    const g = gate();
    g.setTenants(['acme', 'globex', 'initech']);
    await g.whenIdle();
    await until(() => g.state().connected);
    const reported: string[][] = [];
    g.onChange((ids) => reported.push(ids));

    const started = performance.now();
    await flip('acme', false);
    await until(() => !g.allowed('acme'), 1_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    await until(() => reported.length > 0);
    expect(reported).toEqual([['acme']]);
    expect(g.allowed('globex')).toBe(true);

    await flip('acme', true);
    await until(() => g.allowed('acme'), 1_000);
  });

  it('survives a server restart: keeps its last values while down, reconnects, and catches up', async () => {
    const g = gate();
    g.setTenants(['acme', 'globex']);
    await until(() => g.state().connected);
    await flip('acme', false);
    await until(() => !g.allowed('acme'));

    const port = server.port;
    await server.close();
    await until(() => !g.state().connected);
    expect(g.state().error).toMatch(/closed|cut|cannot reach/);

    // An evaluation while the server is down fails and changes nothing.
    await g.refresh();
    expect(g.allowed('acme')).toBe(false);
    expect(g.state().error).not.toBeNull();

    // Flipped back while the gate could not hear about it.
    await flip('acme', true);
    server = await startOfrepServer({ provider, port });
    await until(() => g.state().connected, 3_000);
    await until(() => g.allowed('acme'), 2_000);
    await g.whenIdle();
    expect(g.state().error).toBeNull();
  });

  it('keeps the last value when the flag stops being served', async () => {
    const g = gate();
    g.setTenants(['acme']);
    await flip('acme', false);
    await g.refresh();
    expect(g.allowed('acme')).toBe(false);
    await provider.store.update((s) => {
      const next = structuredClone(s.document);
      delete next.flags['publish-events'];
      return next;
    });
    await g.refresh();
    expect(g.allowed('acme')).toBe(false);
    expect(g.state().error).toMatch(/not served/);
  });

  it('releases a tenant it no longer evaluates and reports it', async () => {
    await flip('acme', false);
    const g = gate();
    g.setTenants(['acme', 'globex']);
    await g.whenIdle();
    const reported: string[][] = [];
    g.onChange((ids) => reported.push(ids));
    g.setTenants(['globex']);
    expect(g.allowed('acme')).toBe(true);
    await until(() => reported.length > 0);
    expect(reported).toEqual([['acme']]);
  });

  it('evaluates many tenants with bounded concurrency and batches the changes', async () => {
    const tenants = Array.from({ length: 300 }, (_, i) => `t${i}`);
    const g = gate({ concurrency: 4 });
    const reported: string[] = [];
    g.onChange((ids) => reported.push(...ids));
    g.setTenants(tenants);
    expect(g.state().pending).toBe(300);
    await g.whenIdle();
    expect(g.state()).toMatchObject({ evaluated: 300, pending: 0 });
    expect(reported).toEqual([]);
    for (const tenant of ['t1', 't2', 't299']) await flip(tenant, false);
    await g.refresh();
    await until(() => reported.length === 3);
    expect(reported.sort()).toEqual(['t1', 't2', 't299']);
  });

  it('uses a bearer token, and says so when it is wrong', async () => {
    const secured = await startOfrepServer({ provider, port: 0, token: 'tok' });
    try {
      await flip('acme', false);
      const good = gate({ endpoint: secured.origin, token: 'tok' });
      good.setTenants(['acme']);
      await good.whenIdle();
      await until(() => good.state().connected);
      expect(good.allowed('acme')).toBe(false);

      const bad = gate({ endpoint: secured.origin, token: 'nope' });
      bad.setTenants(['acme']);
      await bad.whenIdle();
      expect(bad.allowed('acme')).toBe(true);
      await until(() => bad.state().error?.includes('401') ?? false);
      expect(bad.state().connected).toBe(false);
    } finally {
      for (const g of gates.splice(0)) await g.close();
      await secured.close();
    }
  });

  it('reports connection state changes', async () => {
    const g = gate();
    const states: boolean[] = [];
    g.onState((state) => states.push(state.connected));
    await until(() => g.state().connected);
    await server.close();
    await until(() => states.includes(false));
    server = await startOfrepServer({ provider, port: 0 });
    expect(states[0]).toBe(true);
  });
});

describe('OfrepGate on the wire', () => {
  it('re-fetches with flagConfigEtag and per-tenant If-None-Match: only the flipped tenant gets a body', async () => {
    const proxy = await recordingProxy(server.origin);
    try {
      const g = gate({ endpoint: proxy.origin });
      const tenants = ['acme', 'globex', 'initech', 'umbrella'];
      g.setTenants(tenants);
      await g.whenIdle();
      await until(() => g.state().connected);
      await flip('hooli', false); // the first override changes every reason (STATIC → DEFAULT)
      // Let the rounds from the stream's first event and from this flip finish before recording.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await g.whenIdle();
      proxy.log.length = 0;

      await flip('acme', false);
      await until(() => !g.allowed('acme'));
      await g.whenIdle();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(proxy.log).toHaveLength(tenants.length);
      const etag = provider.store.snapshot().etag;
      for (const entry of proxy.log) {
        expect(entry.url).toBe(`/ofrep/v1/evaluate/flags?flagConfigEtag=${etag}`);
        expect(entry.ifNoneMatch).toMatch(/^"[\w-]+"$/);
      }
      const statusOf = Object.fromEntries(proxy.log.map((entry) => [entry.tenant, entry.status]));
      expect(statusOf).toEqual({ acme: 200, globex: 304, initech: 304, umbrella: 304 });
    } finally {
      for (const g of gates.splice(0)) await g.close();
      await proxy.close();
    }
  });
});

interface ProxyEntry {
  url: string;
  tenant: string;
  status: number;
  ifNoneMatch: string | undefined;
}

/** A pass-through HTTP proxy that records each evaluation request and the status it got. */
async function recordingProxy(target: string) {
  const log: ProxyEntry[] = [];
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = request(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          if (req.method === 'POST') {
            const tenant = JSON.parse(body.toString()).context.targetingKey as string;
            log.push({
              url: req.url!,
              tenant,
              status: answer.statusCode!,
              ifNoneMatch: req.headers['if-none-match'],
            });
          }
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      }),
  };
}

describe('ofrepOrigin', () => {
  it('accepts the origin or the /ofrep/v1 base URL', () => {
    expect(ofrepOrigin('http://127.0.0.1:8016/ofrep/v1')).toBe('http://127.0.0.1:8016');
    expect(ofrepOrigin('http://127.0.0.1:8016/ofrep/v1/')).toBe('http://127.0.0.1:8016');
    expect(ofrepOrigin('http://127.0.0.1:8016')).toBe('http://127.0.0.1:8016');
    expect(ofrepOrigin('https://proxy/flags/ofrep/v1')).toBe('https://proxy/flags');
  });
});
