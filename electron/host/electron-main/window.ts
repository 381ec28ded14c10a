import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron';
import type { ConsoleCore } from '../../core/console-core.types';
import { APP_ORIGIN, originOf, RENDERER_URL } from './app-origin';
import { loadWindowState, trackWindowState, type WindowState, type WindowStateTracker } from './window-state';

/**
 * The one place window security is decided (Electron's security checklist): isolation and sandbox on,
 * Node off, no new windows, no navigation away from the app's origin, no permissions granted. Every
 * window Switchboard opens comes from here, so the tests of this file are the tests of all of them.
 */

export interface SecureWindowInput {
  preloadPath: string;
  state: WindowState;
  icon?: string;
}

export function secureWindowOptions(input: SecureWindowInput): BrowserWindowConstructorOptions {
  return {
    width: input.state.width,
    height: input.state.height,
    minWidth: 640,
    minHeight: 400,
    title: 'Switchboard',
    icon: input.icon,
    // Shown on ready-to-show: no white flash at 3 a.m.
    show: false,
    backgroundColor: '#11151c',
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

type HardenableContents = Pick<WebContents, 'setWindowOpenHandler' | 'on' | 'session'>;

/** Deny by default: window.open, off-origin navigation (any frame, redirects included), webviews, permissions. */
export function hardenWebContents(contents: HardenableContents, appOrigin = APP_ORIGIN): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayHome = (event: { url: string; preventDefault(): void }) => {
    if (originOf(event.url) !== appOrigin) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-frame-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

export function hardenWindow(win: { webContents: HardenableContents }, appOrigin = APP_ORIGIN): void {
  hardenWebContents(win.webContents, appOrigin);
}

export interface MainWindowOptions {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  core: ConsoleCore;
  actor: string;
  preloadPath: string;
  url?: string;
  icon?: string;
}

export interface MainWindow {
  window: BrowserWindow;
  state: WindowStateTracker;
  /** settles when the page has loaded (rejects if it could not be) */
  loaded: Promise<void>;
}

/**
 * Returns as soon as the window exists, before its page has loaded: the page calls over IPC while it
 * loads, and those calls are checked against this window.
 */
export async function createMainWindow(options: MainWindowOptions): Promise<MainWindow> {
  const initial = await loadWindowState(options.core, options.actor);
  const window = new options.BrowserWindow(
    secureWindowOptions({ preloadPath: options.preloadPath, state: initial, icon: options.icon }),
  );
  hardenWindow(window);
  if (initial.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  const state = trackWindowState(window, options.core, options.actor);
  const loaded = window.loadURL(options.url ?? RENDERER_URL);
  return { window, state, loaded };
}
