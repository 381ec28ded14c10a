/**
 * SwitchboardClient over ONE WebSocket to the web host.
 *
 * Wire protocol (the web host speaks the same):
 *   URL ws://<host>/ws, subprotocols ['sb.v1', 'sb.token.<token>']
 *   → {"type":"call","id":<int>,"name":"<call>","input":{...}}
 *   ← {"type":"result","id":<int>,"ok":true,"result":...}
 *   ← {"type":"result","id":<int>,"ok":false,"error":{"code","message","issues?"}}
 *   ← {"type":"event","name":"<event>","payload":...}
 *   ← {"type":"error","id"?:<int>,"error":{...}}   a frame the host could not take (too large, malformed);
 *                                                  with an id, that call fails at once
 *
 * The socket reconnects with exponential backoff and full jitter. Calls in flight when the link drops
 * reject with DISCONNECTED (a flip is never silently re-sent on a later connection); calls made while
 * there is no socket reject at once. Event listeners survive reconnects: the host pushes every event
 * to every socket, so there is nothing to re-subscribe. The UI reads the link state from `connection`.
 */
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../electron/core/api';
import { CallError, type ConnectionInfo, type ConnectionMonitor, type RendererClient } from './client';

/** The part of the DOM WebSocket the client uses, so tests can hand in a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export interface WebClientOptions {
  url: string;
  token: string | null;
  /** defaults to the browser's WebSocket */
  createSocket?: WebSocketFactory;
  /**
   * Asked after a connection attempt failed before it opened: does the host answer plain HTTP?
   * A host that answers HTTP but refused our upgrade refused our token (browsers hide the 401/403 of a
   * refused WebSocket handshake), so the banner says "unauthorized" instead of retrying forever.
   */
  probe?: () => Promise<boolean>;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
  callTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

const OPEN = 1;
/** Close codes a host uses to say "your token is not accepted". */
const UNAUTHORIZED_CLOSE_CODES = new Set([4401, 4403, 1008]);
/** Subprotocol values must be HTTP tokens (RFC 7230 tchar). */
const TCHAR = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNAUTHORIZED_RETRY_MS = 30_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

export class WebClient implements RendererClient {
  readonly connection: ConnectionMonitor;
  private readonly opts: Required<Omit<WebClientOptions, 'probe' | 'token'>> &
    Pick<WebClientOptions, 'probe' | 'token'>;
  private socket: WebSocketLike | null = null;
  private opened = false;
  private attempt = 0;
  private refusedWhileUp = 0;
  private retryTimer: unknown = null;
  private disposed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: string[] = [];
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private readonly stateListeners = new Set<(info: ConnectionInfo) => void>();
  private info: ConnectionInfo = { state: 'connecting', retryAt: null, detail: null };

