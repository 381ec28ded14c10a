import { contextBridge, type IpcRenderer, type IpcRendererEvent, ipcRenderer } from 'electron';
import {
  type BridgeApi,
  type CallName,
  callNames,
  type EventName,
  eventNames,
  splitName,
  wireName,
} from '../../core/api';
import type { IpcResult } from './ipc-result';

/**
 * The bridge: exactly the contract of api.ts, nested by feature, as `window.switchboard`. One function
 * per call and one `onX(listener)` per event, generated from the contract's own lists so nothing can
 * be added by hand. The page never sees ipcRenderer, the Electron event object or process.env.
 * Runs in the sandboxed preload: bundled, with only 'electron' left external.
 */

export const BRIDGE_KEY = 'switchboard';

type BridgeRenderer = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function buildBridgeApi(renderer: BridgeRenderer): BridgeApi {
  const api: Record<string, Record<string, unknown>> = {};
  const slot = (name: CallName | EventName) => {
    const [feature, member] = splitName(name);
    api[feature] ??= {};
    return (value: unknown) => {
      api[feature]![member] = value;
    };
  };
  for (const name of callNames) slot(name)((input: unknown) => invoke(renderer, name, input));
  for (const name of eventNames) slot(name)((listener: unknown) => subscribe(renderer, name, listener));
  return api as unknown as BridgeApi;
}

/** Resolves with the result, or rejects with the plain ApiErrorData {code, message, issues?}. */
async function invoke(renderer: BridgeRenderer, name: CallName, input: unknown): Promise<unknown> {
  const reply = (await renderer.invoke(wireName(name), input)) as IpcResult;
  if (reply.ok) return reply.result;
  throw reply.error;
}

function subscribe(renderer: BridgeRenderer, name: EventName, listener: unknown): () => void {
  if (typeof listener !== 'function') throw new TypeError(`${name}: listener must be a function`);
  const channel = wireName(name);
  // The event object carries `sender` (the whole ipcRenderer): it must not reach the page.
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  renderer.on(channel, forward);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    renderer.removeListener(channel, forward);
  };
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, buildBridgeApi(ipcRenderer));
