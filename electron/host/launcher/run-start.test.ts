import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFakeCore } from '../testing/fake-core';
import {
  ELECTRON_STARTUP_WINDOW_MS,
  type ElectronExit,
  NO_ELECTRON_NOTICE,
  runStart,
  type StartDeps,
  unusedSwitchesNotice,
} from './run-start';

function harness(overrides: Partial<StartDeps>) {
  const h = {
    out: [] as string[],
    err: [] as string[],
    exits: [] as number[],
    commands: [] as string[][],
    clock: 0,
  };
  const deps: StartDeps = {
    projectDir: '/project',
    env: { XDG_CONFIG_HOME: '/xdg-config' },
    exists: () => false,
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
      return { code: 0, signalled: false };
    },
    now: () => h.clock,
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

  it('refuses an unknown option in one line, exit 2, before building or launching anything', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/opt/electron/electron' }) });
    expect(await runStart(['--rabit', 'http://127.0.0.1:15672'], deps)).toBeNull();
    expect(h.err).toEqual(['switchboard start: unknown option --rabit (--help lists the options)']);
    expect(h.exits).toEqual([2]);
    expect(h.commands).toEqual([]);
  });

  it('refuses a malformed value the same way', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: null, reason: 'none' }) });
    expect(await runStart(['--tenants', 'lots'], deps)).toBeNull();
    expect(h.err).toEqual(['switchboard start: --tenants must be an integer from 1 to 100000, got "lots"']);
    expect(h.exits).toEqual([2]);
    expect(h.out).toEqual([]);
  });

  it('prints its usage for --help and starts nothing', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/opt/electron/electron' }) });
    expect(await runStart(['--help'], deps)).toBeNull();
    expect(h.out[0]).toMatch(/^Usage: npm start -- \[options\]/);
    expect(h.out[0]).toContain('--rabbitmq <url>');
    expect(h.commands).toEqual([]);
    expect(h.exits).toEqual([]);
  });

  it('hands the source flags to Electron as given', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/e' }) });
    await runStart(['--rabbitmq', 'http://127.0.0.1:15672', '--no-spike'], deps);
    expect(h.commands[1]).toEqual([
      '/e',
      join('/project', 'dist', 'electron', 'main.cjs'),
      '--rabbitmq',
      'http://127.0.0.1:15672',
      '--no-spike',
    ]);
  });

  it('passes Electron’s and Chromium’s switches to Electron, before the app’s path', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/e' }) });
    await runStart(['--no-sandbox', '--tenants', '7', '--ozone-platform=wayland', '--inspect=9229'], deps);
    expect(h.err).toEqual([]);
    expect(h.commands[1]).toEqual([
      '/e',
      '--no-sandbox',
      '--ozone-platform=wayland',
      '--inspect=9229',
      join('/project', 'dist', 'electron', 'main.cjs'),
      '--tenants',
      '7',
    ]);
    expect(h.exits).toEqual([0]);
  });

  it('serves the browser console with the console’s options only, and says the switches are unused', async () => {
    let servedTenants: number | undefined;
    const { h, deps } = harness({
      findElectron: () => ({ path: null, reason: 'none' }),
      createCore: async (options) => {
        servedTenants = options.tenants;
        return createFakeCore();
      },
    });
    const running = await runStart(['--no-sandbox', '--port', '0', '--tenants', '3', '--disable-gpu'], deps);
    expect(h.err).toEqual([]);
    expect(h.out[0]).toBe(NO_ELECTRON_NOTICE);
    expect(h.out[1]).toBe(unusedSwitchesNotice(['--no-sandbox', '--disable-gpu']));
    expect(h.out[2]).toMatch(/^Switchboard console: http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(servedTenants).toBe(3);
    await running?.shutdown();
  });

  it('refuses a typo the same way where there is no Electron binary', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: null, reason: 'none' }) });
    expect(await runStart(['--no-sandbox', '--rabit', 'x'], deps)).toBeNull();
    expect(h.err).toEqual(['switchboard start: unknown option --rabit (--help lists the options)']);
    expect(h.exits).toEqual([2]);
    expect(h.out).toEqual([]);
  });

  it('prints its usage for --help among Electron switches', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/e' }) });
    expect(await runStart(['--no-sandbox', '--help'], deps)).toBeNull();
    expect(h.out[0]).toMatch(/^Usage: npm start -- \[options\]/);
    expect(h.commands).toEqual([]);
  });

  it('does not launch Electron when the build fails', async () => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/e' }), runBuild: async () => 3 });
    await runStart([], deps);
    expect(h.err[0]).toMatch(/npm run build failed/);
    expect(h.exits).toEqual([3]);
  });

  /** Electron that runs for `runsMs` on the harness clock, then ends as `ended` says. */
  const electronThat = (h: { clock: number }, runsMs: number, ended: ElectronExit) => async () => {
    h.clock += runsMs;
    return ended;
  };

  it('falls back to the web console with one line when Electron fails at start-up', async () => {
    const { h, deps } = harness({
      findElectron: () => ({ path: '/opt/electron/electron' }),
      env: {},
    });
    deps.spawnElectron = electronThat(h, 400, { code: 1, signalled: false });
    // Electron had its switches; the browser console that follows gets the console's options only
    const running = await runStart(['--no-sandbox', '--port', '0'], deps);
    expect(h.out[0]).toBe(
      'Electron exited at start-up (exit code 1); no display (DISPLAY and WAYLAND_DISPLAY are unset) — serving the console in your browser instead.',
    );
    expect(h.out[1]).toMatch(/^Switchboard console: http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(h.exits).toEqual([]);
    await running?.shutdown();
  });

  it('falls back when the binary cannot be spawned at all', async () => {
    const { h, deps } = harness({
      findElectron: () => ({ path: '/opt/electron/electron' }),
      env: { DISPLAY: ':0' },
    });
    deps.spawnElectron = electronThat(h, 0, { code: 1, signalled: false, spawnError: 'EACCES' });
    const running = await runStart(['--port', '0'], deps);
    expect(h.out[0]).toBe(
      'Electron could not be started (EACCES) — serving the console in your browser instead.',
    );
    await running?.shutdown();
  });

  it.each([
    ['a clean quit', ELECTRON_STARTUP_WINDOW_MS / 2, { code: 0, signalled: false }, 0],
    ['a Ctrl+C during start-up', 100, { code: 130, signalled: true }, 130],
    ['a failure after the start-up window', ELECTRON_STARTUP_WINDOW_MS + 1, { code: 1, signalled: false }, 1],
  ])('exits with Electron’s code after %s, without a fallback', async (_label, runsMs, ended, code) => {
    const { h, deps } = harness({ findElectron: () => ({ path: '/e' }) });
    deps.spawnElectron = electronThat(h, runsMs, ended);
    expect(await runStart([], deps)).toBeNull();
    expect(h.exits).toEqual([code]);
    expect(h.out).toEqual([]);
  });
});
