import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { ApiError, type EventName, parseCall } from '../../core/api';
import type { ConsoleCore } from '../../core/console-core.types';
import { WS_PROTOCOL } from './auth-token';
import { type ClientOutbox, createClientOutbox } from './client-outbox';
import { type ClientMessage, parseClientFrame, type ServerMessage } from './ws-protocol';

/**
 * The console's live channel: calls in, results and pushed events out. One core subscription serves
 * every client (each event is serialised once, however many tabs are open); it exists only while at
 * least one client is connected, so closing the last socket leaves no listener on the core.
 * The upgrade has already been authenticated by the router when `handleUpgrade` runs.
 */

/** Frames above MAX_MESSAGE_BYTES get a polite error; beyond this hard cap `ws` closes the socket (1009). */
const HARD_MAX_PAYLOAD = 16 * 1024 * 1024;
const TICK_EVENT: EventName = 'traffic.onTick';

export interface WsHubOptions {
  core: ConsoleCore;
  actor: string;
  highWaterBytes?: number;
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
  let unsubscribe: (() => void) | null = null;

  const broadcast = (name: EventName, payload: unknown) => {
    const data = JSON.stringify({ type: 'event', name, payload } satisfies ServerMessage);
    for (const outbox of clients.values()) {
      if (name === TICK_EVENT) outbox.sendTick(data);
      else outbox.send(data);
    }
  };

  const attach = (ws: WebSocket) => {
    const outbox = createClientOutbox(ws, options.highWaterBytes);
    clients.set(ws, outbox);
    unsubscribe ??= options.core.subscribe(broadcast);
    ws.on('message', (data, isBinary) => void onFrame(outbox, toBuffer(data), isBinary, options));
    ws.on('close', () => detach(ws));
    ws.on('error', () => ws.terminate());
  };

  const detach = (ws: WebSocket) => {
    clients.delete(ws);
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
      for (const ws of clients.keys()) {
        ws.terminate();
        detach(ws);
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
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
