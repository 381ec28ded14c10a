import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { ApiError, type CallName, callNames, parseCall, wireName } from '../../core/api';
import type { ConsoleCore } from '../../core/console-core.types';
import { APP_ORIGIN, originOf } from './app-origin';
import type { IpcResult } from './ipc-result';

/**
 * The Electron transport of the contract. One handler per call, generated from api.ts. Each one checks,
 * in this order: who is asking (our window's main frame, on our origin), what they ask (the contract's
 * schema), and only then calls the core. Events from the core are forwarded to the window.
 */

type IpcWindow = Pick<BrowserWindow, 'isDestroyed' | 'webContents'>;
type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  core: ConsoleCore;
  actor: string;
  /** the one window allowed to call; null while none is open */
  getWindow: () => IpcWindow | null;
  appOrigin?: string;
  log?: (message: string) => void;
}

/** Why a sender is refused, or null when it is our window's main frame on our origin. */
export function senderProblem(
  event: SenderEvent,
  win: IpcWindow | null,
  appOrigin = APP_ORIGIN,
): string | null {
  // senderFrame is null when the frame navigated away or was destroyed while the call was in flight.
  const frame = event.senderFrame;
  if (!frame) return 'no sender frame';
  if (!win || win.isDestroyed()) return 'no Switchboard window';
  if (event.sender !== win.webContents) return 'sender is not the Switchboard window';
  if (frame.parent !== null || frame.frameTreeNodeId !== win.webContents.mainFrame.frameTreeNodeId) {
    return 'sender is a subframe';
  }
  if (originOf(frame.url) !== appOrigin) return `sender origin ${originOf(frame.url)} is not ${appOrigin}`;
  return null;
}

export function registerIpc(options: IpcOptions): () => void {
  const appOrigin = options.appOrigin ?? APP_ORIGIN;
  for (const name of callNames) {
    options.ipcMain.handle(wireName(name), (event, ...args: unknown[]) => {
      const problem = senderProblem(event, options.getWindow(), appOrigin);
      if (problem) {
        options.log?.(`IPC ${wireName(name)} refused: ${problem}`);
        // A refused sender gets a rejection and nothing else; it is not our page.
        throw new Error(`${wireName(name)} refused`);
      }
      return runCall(options, name, args);
    });
  }
  const unsubscribe = options.core.subscribe((event, payload) => {
    const win = options.getWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    win.webContents.send(wireName(event), payload);
  });
  return () => {
    unsubscribe();
    for (const name of callNames) options.ipcMain.removeHandler(wireName(name));
  };
}

async function runCall(options: IpcOptions, name: CallName, args: unknown[]): Promise<IpcResult> {
  try {
    if (args.length > 1) throw new ApiError('INVALID_INPUT', `${name} takes one input object`);
    const call = parseCall(name, args[0]);
    const result = await options.core.call(call.name, call.input, { actor: options.actor });
    return { ok: true, result: result ?? null };
  } catch (error) {
    return { ok: false, error: ApiError.from(error).toData() };
  }
}
