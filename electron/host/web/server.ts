import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import type { ConsoleCore } from '../../core/console-core.types';
import {
  assertValidToken,
  checkHttpAuth,
  checkUpgradeAuth,
  generateToken,
  offeredSubprotocols,
  WS_PROTOCOL,
} from './auth-token';
import { handleApiRequest, sendJson } from './http-api';
import { isAllowedHost, isAllowedOrigin } from './request-origin';
import { createStaticFiles, type StaticFiles } from './static-files';
import { createWsHub, type WsHub } from './websocket';

/**
 * The web host: the renderer and the contract over HTTP + WebSocket on 127.0.0.1, for browsers and
 * for machines without an Electron binary. Closed by default: one router checks host, origin and the
 * per-launch token before any route runs, so a new route cannot be left open by forgetting a check.
 */

const BIND_ADDRESS = '127.0.0.1';
/** The renderer's WebClient connects to ws://127.0.0.1:<port>/ws. */
const WS_PATH = '/ws';

export interface WebHostOptions {
  core: ConsoleCore;
  /** 0 picks a free port */
  port: number;
  /** the built renderer (dist/renderer) */
  staticDir: string;
  /** 64 hex characters; a fresh one is drawn when absent */
  token?: string;
  /** who the audit trail names for calls from this host (default: the OS user) */
  actor?: string;
  /** per-client buffered bytes above which intermediate ticks are dropped */
  highWaterBytes?: number;
  /** per-client buffered bytes above which the client is disconnected (it reconnects) */
  maxBufferedBytes?: number;
  /** WebSocket ping interval; a client silent for a whole interval is dropped (default 30 s) */
  heartbeatMs?: number;
  maxBodyBytes?: number;
}

export interface WebHost {
  /** `http://127.0.0.1:<port>/#token=<token>`: the fragment never leaves the browser */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? generateToken();
  assertValidToken(token);
  const actor = options.actor ?? osUser();
  const hub = createWsHub({
    core: options.core,
    actor,
    highWaterBytes: options.highWaterBytes,
    maxBufferedBytes: options.maxBufferedBytes,
    heartbeatMs: options.heartbeatMs,
  });

  // The router needs the bound port (for Origin/Host/CSP), which port 0 only yields after listen.
  let route: Router | null = null;
  const server = createServer((req, res) => {
    if (route) void route.request(req, res);
    else res.writeHead(503).end();
  });
  server.on('upgrade', (req, socket: Duplex, head) => {
    // The raw socket is ours from here: a client reset must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    if (route) route.upgrade(req, socket, head);
    else socket.destroy();
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${BIND_ADDRESS}:${port}`;
  route = createRouter({
    ...options,
    token,
    actor,
    hub,
    origin,
    host: `${BIND_ADDRESS}:${port}`,
    staticFiles: createStaticFiles({ staticDir: options.staticDir, port }),
  });

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Router {
  request(req: IncomingMessage, res: ServerResponse): Promise<void>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

interface RouterOptions extends WebHostOptions {
  token: string;
  actor: string;
  hub: WsHub;
  origin: string;
  host: string;
  staticFiles: StaticFiles;
}

function createRouter(o: RouterOptions): Router {
  return {
    async request(req, res) {
      setCommonHeaders(res);
      if (!isAllowedHost(req, o.host) || !isAllowedOrigin(req, o.origin)) {
        sendText(res, 403, 'forbidden');
        return;
      }
      const pathname = pathOf(req);
      try {
        if (pathname === '/api' || pathname.startsWith('/api/')) {
          const auth = checkHttpAuth(req, o.token);
          if (!auth.ok) {
            sendText(res, 401, 'unauthorized');
            return;
          }
          await handleApiRequest(req, res, pathname.slice('/api/'.length), o);
          return;
        }
        await o.staticFiles.serve(req, res, pathname);
      } catch {
        // A broken request (aborted upload) must not take the host down; the details stay here.
        sendJson(res, 500, { error: { code: 'INTERNAL', message: 'request failed' } });
      }
    },

    upgrade(req, socket, head) {
      if (pathOf(req) !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
      if (!isAllowedHost(req, o.host) || !isAllowedOrigin(req, o.origin)) {
        return refuseUpgrade(socket, 403, 'Forbidden');
      }
      if (!checkUpgradeAuth(req, o.token).ok) return refuseUpgrade(socket, 401, 'Unauthorized');
      if (!offeredSubprotocols(req).includes(WS_PROTOCOL)) {
        return refuseUpgrade(socket, 400, 'Bad Request');
      }
      o.hub.handleUpgrade(req, socket, head);
    },
  };
}

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Refusals say nothing about why: the reason is for us, not for whoever is probing. */
function sendText(res: ServerResponse, status: number, text: string): void {
  res
    .writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
    .end(text);
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, BIND_ADDRESS, () => {
      server.off('error', reject);
      resolve();
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
