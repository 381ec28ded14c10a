import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OfrepServer, startOfrepServer } from '../../../flag-server/ofrep-server';
import { assembleConsole } from '../../console-core';
import { SimulatedSource } from '../../metrics/simulated/simulated-source';
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
  it('allows unknown tenants, holds the ones it is given until evaluated, then follows them', async () => {
    await flip('acme', false);
    const g = gate();
    expect(g.allowed('acme')).toBe(true);
    const reported: string[][] = [];
    g.onChange((ids) => reported.push(ids));
    g.setTenants(['acme', 'globex']);
    expect(g.allowed('acme')).toBe(false);
    expect(g.allowed('globex')).toBe(false);
    await g.whenIdle();
    // A first evaluation ends the hold; it is not a change.
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([]);
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
      bad.setTenants(['acme', 'globex']);
      await bad.whenIdle();
      // Never evaluated: held, whatever its flag says.
      expect(bad.allowed('acme')).toBe(false);
      expect(bad.allowed('globex')).toBe(false);
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

describe('OfrepGate before its first answers', () => {
  it('holds every tenant it was given while the server does not answer, and retries', async () => {
    const silent = await silentServer();
    try {
      const g = gate({ endpoint: silent.origin, fetchTimeoutMs: 100 });
      g.setTenants(['acme', 'globex']);
      await until(() => silent.requests() >= 4);
      expect(g.allowed('acme')).toBe(false);
      expect(g.allowed('globex')).toBe(false);
      expect(g.allowed('not-given')).toBe(true);
      expect(g.state()).toMatchObject({ evaluated: 0, error: expect.stringMatching(/no answer/) });
    } finally {
      for (const g of gates.splice(0)) await g.close();
      await silent.close();
    }
  });

  it('keeps the simulated workload from publishing tenants not evaluated yet', async () => {
    const silent = await silentServer();
    try {
      const g = gate({ endpoint: silent.origin });
      const source = new SimulatedSource({ tenants: 20, spikeAfterMs: null, gate: g, clock: () => 0 });
      await source.start();
      const sample = await source.sample(1_000);
      expect(sample.rates.size).toBe(20);
      expect([...sample.rates.values()].every((rate) => rate === 0)).toBe(true);
      await source.close();
    } finally {
      for (const g of gates.splice(0)) await g.close();
      await silent.close();
    }
  });
});

describe('OfrepGate in the assembled console', () => {
  it('sends the OFREP token the console requires, so the simulated workload is not held', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-gate-console-'));
    const { core, parts } = await assembleConsole({
      dataDir,
      host: 'web',
      tenants: 5,
      ofrepPort: 0,
      ofrepToken: 'console-token-1',
      spikeAfterMs: null,
    });
    try {
      const consoleGate = parts.gate as OfrepGate;
      await consoleGate.whenIdle();
      expect(consoleGate.state()).toMatchObject({ evaluated: 5, error: null });
      expect(consoleGate.allowed('acme')).toBe(true);
      const anonymous = await fetch(`${core.ofrepEndpoint}/evaluate/flags`, {
        method: 'POST',
        body: JSON.stringify({ context: { targetingKey: 'acme' } }),
      });
      expect(anonymous.status).toBe(401);
    } finally {
      await core.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('OfrepGate on the wire', () => {
  it('re-evaluates only the tenant a change event names, not the thousands of others', async () => {
    const tenants = Array.from({ length: 2_000 }, (_, i) => `t${i}`);
    const flipped = tenants.at(-1)!;
    await flip('hooli', false); // the first override changes every reason: get it out of the way
    const proxy = await recordingProxy(server.origin);
    try {
      const g = gate({ endpoint: proxy.origin, concurrency: 8 });
      g.setTenants(tenants);
      await until(() => g.state().connected);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await g.whenIdle();
      proxy.log.length = 0;
      proxy.arrivals.length = 0;

      await flip(flipped, false);
      await until(() => !g.allowed(flipped));
      await g.whenIdle();
      await flip(flipped, true);
      await until(() => g.allowed(flipped));
      await g.whenIdle();
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Without the hint every flip would re-ask all 2,000 (behind the others, 8 at a time).
      expect(proxy.arrivals).toEqual([flipped, flipped]);
      expect(proxy.log.map((entry) => entry.status)).toEqual([200, 200]);
      expect(g.allowed('t0')).toBe(true);
    } finally {
      for (const g of gates.splice(0)) await g.close();
      await proxy.close();
    }
  });

  it('asks again, with backoff, for a flipped tenant whose re-evaluation failed: the flip is not lost', async () => {
    const proxy = await recordingProxy(server.origin);
    try {
      const g = gate({ endpoint: proxy.origin });
      g.setTenants(['acme', 'globex']);
      await until(() => g.state().connected);
      await g.whenIdle();
      proxy.log.length = 0;

      proxy.refuseNext(2);
      await flip('acme', false);
      await until(() => !g.allowed('acme'));
      expect(proxy.log.map((entry) => `${entry.tenant} ${entry.status}`)).toEqual([
        'acme 503',
        'acme 503',
        'acme 200',
      ]);
      expect(g.allowed('globex')).toBe(true);
      expect(g.state().error).toBeNull();
    } finally {
      for (const g of gates.splice(0)) await g.close();
      await proxy.close();
    }
  });

  it('re-fetches every tenant after a change that names none (a flag turned off for everyone)', async () => {
    const proxy = await recordingProxy(server.origin);
    try {
      const g = gate({ endpoint: proxy.origin });
      const tenants = ['acme', 'globex', 'initech'];
      g.setTenants(tenants);
      await until(() => g.state().connected);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await g.whenIdle();
      proxy.arrivals.length = 0;

      await provider.setFlagEnabled('publish-events', false, ctx);
      await until(() => proxy.arrivals.length >= tenants.length);
      await g.whenIdle();
      expect([...proxy.arrivals].sort()).toEqual(tenants);
    } finally {
      for (const g of gates.splice(0)) await g.close();
      await proxy.close();
    }
  });

  it('re-fetches the flipped tenant with flagConfigEtag and its own If-None-Match', async () => {
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
      const etag = provider.store.snapshot().etag;
      expect(proxy.log).toEqual([
        {
          url: `/ofrep/v1/evaluate/flags?flagConfigEtag=${etag}`,
          tenant: 'acme',
          status: 200,
          ifNoneMatch: expect.stringMatching(/^"[\w-]+"$/),
        },
      ]);
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

/**
 * A pass-through HTTP proxy that records each evaluation request: the tenant in the order requests
 * arrive (`arrivals`) and, once answered, with the status it got (`log`).
 */
async function recordingProxy(target: string) {
  const log: ProxyEntry[] = [];
  const arrivals: string[] = [];
  /** evaluation requests still to be refused with a 503 */
  let refuse = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tenant =
        req.method === 'POST' ? (JSON.parse(body.toString()).context.targetingKey as string) : null;
      if (tenant !== null) arrivals.push(tenant);
      if (tenant !== null && refuse > 0) {
        refuse--;
        log.push({ url: req.url!, tenant, status: 503, ifNoneMatch: req.headers['if-none-match'] });
        res.writeHead(503).end();
        return;
      }
      const upstream = request(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers, agent: req.method === 'POST' ? agent : false },
        (answer) => {
          if (tenant !== null) {
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
    arrivals,
    refuseNext: (count: number) => {
      refuse = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      }),
  };
}

/** An OFREP origin that takes requests and never answers them (a hung server). */
async function silentServer() {
  let requests = 0;
  const server: Server = createServer(() => {
    requests++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
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
