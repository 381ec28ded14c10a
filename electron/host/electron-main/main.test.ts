/**
 * The Electron app's entry, run on a fake `electron` module and the real core: what `npm start --
 * <flags>` hands Electron must reach the console it starts, and a bad command line must start nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test-services/free-ports';
import { type AppInfo, wireName } from '../../core/api';
import { APP_ORIGIN } from './app-origin';
import type { IpcResult } from './ipc-result';

type Listener = (...args: unknown[]) => void;

/** Just enough of Electron for main.ts, recording what it was asked to do. */
const fake = vi.hoisted(() => {
  const state = {
    exits: [] as number[],
    quits: 0,
    paths: new Map<string, string>(),
    appListeners: new Map<string, Listener[]>(),
    singleInstanceLocks: 0,
    handlers: new Map<string, Listener>(),
    windows: [] as { webContents: { mainFrame: { frameTreeNodeId: number } } }[],
    errorBoxes: [] as string[],
    reset() {
      state.exits = [];
      state.quits = 0;
      state.paths.clear();
      state.appListeners.clear();
      state.singleInstanceLocks = 0;
      state.handlers.clear();
      state.windows = [];
      state.errorBoxes = [];
    },
  };
  return state;
});

vi.mock('electron', () => {
  const on = (listeners: Map<string, Listener[]>) => (event: string, listener: Listener) => {
    listeners.set(event, [...(listeners.get(event) ?? []), listener]);
  };
  const app = {
    exit: (code: number) => fake.exits.push(code),
    quit: () => {
      fake.quits += 1;
    },
    setPath: (name: string, path: string) => fake.paths.set(name, path),
    getPath: (name: string) => fake.paths.get(name) ?? `/nonexistent/${name}`,
    on: on(fake.appListeners),
    requestSingleInstanceLock: () => {
      fake.singleInstanceLocks += 1;
      return true;
    },
    whenReady: () => Promise.resolve(),
  };
  class BrowserWindow {
    private readonly listeners = new Map<string, Listener[]>();
    webContents = {
      mainFrame: { frameTreeNodeId: 1 },
      setWindowOpenHandler: () => undefined,
      on: () => undefined,
      send: () => undefined,
      isDestroyed: () => false,
      session: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined },
    };
    constructor() {
      fake.windows.push(this);
    }
    on(event: string, listener: Listener) {
      on(this.listeners)(event, listener);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    loadURL = async () => undefined;
    isDestroyed = () => false;
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1400, height: 900 });
    maximize = () => undefined;
  }
  class Tray {
    setToolTip = () => undefined;
    setTitle = () => undefined;
    setImage = () => undefined;
    setContextMenu = () => undefined;
    on = () => undefined;
    destroy = () => undefined;
  }
  class Notification {
    static isSupported = () => false;
    on = () => undefined;
    show = () => undefined;
  }
  return {
    app,
    BrowserWindow,
    Tray,
    Notification,
    dialog: { showErrorBox: (_title: string, message: string) => fake.errorBoxes.push(message) },
    ipcMain: {
      handle: (channel: string, handler: Listener) => fake.handlers.set(channel, handler),
      removeHandler: (channel: string) => fake.handlers.delete(channel),
    },
    Menu: { buildFromTemplate: (template: unknown) => template },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
    safeStorage: {
      getSelectedStorageBackend: () => 'gnome_libsecret',
      isAsyncEncryptionAvailable: async () => false,
    },
  };
});

const argv = process.argv;
let dataDir = '';

afterEach(async () => {
  // a started app quits as Electron would: before-quit, held until the core has stopped
  for (const listener of fake.appListeners.get('before-quit') ?? []) listener({ preventDefault() {} });
  if (fake.appListeners.has('before-quit')) await until(() => fake.quits > 0);
  process.argv = argv;
  fake.reset();
  vi.restoreAllMocks();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = '';
});

async function launch(args: string[]): Promise<void> {
  process.argv = ['/opt/electron/electron', '--inspect=0', '/app/dist/electron/main.cjs', ...args];
  vi.resetModules();
  await import('./main');
}

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A call as the app's own window makes it over IPC. */
async function call(name: 'app.info'): Promise<IpcResult> {
  const window = fake.windows[0]!;
  const event = {
    sender: window.webContents,
    senderFrame: { parent: null, frameTreeNodeId: 1, url: `${APP_ORIGIN}/electron.html` },
  };
  return (await (fake.handlers.get(wireName(name))!(event, {}) as unknown)) as IpcResult;
}

describe('the Electron app’s entry', () => {
  it('starts the console with the sources and data directory it was given, past Chromium’s switches', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-electron-'));
    const brokerPort = await freePort();
    await launch([
      '--data-dir',
      dataDir,
      '--no-sandbox',
      '--rabbitmq',
      `http://127.0.0.1:${brokerPort}`,
      '--tenants',
      '7',
      '--ofrep-port=0',
    ]);
    await until(() => fake.windows.length > 0 || fake.errorBoxes.length > 0);
    expect(fake.errorBoxes).toEqual([]);
    expect(fake.paths.get('userData')).toBe(dataDir);

    const reply = await call('app.info');
    if (!reply.ok) throw new Error(reply.error.message);
    const info = reply.result as AppInfo;
    expect(info).toMatchObject({ host: 'electron', dataDir, profile: { name: 'command-line' } });
    expect(info.sources.map((source) => source.kind)).toContain('rabbitmq');
    expect(info.sources.map((source) => source.kind)).not.toContain('simulated');
  });

  it('refuses a malformed option in one line, exit 2, starting nothing', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await launch(['--tenants', 'lots']);
    expect(stderr.mock.calls).toEqual([
      ['Switchboard: --tenants must be an integer from 1 to 100000, got "lots"\n'],
    ]);
    expect(fake.exits).toEqual([2]);
    expect(fake.singleInstanceLocks).toBe(0);
    expect(fake.paths.size).toBe(0);
  });

  it('prints the usage for --help and exits 0', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await launch(['--help']);
    expect(String(stdout.mock.calls[0]?.[0])).toMatch(/^Usage: npm start -- \[options\]/);
    expect(fake.exits).toEqual([0]);
    expect(fake.singleInstanceLocks).toBe(0);
  });
});
