/**
 * The Electron app's composition root: build the core, then wire each concern to it. Each concern is
 * its own module taking its dependencies as options (and tested without Electron); nothing here
 * decides anything worth a test.
 *
 * Bundled by build.ts to dist/electron/main.cjs; paths below are relative to that file.
 */

import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  protocol,
  safeStorage,
  Tray,
} from 'electron';
import { wireName } from '../../core/api';
import { createConsoleCore } from '../../core/console-core';
import type { ConsoleCore } from '../../core/console-core.types';
import { errorText } from '../../core/errors/error-text';
import { consoleCoreOptions, type ServeOptions, START_USAGE } from '../launcher/serve-args';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, registerAppProtocol } from './app-protocol';
import { createBrokerNotifier } from './broker-notifications';
import { showDesktopNotice } from './desktop-notice';
import { electronLaunch } from './electron-args';
import { registerIpc } from './ipc';
import { createSpikeNotifier, type NotifierWiring } from './notifications';
import { createSafeStorageSecretStore, plainTextOptIn } from './secret-store.safe-storage';
import { createSpikeTray } from './tray';
import { createMainWindow, hardenWebContents, type MainWindow } from './window';

const RENDERER_DIR = join(__dirname, '..', 'renderer');
const PRELOAD = join(__dirname, 'preload.cjs');
const ASSETS = join(__dirname, 'assets');
const ICON = join(ASSETS, 'icon.png');

// The console's command line and SWITCHBOARD_* variables, read as `npm run serve` reads them.
const launch = electronLaunch(process.argv, process.env);
if (launch.kind === 'help') {
  process.stdout.write(`${START_USAGE}\n`);
  app.exit(0);
} else if (launch.kind === 'invalid') {
  process.stderr.write(`Switchboard: ${launch.message}\n`);
  app.exit(2);
} else {
  run(launch.args);
}

function run(args: ServeOptions): void {
  // Before `ready`: the scheme's privileges, and where userData lives — the data directory, whose
  // default (data-dir.ts) is the one the web host uses too.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.setPath('userData', args.dataDir);
  // Any webContents that ever appears gets the same deny-by-default rules as the main window.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let main: MainWindow | null = null;
  const showWindow = () => {
    if (!main || main.window.isDestroyed()) return;
    if (main.window.isMinimized()) main.window.restore();
    main.window.show();
    main.window.focus();
  };
  app.on('second-instance', showWindow);
  app.on('window-all-closed', () => app.quit());

  app.whenReady().then(async () => {
    try {
      const actor = osUser();
      // Profile secrets are encrypted with the OS key store; basic_text (no keyring) is reported and
      // used only with SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS=1. SWITCHBOARD_SECRET_* variables come first.
      const secrets = createSafeStorageSecretStore({
        safeStorage,
        file: join(args.dataDir, 'secrets.json'),
        env: process.env,
        allowPlainText: plainTextOptIn(process.env),
        onWarning: (warning) => console.warn(`Switchboard: ${warning}`),
      });
      const core = await createConsoleCore({ ...consoleCoreOptions(args, 'electron'), actor, secrets });
      registerAppProtocol(protocol, createAppProtocolHandler({ rendererDir: RENDERER_DIR }));
      // IPC first: the page calls while it loads, and getWindow sees the window as soon as it exists.
      const disposeIpc = registerIpc({
        ipcMain,
        core,
        actor,
        getWindow: () => main?.window ?? null,
        log: console.warn,
      });
      main = await createMainWindow({ BrowserWindow, core, actor, preloadPath: PRELOAD, icon: ICON });
      main.loaded.catch((error: Error) =>
        console.error(`Switchboard: the page did not load: ${error.message}`),
      );
      const disposeTray = startTray(core, showWindow);
      const reveal = (tenantId: string) => {
        const win = main?.window;
        if (win && !win.isDestroyed()) win.webContents.send(wireName('app.onReveal'), { tenantId });
      };
      const disposeNotifier = startNotifications(core, showWindow, reveal);
      quitCleanly(async () => {
        await main?.state.flush();
        disposeNotifier();
        disposeTray();
        disposeIpc();
        await core.stop();
      });
    } catch (error) {
      dialog.showErrorBox('Switchboard could not start', errorText(error));
      app.exit(1);
    }
  });
}

function startTray(core: ConsoleCore, showWindow: () => void): () => void {
  const images = {
    normal: nativeImage.createFromPath(join(ASSETS, 'tray.png')),
    alert: nativeImage.createFromPath(join(ASSETS, 'tray-alert.png')),
  };
  const tray = createSpikeTray({
    tray: new Tray(images.normal),
    images,
    contextMenu: Menu.buildFromTemplate([
      { label: 'Show Switchboard', click: showWindow },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
    subscribe: (listener) => core.subscribe(listener),
    initialSpiking: core.spikingCount(),
    onActivate: showWindow,
  });
  return () => tray.dispose();
}

/** Spikes, and a broker blocking every publisher (or leaking channels): worth interrupting for. */
function startNotifications(
  core: ConsoleCore,
  showWindow: () => void,
  reveal: (tenantId: string) => void,
): () => void {
  const host = { Notification, icon: ICON, showWindow, reveal };
  const wiring: NotifierWiring = {
    subscribe: (listener) => core.subscribe(listener),
    isSupported: () => Notification.isSupported(),
    notify: (notice) => showDesktopNotice(host, notice),
  };
  const stops = [createSpikeNotifier(wiring), createBrokerNotifier(wiring)];
  return () => {
    for (const stop of stops) stop();
  };
}

/** Hold the first quit until the window size is saved and the core has stopped, then quit for real. */
function quitCleanly(shutdown: () => Promise<void>): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    shutdown()
      .catch((error: Error) => console.error(`Switchboard: shutdown failed: ${error.message}`))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
