import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../testing/fake-core';
import { createMainWindow, hardenWindow, secureWindowOptions } from './window';
import { DEFAULT_WINDOW_STATE } from './window-state';

type Listener = (...args: unknown[]) => void;

/** Just enough of BrowserWindow to see what window.ts asks of it. */
class FakeWindow {
  static created: FakeWindow[] = [];
  listeners = new Map<string, Listener[]>();
  contentsListeners = new Map<string, Listener[]>();
  openHandler: ((details: { url: string }) => unknown) | null = null;
  permissionRequest:
    | ((contents: unknown, permission: string, callback: (ok: boolean) => void) => void)
    | null = null;
  permissionCheck: ((...args: unknown[]) => boolean) | null = null;
  loaded: string | null = null;
  maximized = false;
  destroyed = false;
  bounds = { x: 0, y: 0, width: 1400, height: 900 };
  webContents = {
    setWindowOpenHandler: (handler: FakeWindow['openHandler']) => {
      this.openHandler = handler;
    },
    on: (event: string, listener: Listener) => {
      this.contentsListeners.set(event, [...(this.contentsListeners.get(event) ?? []), listener]);
    },
    session: {
      setPermissionRequestHandler: (handler: FakeWindow['permissionRequest']) => {
        this.permissionRequest = handler;
      },
      setPermissionCheckHandler: (handler: FakeWindow['permissionCheck']) => {
        this.permissionCheck = handler;
      },
    },
  };
  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeWindow.created.push(this);
  }
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  emit(event: string) {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }
  navigate(event: string, url: string) {
    const preventDefault = vi.fn();
    for (const listener of this.contentsListeners.get(event) ?? []) listener({ url, preventDefault });
    return preventDefault.mock.calls.length > 0;
  }
  maximize() {
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return this.bounds;
  }
  show() {}
  async loadURL(url: string) {
    this.loaded = url;
  }
}

const asWindow = (fake: FakeWindow) => fake as unknown as BrowserWindow;
const Ctor = FakeWindow as unknown as new (options: BrowserWindowConstructorOptions) => BrowserWindow;

describe('secure window defaults', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    const options = secureWindowOptions({ preloadPath: '/app/preload.cjs', state: DEFAULT_WINDOW_STATE });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.show).toBe(false);
  });

  it('denies window.open for every URL', () => {
    const win = new FakeWindow({});
    hardenWindow(asWindow(win));
    for (const url of ['https://example.com', 'app://switchboard/electron.html', 'about:blank']) {
      expect(win.openHandler!({ url })).toEqual({ action: 'deny' });
    }
  });

  it('blocks navigation off the app origin, in every frame and through redirects', () => {
    const win = new FakeWindow({});
    hardenWindow(asWindow(win));
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(win.navigate(event, 'https://evil.test/')).toBe(true);
      expect(win.navigate(event, 'app://switchboard.evil/electron.html')).toBe(true);
      expect(win.navigate(event, 'file:///etc/passwd')).toBe(true);
      expect(win.navigate(event, 'app://switchboard/electron.html#/audit')).toBe(false);
    }
    expect(win.navigate('will-attach-webview', 'app://switchboard/')).toBe(true);
  });

  it('grants no permission', () => {
    const win = new FakeWindow({});
    hardenWindow(asWindow(win));
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      win.permissionRequest!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(win.permissionCheck!({}, permission, 'app://switchboard', {})).toBe(false);
    }
  });
});

describe('createMainWindow', () => {
  it('restores the saved size, loads the app page and saves the size on close', async () => {
    const core = createFakeCore();
    core.answer('settings.get', () => ({ window: { width: 1000, height: 700, maximized: true } }));
    const { state, loaded } = await createMainWindow({
      BrowserWindow: Ctor,
      core,
      actor: 'op',
      preloadPath: '/p.cjs',
    });
    await loaded;
    const win = FakeWindow.created.at(-1)!;
    expect(win.options).toMatchObject({ width: 1000, height: 700 });
    expect(win.maximized).toBe(true);
    expect(win.loaded).toBe('app://switchboard/electron.html');
    expect(win.openHandler).not.toBeNull();

    win.bounds = { x: 0, y: 0, width: 1234.4, height: 50 };
    win.emit('close');
    win.destroyed = true;
    await state.flush();
    const update = core.calls.find((c) => c.name === 'settings.update');
    expect(update?.input).toEqual({ window: { width: 1234, height: 300, maximized: true } });
  });

  it('opens at the default size when settings cannot be read', async () => {
    const core = createFakeCore();
    core.answer('settings.get', () => {
      throw new Error('settings.json invalid');
    });
    await createMainWindow({ BrowserWindow: Ctor, core, actor: 'op', preloadPath: '/p.cjs' });
    expect(FakeWindow.created.at(-1)!.options).toMatchObject({ width: 1400, height: 900 });
  });
});
