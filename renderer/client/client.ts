/**
 * What every renderer component codes against: the contract's `SwitchboardClient` plus the state of
 * the transport under it. Only the two entry files (main.web.tsx, main.electron.tsx) choose a transport.
 */
import type { ApiErrorCode, SwitchboardClient } from '../../electron/core/api';

/**
 * connecting   — first attempt, nothing received yet
 * connected    — calls and events flow
 * reconnecting — the link dropped; retrying with backoff (data on screen is frozen)
 * unauthorized — the host refused our token (it restarted with a new one, or the link was copied)
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

export interface ConnectionInfo {
  state: ConnectionState;
  /** epoch ms of the next reconnect attempt while reconnecting, else null */
  retryAt: number | null;
  /** human text for the banner, e.g. "connection lost: closed (1006)" */
  detail: string | null;
}

export interface ConnectionMonitor {
  get(): ConnectionInfo;
  subscribe(listener: (info: ConnectionInfo) => void): () => void;
  /** Try now instead of waiting for the backoff timer. */
  retryNow(): void;
}

export interface RendererClient extends SwitchboardClient {
  readonly connection: ConnectionMonitor;
}

/** Codes the transports add to the contract's own. */
export type ClientErrorCode = ApiErrorCode | 'DISCONNECTED' | 'UNAUTHORIZED' | 'TIMEOUT';

/** How a failed call rejects, whatever the transport: the contract's error data as an Error. */
export class CallError extends Error {
  readonly code: ClientErrorCode;
  readonly issues?: string[];
  constructor(code: ClientErrorCode, message: string, issues?: string[]) {
    super(message);
    this.name = 'CallError';
    this.code = code;
    if (issues && issues.length > 0) this.issues = issues;
  }
}

/** Text to show for any error a call produced: the message plus field issues when there are some. */
export function errorText(error: unknown): string {
  if (error instanceof CallError) {
    const extra = error.issues?.length ? ` (${error.issues.join('; ')})` : '';
    return `${error.message}${extra}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A monitor for transports that are always up (the Electron bridge, the in-memory client). */
export function alwaysConnected(): ConnectionMonitor {
  const info: ConnectionInfo = { state: 'connected', retryAt: null, detail: null };
  return {
    get: () => info,
    subscribe: () => () => {},
    retryNow: () => {},
  };
}