  constructor(options: WebClientOptions) {
    this.opts = {
      createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      now: Date.now,
      callTimeoutMs: 30_000,
      backoffBaseMs: 500,
      backoffMaxMs: 15_000,
      ...options,
    };
    this.connection = {
      get: () => this.info,
      subscribe: (listener) => {
        this.stateListeners.add(listener);
        return () => {
          this.stateListeners.delete(listener);
        };
      },
      retryNow: () => this.retryNow(),
    };
    this.connect();
  }

  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    return new Promise<CallOutput<N>>((resolve, reject) => {
      if (this.disposed) return reject(new CallError('DISCONNECTED', 'the client was closed'));
      if (this.info.state === 'unauthorized') {
        return reject(new CallError('UNAUTHORIZED', 'the Switchboard host refused this session’s token'));
      }
      const socket = this.socket;
      if (!socket) {
        return reject(
          new CallError('DISCONNECTED', `not connected to the Switchboard host (${name} not sent)`),
        );
      }
      const id = this.nextId++;
      const timer = this.opts.setTimer(() => {
        if (this.pending.delete(id)) {
          reject(
            new CallError(
              'TIMEOUT',
              `${name}: no answer from the host in ${this.opts.callTimeoutMs / 1000} s`,
            ),
          );
        }
      }, this.opts.callTimeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const message = JSON.stringify({ type: 'call', id, name, input: input ?? {} });
      if (socket.readyState === OPEN) socket.send(message);
      else this.queue.push(message);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const fn = listener as (payload: never) => void;
    set.add(fn);
    return () => {
      this.listeners.get(event)?.delete(fn);
    };
  }

  /** Number of event listeners still registered (tests use it to catch leaks). */
  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  close(): void {
    this.disposed = true;
    if (this.retryTimer !== null) this.opts.clearTimer(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, 'client closed');
    }
    this.failPending('the client was closed');
  }

  private retryNow(): void {
    if (this.disposed || this.socket) return;
    if (this.retryTimer !== null) this.opts.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private setInfo(next: ConnectionInfo): void {
    this.info = next;
    for (const listener of [...this.stateListeners]) listener(next);
  }

  private connect(): void {
    if (this.disposed) return;
    const token = this.opts.token;
    if (!token) {
      this.setInfo({
        state: 'unauthorized',
        retryAt: null,
        detail: 'this tab has no access token',
      });
      return;
    }
    if (!TCHAR.test(token)) {
      this.setInfo({
        state: 'unauthorized',
        retryAt: null,
        detail: 'the access token in the link is malformed',
      });
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url, ['sb.v1', `sb.token.${token}`]);
    } catch (error) {
      this.setInfo({
        state: 'unauthorized',
        retryAt: null,
        detail: `cannot open the connection: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    this.socket = socket;
    this.opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.opened = true;
      this.attempt = 0;
      this.refusedWhileUp = 0;
      this.setInfo({ state: 'connected', retryAt: null, detail: null });
      for (const message of this.queue.splice(0)) socket.send(message);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onerror = () => {
      // The close event follows and carries what little the browser tells us.
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.queue.length = 0;
      const wasOpen = this.opened;
      this.failPending(
        wasOpen
          ? `connection to the host lost (${ev.code}); the call may or may not have run`
          : 'could not connect',
      );
      this.onClosed(ev.code, ev.reason, wasOpen);
    };
  }

  private onClosed(code: number, reason: string, wasOpen: boolean): void {
    if (this.disposed) return;
    if (UNAUTHORIZED_CLOSE_CODES.has(code)) {
      this.scheduleRetry(
        UNAUTHORIZED_RETRY_MS,
        'unauthorized',
        reason || 'the host refused this session’s token',
      );
      return;
    }
    const detail = wasOpen ? `connection lost (${code}${reason ? `: ${reason}` : ''})` : 'host not reachable';
    const delay = this.backoff();
    if (!wasOpen && this.opts.probe) {
      // Browsers report a refused handshake (401/403) exactly like a host that is down; ask HTTP which.
      this.scheduleRetry(delay, this.info.state === 'unauthorized' ? 'unauthorized' : 'reconnecting', detail);
      this.opts.probe().then(
        (up) => {
          if (this.disposed || this.socket || this.info.state === 'connected') return;
          this.refusedWhileUp = up ? this.refusedWhileUp + 1 : 0;
          if (this.refusedWhileUp >= 2) {
            this.scheduleRetry(
              UNAUTHORIZED_RETRY_MS,
              'unauthorized',
              'the host is up but refused this session’s token',
            );
          }
        },
        () => {
          this.refusedWhileUp = 0;
        },
      );
      return;
    }
    this.scheduleRetry(delay, 'reconnecting', detail);
  }

  /** Exponential backoff with full jitter: uniform in [d/2, d], d = min(max, base·2^attempt). */
  private backoff(): number {
    const ceiling = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(ceiling / 2 + (this.opts.random() * ceiling) / 2);
  }

  private scheduleRetry(delay: number, state: 'reconnecting' | 'unauthorized', detail: string): void {
    if (this.retryTimer !== null) this.opts.clearTimer(this.retryTimer);
    this.setInfo({ state, retryAt: this.opts.now() + delay, detail });
    this.retryTimer = this.opts.setTimer(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private failPending(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      this.opts.clearTimer(p.timer);
      p.reject(new CallError('DISCONNECTED', message));
    }
  }

  private settle(id: number, how: (pending: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.opts.clearTimer(p.timer);
    how(p);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      console.warn('switchboard: ignoring a message that is not JSON');
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    const m = msg as Record<string, unknown>;
    if (m.type === 'result' && typeof m.id === 'number') {
      if (m.ok === true) this.settle(m.id, (p) => p.resolve(m.result));
      else this.settle(m.id, (p) => p.reject(callErrorFrom(m.error)));
      return;
    }
    if (m.type === 'error') {
      // The host refused a frame before it became a call. With an id we know whose: fail it now rather
      // than at its timeout. Without one there is nobody to tell; the console keeps a trace.
      if (typeof m.id === 'number' && this.pending.has(m.id)) {
        this.settle(m.id, (p) => p.reject(callErrorFrom(m.error)));
      } else {
        console.warn('switchboard: the host refused a message:', callErrorFrom(m.error).message);
      }
      return;
    }
    if (m.type === 'event' && typeof m.name === 'string') {
      const set = this.listeners.get(m.name);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          listener(m.payload as never);
        } catch (error) {
          console.error(`switchboard: a ${m.name} listener threw`, error);
        }
      }
    }
  }
}

function callErrorFrom(error: unknown): CallError {
  const err = (error ?? {}) as { code?: unknown; message?: unknown; issues?: unknown };
  const issues = Array.isArray(err.issues) ? err.issues.map(String) : undefined;
  return new CallError(
    (typeof err.code === 'string' ? err.code : 'INTERNAL') as CallError['code'],
    typeof err.message === 'string' ? err.message : 'the call failed',
    issues,
  );
}

/** The same-origin socket URL of the web host: ws://<location.host>/ws. */
export function webSocketUrl(location: Pick<Location, 'host' | 'protocol'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}
