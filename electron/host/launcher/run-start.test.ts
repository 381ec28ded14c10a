import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFakeCore } from '../testing/fake-core';
import { NO_ELECTRON_NOTICE, runStart, type StartDeps } from './run-start';

function harness(overrides: Partial<StartDeps>) {
  const h = { out: [] as string[], err: [] as string[], exits: [] as number[], commands: [] as string[][] };
  const deps: StartDeps = {
    projectDir: '/project',
    env: {},
    createCore: async () => createFakeCore(),
    ensureRenderer: async () => '/nonexistent',
    out: (line) => h.out.push(line),
    err: (line) => h.err.push(line),
    exit: (code) => h.exits.push(code),
    onSignal: () => undefined,
    runBuild: async (command, args) => {
      h.commands.push([command, ...args]);
      return 0;
    },
    spawnElectron: async (binary, args) => {
      h.commands.push([binary, ...args]);
      return 0;
    },
    ...overrides,
  };
  return { h, deps };
}

describe('runStart', () => {
  it('falls back to the web console with one line when there is no binary', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: null, reason: 'none' }) });
    const running = await runStart(['--port', '0'], deps);
    expect(h.out[0]).toBe(NO_ELECTRON_NOTICE);
    expect(h.out[1]).toMatch(/^Switchboard console: http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(h.commands).toEqual([]);
    await running?.shutdown();
  });

  it('builds, then runs Electron on dist/electron/main.cjs with the arguments', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/opt/electron/electron' }) });
    await runStart(['--data-dir', '/tmp/x'], deps);
    expect(h.commands).toEqual([
      ['npm', 'run', 'build'],
      ['/opt/electron/electron', join('/project', 'dist', 'electron', 'main.cjs'), '--data-dir', '/tmp/x'],
    ]);
    expect(h.exits).toEqual([0]);
  });

  it('does not launch Electron when the build fails', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/e' }), runBuild: async () => 3 });
    await runStart([], deps);
    expect(h.err[0]).toMatch(/npm run build failed/);
    expect(h.exits).toEqual([3]);
  });
});
