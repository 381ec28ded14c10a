import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCoreOptions } from '../../core/console-core.types';
import { createFakeCore, type FakeCore } from '../testing/fake-core';
import { runServe, type ServeDeps } from './run-serve';

let staticDir: string;

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'sb-serve-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
});

afterAll(async () => {
  await rm(staticDir, { recursive: true, force: true });
});

function harness(overrides: Partial<ServeDeps> = {}) {
  const core = createFakeCore();
  const h = {
    core,
    coreOptions: [] as ConsoleCoreOptions[],
    out: [] as string[],
    err: [] as string[],
    exits: [] as number[],
    signals: new Map<string, () => void>(),
  };
  const deps: ServeDeps = {
    projectDir: '/project',
    env: { XDG_CONFIG_HOME: '/xdg-config', XDG_DATA_HOME: '/xdg' },
    exists: () => false,
    createCore: async (options) => {
      h.coreOptions.push(options);
      return core;
    },
    ensureRenderer: async () => staticDir,
    out: (line) => h.out.push(line),
    err: (line) => h.err.push(line),
    exit: (code) => h.exits.push(code),
    onSignal: (signal, handler) => h.signals.set(signal, handler),
    ...overrides,
  };
  return { h, deps };
}

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('runServe', () => {
  it('starts the core and the host, then prints exactly the two readiness lines', async () => {
    const { h, deps } = harness();
    const running = await runServe(
      ['--port', '0', '--tenants', '12', '--no-spike', '--ofrep-port', '0'],
      deps,
    );
    expect(running).not.toBeNull();
    expect(h.coreOptions).toEqual([
      {
        dataDir: '/xdg-config/Switchboard',
        host: 'web',
        tenants: 12,
        ofrepPort: 0,
        spikeAfterMs: null,
        sources: undefined,
        ofrepToken: undefined,
        ofrepCorsOrigins: [],
        secrets: expect.objectContaining({ backend: 'file', warning: null }),
      },
    ]);
    expect(h.out).toHaveLength(2);
    expect(h.out[0]).toMatch(/^Switchboard console: http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
    expect(h.out[1]).toBe('OFREP endpoint: http://127.0.0.1:8016/ofrep/v1');
    const page = await fetch(`${running!.host.origin}/`);
    expect(page.status).toBe(200);
    await running!.shutdown();
  });

  it('scripts the spike after 30 s by default and after --spike-after seconds when given', async () => {
    const first = harness();
    const running = await runServe(['--port', '0'], first.deps);
    expect(first.h.coreOptions[0]?.spikeAfterMs).toBe(30_000);
    await running!.shutdown();
    const second = harness();
    const again = await runServe(['--port', '0', '--spike-after', '5'], second.deps);
    expect(second.h.coreOptions[0]?.spikeAfterMs).toBe(5_000);
    await again!.shutdown();
  });

  it('hands the OFREP token (from SWITCHBOARD_OFREP_TOKEN) and CORS origins to the core', async () => {
    const { h, deps } = harness({
      env: { XDG_CONFIG_HOME: '/xdg-config', SWITCHBOARD_OFREP_TOKEN: 'tok-123' },
    });
    const running = await runServe(['--port', '0', '--ofrep-cors-origin', 'http://localhost:5173'], deps);
    expect(h.coreOptions[0]).toMatchObject({
      ofrepToken: 'tok-123',
      ofrepCorsOrigins: ['http://localhost:5173'],
    });
    await running!.shutdown();
  });

  it('shuts down on SIGTERM: host closed, core stopped, exit 0', async () => {
    const { h, deps } = harness();
    const running = await runServe(['--port', '0'], deps);
    expect([...h.signals.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    h.signals.get('SIGTERM')!();
    await until(() => h.exits.length > 0);
    expect(h.exits).toEqual([0]);
    expect((h.core as FakeCore).stopped).toBe(true);
    await expect(fetch(`${running!.host.origin}/`)).rejects.toThrow();
  });

  it('prints help without starting anything', async () => {
    const { h, deps } = harness();
    expect(await runServe(['--help'], deps)).toBeNull();
    expect(h.out.join('\n')).toContain('--ofrep-port');
    expect(h.coreOptions).toEqual([]);
  });

  it('reports bad arguments and exits 2', async () => {
    const { h, deps } = harness();
    expect(await runServe(['--port', 'x'], deps)).toBeNull();
    expect(h.err[0]).toMatch(/--port must be an integer/);
    expect(h.exits).toEqual([2]);
    expect(h.coreOptions).toEqual([]);
  });

  it('says where an earlier version kept its data when the shared default is still empty', async () => {
    const { h, deps } = harness({ exists: (path) => path === '/xdg/switchboard' });
    const running = await runServe(['--port', '0'], deps);
    expect(h.err).toEqual([
      'switchboard: data from an earlier version is in /xdg/switchboard; the console now uses /xdg-config/Switchboard (shared with the desktop app) — move it there, or pass --data-dir /xdg/switchboard',
    ]);
    expect(h.coreOptions[0]?.dataDir).toBe('/xdg-config/Switchboard');
    await running!.shutdown();
    // not when a data directory was chosen
    const chosen = harness({ exists: (path) => path === '/xdg/switchboard' });
    await (await runServe(['--port', '0', '--data-dir', '/srv/sb'], chosen.deps))!.shutdown();
    expect(chosen.h.err).toEqual([]);
  });

  it('stops the core when the host cannot start, with a hint for a taken port', async () => {
    const taken = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:7410'), {
      code: 'EADDRINUSE',
    });
    const { h, deps } = harness({
      startHost: async () => {
        throw taken;
      },
    });
    expect(await runServe([], deps)).toBeNull();
    expect(h.core.stopped).toBe(true);
    expect(h.err[0]).toMatch(/port is taken; pass --port 0/);
    expect(h.exits).toEqual([1]);
    expect(h.out).toEqual([]);
  });
});
