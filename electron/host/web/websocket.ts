import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { ApiError, type EventName, parseCall } from '../../core/api';
import type { ConsoleCore } from '../../core/console-core.types';
import { WS_PROTOCOL } from './auth-token';
import { type ClientOutbox, createClientOutbox } from './client-outbox';
import { startHeartbeat } from './ws-heartbeat';
import { type ClientMessage, MAX_MESSAGE_BYTES, parseClientFrame, type ServerMessage } from './ws-protocol';

/**
 * The console's live channel: calls in, results and pushed events out. One core subscription serves
 * every client (each event is serialised once, however many tabs are open); it exists only while at
 * least one client is connected, so closing the last socket leaves no listener on the core.
 * The upgrade has already been authenticated by the router when `handleUpgrade` runs.
 */

/**
 * Frames above MAX_MESSAGE_BYTES get an error naming their call; beyond this hard cap `ws` closes the
 * socket (1009) before we see the frame. Four times the call limit covers even a maximal import made
 * of multi-byte characters, so a call the UI allows is answered, never cut off.
 */
const HARD_MAX_PAYLOAD = 4 * MAX_MESSAGE_BYTES;
const TICK_EVENT: EventName = 'traffic.onTick';

/** Close code for a client that fell too far behind (private range 4000–4999; the renderer reconnects). */
export const TOO_FAR_BEHIND_CLOSE_CODE = 4008;
/** A client that does not take its close frame within this long is cut off. */
const CLOSE_GRACE_MS = 5_000;

export interface WsHubOptions {
  core: ConsoleCore;
  actor: string;
  /** per-client buffered bytes above which intermediate ticks are dropped */
  highWaterBytes?: number;
  /** per-client buffered bytes above which the client is closed (TOO_FAR_BEHIND_CLOSE_CODE) */
  maxBufferedBytes?: number;
  /** ping interval; a client that misses a whole interval is terminated (default 30 s) */
  heartbeatMs?: number;
}

export interface WsHub {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  clientCount(): number;
  close(): Promise<void>;
}

export function createWsHub(options: WsHubOptions): WsHub {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_MAX_PAYLOAD,
    perMessageDeflate: false,
    // The router has checked that 'sb.v1' was offered; the token subprotocol is never echoed back.
    handleProtocols: () => WS_PROTOCOL,
  });
  const clients = new Map<WebSocket, ClientOutbox>();
  const heartbeat = startHeartbeat(options.heartbeatMs);
  let unsubscribe: (() => void) | null = null;

  const broadcast = (name: EventName, payload: unknown) => {
    const data = JSON.stringify({ type: 'event', name, payload } satisfies ServerMessage);
    for (const outbox of clients.values()) {
      if (name === TICK_EVENT) outbox.sendTick(data);
      else outbox.send(data);
    }
  };

  const attach = (ws: WebSocket) => {
    const outbox = createClientOutbox(ws, {
      highWaterBytes: options.highWaterBytes,
      maxBufferedBytes: options.maxBufferedBytes,
      onOverflow: (bytes) => closeTooFarBehind(ws, bytes),
    });
    clients.set(ws, outbox);
    heartbeat.watch(ws);
    unsubscribe ??= options.core.subscribe(broadcast);
    ws.on('message', (data, isBinary) => void onFrame(outbox, toBuffer(data), isBinary, options));
    ws.on('close', () => detach(ws));
    ws.on('error', () => ws.terminate());
  };

  const detach = (ws: WebSocket) => {
    clients.delete(ws);
    heartbeat.forget(ws);
    if (clients.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, attach);
    },
    clientCount: () => clients.size,
    async close() {
      heartbeat.stop();
      for (const ws of clients.keys()) {
        ws.terminate();
        detach(ws);
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * The close frame queues behind everything the client has not read, so a client that reads nothing
 * would never get it: it is cut off after a grace period. One that is merely slow gets the reason.
 */
function closeTooFarBehind(ws: WebSocket, bytes: number): void {
  const mib = (bytes / (1024 * 1024)).toFixed(1);
  ws.close(TOO_FAR_BEHIND_CLOSE_CODE, `too far behind: ${mib} MiB unsent; reconnect for current state`);
  const cutOff = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
  cutOff.unref();
  ws.once('close', () => clearTimeout(cutOff));
}

async function onFrame(
  outbox: ClientOutbox,
  data: Buffer,
  isBinary: boolean,
  options: WsHubOptions,
): Promise<void> {
  const frame = parseClientFrame(data, isBinary);
  if (!frame.ok) {
    outbox.send(JSON.stringify(frame.reply));
    return;
  }
  outbox.send(JSON.stringify(await runCall(frame.message, options)));
}

async function runCall(message: ClientMessage, options: WsHubOptions): Promise<ServerMessage> {
  try {
    const call = parseCall(message.name, message.input);
    const result = await options.core.call(call.name, call.input, { actor: options.actor });
    return { type: 'result', id: message.id, ok: true, result: result ?? null };
  } catch (error) {
    return { type: 'result', id: message.id, ok: false, error: ApiError.from(error).toData() };
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
