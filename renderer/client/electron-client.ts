/**
 * SwitchboardClient over the Electron preload bridge (`window.switchboard`, typed BridgeApi: nested by
 * feature, `switchboard.traffic.snapshot(input)`, `switchboard.traffic.onTick(listener) → unsubscribe`).
 * The bridge is a local IPC channel that is up as long as the window is, so the connection is always
 * "connected".
 */
import type {
  ApiErrorCode,
  BridgeApi,
  CallInput,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
} from '../../electron/core/api';
import { alwaysConnected, CallError, type RendererClient } from './client';

declare global {
  interface Window {
    switchboard?: BridgeApi;
  }
}

type Member = (arg: unknown) => unknown;

const API_CODES: readonly ApiErrorCode[] = [
  'UNKNOWN_CALL',
  'INVALID_INPUT',
  'NOT_FOUND',
  'READ_ONLY',
  'PROVIDER_ERROR',
  'DATA_FILE_INVALID',
  'INTERNAL',
];

/**
 * Electron's invoke() rejects with an Error whose message is "Error invoking remote method 'sb:x.y':
 * <Name>: <message>" and loses custom fields, unless the preload rethrows the error data it received.
 * Accept both: a `code` property, or the code spelled in the message.
 */
export function toCallError(error: unknown): CallError {
  if (error instanceof CallError) return error;
  const e = (error ?? {}) as { code?: unknown; message?: unknown; issues?: unknown };
  const issues = Array.isArray(e.issues) ? e.issues.map(String) : undefined;
  let message = typeof e.message === 'string' ? e.message : String(error);
  message = message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
  if (typeof e.code === 'string' && (API_CODES as readonly string[]).includes(e.code)) {
    return new CallError(e.code as ApiErrorCode, message, issues);
  }
  const spelled = /^\[?([A-Z_]+)\]?:?\s+(.*)$/s.exec(message);
  if (spelled && (API_CODES as readonly string[]).includes(spelled[1]!)) {
    return new CallError(spelled[1] as ApiErrorCode, spelled[2]!, issues);
  }
  return new CallError('INTERNAL', message, issues);
}

function member(bridge: BridgeApi, name: string): Member {
  const dot = name.indexOf('.');
  const feature = (bridge as unknown as Record<string, Record<string, unknown> | undefined>)[
    name.slice(0, dot)
  ];
  const fn = feature?.[name.slice(dot + 1)];
  if (typeof fn !== 'function') throw new CallError('UNKNOWN_CALL', `the bridge has no ${name}`);
  return fn as Member;
}

export function createElectronClient(bridge: BridgeApi): RendererClient {
  return {
    connection: alwaysConnected(),
    async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
      try {
        return (await member(bridge, name)(input ?? {})) as CallOutput<N>;
      } catch (error) {
        throw toCallError(error);
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const unsubscribe = member(bridge, event)(listener);
      return typeof unsubscribe === 'function' ? (unsubscribe as () => void) : () => {};
    },
  };
}
