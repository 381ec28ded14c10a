/**
 * The embedded flag store served over the OpenFeature Remote Evaluation Protocol (OFREP v0.3),
 * so any service with an OpenFeature OFREP provider reads the same flags the console flips.
 *
 *   POST /ofrep/v1/evaluate/flags/{key}  one flag
 *   POST /ofrep/v1/evaluate/flags        every flag (ETag / If-None-Match → 304), advertises SSE
 *   GET  /ofrep/v1/sse                   refetchEvaluation events on every change (with the tenants
 *                                        a flip changed, when few: changedTargetingKeys)
 *
 * Plain node:http, bound to loopback by default. With a token every route but the CORS preflight
 * needs `Authorization: Bearer <token>` (the SSE route also takes the derived key it advertises).
 * Browsers get CORS headers only for the origins configured (none by default).
 */
import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlagSnapshot } from '../core/flags/embedded/flag-snapshot';
import type { FlagsChange } from '../core/flags/embedded/flag-store';
import { bearerMatches, sameSecret, sseKeyFor } from './bearer-token';
import { changedTargetingKeys } from './changed-targeting-keys';
import { type AllowedOrigins, corsHeaders, NO_ORIGINS, preflightHeaders } from './cors';
import { type ParsedRequest, parseEvaluationRequest } from './evaluation-request';
import { bulkBody, type EventStream, singleReply } from './ofrep-responses';
import { BodyTooLargeError, readBody } from './request-body';
import { refetchEvent, SseHub } from './sse-hub';

/** What the server needs of the flag store (FlagStore is one). */
export interface OfrepFlagSource {
  snapshot(): FlagSnapshot;
  onChange(listener: (change: FlagsChange) => void): () => void;
}

export interface OfrepServerOptions {
  store?: OfrepFlagSource;
  /** the embedded provider (its store is served) */
  provider?: { readonly store: OfrepFlagSource };
  /** default 8016; 0 picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** when set, required as a bearer token */
  token?: string;
  /** default 64 KiB */
  maxBodyBytes?: number;
  /** SSE keep-alive comment interval, default 15 s */
  keepAliveMs?: number;
  /** browser origins allowed by CORS; default none (no CORS headers at all) */
  allowedOrigins?: AllowedOrigins;
}

export interface OfrepServer {
  /** base URL of the protocol: http://127.0.0.1:<port>/ofrep/v1 */
  readonly url: string;
  /** what OpenFeature's OFREP providers take as `baseUrl`: http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  /** open SSE streams */
  sseClients(): number;
  close(): Promise<void>;
}

const PREFIX = '/ofrep/v1';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

type Route = { kind: 'single'; key: string } | { kind: 'bulk' } | { kind: 'sse' };

interface Refusal {
  status: number;
  details: string;
  headers?: OutgoingHttpHeaders;
}

export async function startOfrepServer(options: OfrepServerOptions): Promise<OfrepServer> {
  const source = options.store ?? options.provider?.store;
  if (!source) throw new Error('startOfrepServer needs a store or a provider');
  const host = options.host ?? '127.0.0.1';
  const handler = new OfrepHandler(source, options, LOOPBACK.has(host));
  const server = createServer((req, res) => void handler.handle(req, res));
  await listen(server, options.port ?? 8016, host);
  const port = (server.address() as AddressInfo).port;
  const unsubscribe = source.onChange((change) => handler.notify(change));
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}${PREFIX}`,
    origin,
    port,
    sseClients: () => handler.hub.size,
    close: async () => {
      unsubscribe();
      handler.hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

class OfrepHandler {
  readonly hub: SseHub;
  private readonly eventStreams: EventStream[];
  private readonly sseKey: string | null;
  private readonly maxBodyBytes: number;
  private readonly allowedOrigins: AllowedOrigins;
  /** the state the last event described, to tell which tenants the next change touches */
  private announced: FlagSnapshot;

  constructor(
    private readonly source: OfrepFlagSource,
    private readonly options: OfrepServerOptions,
    private readonly loopbackOnly: boolean,
  ) {
    this.hub = new SseHub(options.keepAliveMs ?? 15_000);
    this.sseKey = options.token ? sseKeyFor(options.token) : null;
    const requestUri = this.sseKey ? `${PREFIX}/sse?key=${this.sseKey}` : `${PREFIX}/sse`;
    this.eventStreams = [{ type: 'sse', endpoint: { requestUri }, inactivityDelaySec: 120 }];
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.allowedOrigins = options.allowedOrigins ?? NO_ORIGINS;
    this.announced = source.snapshot();
  }

  notify(change: FlagsChange): void {
    const snapshot = this.source.snapshot();
    const hint = changedTargetingKeys(this.announced, snapshot);
    this.announced = snapshot;
    const lastModified = Math.floor(snapshot.loadedAt / 1000);
    this.hub.broadcast(refetchEvent(change.etag, lastModified, hint));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = corsHeaders(req.headers.origin, this.allowedOrigins);
    try {
      await this.route(req, res, cors);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { errorDetails: error.message }, { ...cors, Connection: 'close' });
      } else if (!res.headersSent) {
        sendJson(res, 500, { errorDetails: 'internal error' }, cors);
      } else {
        res.destroy();
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, cors: OutgoingHttpHeaders): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ofrep.invalid');
    if (req.method === 'OPTIONS' && this.hostAllowed(req)) {
      // A page from an origin not allowed learns nothing, not even which headers we would take.
      return send(res, 204, Object.keys(cors).length > 0 ? { ...cors, ...preflightHeaders } : {});
    }
    const admission = this.admit(req, url);
    if ('refusal' in admission) {
      const { status, details, headers } = admission.refusal;
      return sendJson(res, status, { errorDetails: details }, { ...cors, ...headers });
    }
    const { route } = admission;
    if (route.kind === 'sse') return this.openStream(req, res, cors);
    const parsed = parseEvaluationRequest(await readBody(req, this.maxBodyBytes));
    if (route.kind === 'single') return this.evaluateOne(res, cors, route.key, parsed);
    if (!parsed.ok) {
      return sendJson(res, 400, { errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, cors);
    }
    const body = bulkBody(this.source.snapshot(), parsed.context, this.eventStreams);
    this.sendBulk(req, res, cors, JSON.stringify(body), JSON.stringify(parsed.context));
  }

  /** The route to serve, or why not (host, token, path, method — in that order). */
  private admit(req: IncomingMessage, url: URL): { route: Route } | { refusal: Refusal } {
    const route = matchRoute(url.pathname);
    if (!this.hostAllowed(req)) return { refusal: { status: 403, details: 'unexpected Host header' } };
    if (!this.authorized(req, url, route)) {
      const headers = { 'WWW-Authenticate': 'Bearer' };
      return { refusal: { status: 401, details: 'missing or invalid bearer token', headers } };
    }
    if (!route) return { refusal: { status: 404, details: `no such OFREP route: ${url.pathname}` } };
    const method = route.kind === 'sse' ? 'GET' : 'POST';
    if (req.method !== method) {
      return { refusal: { status: 405, details: `use ${method}`, headers: { Allow: `${method}, OPTIONS` } } };
    }
    return { route };
  }

  /**
   * A page elsewhere can point a DNS name at 127.0.0.1 (DNS rebinding); a loopback server only
   * answers requests that were addressed to loopback.
   */
  private hostAllowed(req: IncomingMessage): boolean {
    return !this.loopbackOnly || LOOPBACK.has(hostName(req.headers.host));
  }

  private evaluateOne(
    res: ServerResponse,
    cors: OutgoingHttpHeaders,
    key: string,
    parsed: ParsedRequest,
  ): void {
    if (!parsed.ok) {
      sendJson(res, 400, { key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, cors);
      return;
    }
    const reply = singleReply(this.source.snapshot(), key, parsed.context);
    sendJson(res, reply.status, reply.body, cors);
  }

  private authorized(req: IncomingMessage, url: URL, route: Route | null): boolean {
    const token = this.options.token;
    if (!token) return true;
    if (bearerMatches(req.headers.authorization, token)) return true;
    const key = url.searchParams.get('key');
    return route?.kind === 'sse' && key !== null && this.sseKey !== null && sameSecret(key, this.sseKey);
  }

  /**
   * The ETag hashes the answer together with the context it answers, so a client is sent 304
   * unless *its* evaluation changed: after one tenant's flip, 9,999 of 10,000 tenants re-fetch for
   * the price of a header (a hash of the whole flag file would send all of them a full body).
   */
  private sendBulk(
    req: IncomingMessage,
    res: ServerResponse,
    cors: OutgoingHttpHeaders,
    text: string,
    context: string,
  ): void {
    const etag = `"${createHash('sha256').update(text).update('\0').update(context).digest('base64url').slice(0, 27)}"`;
    const headers = { ...cors, ETag: etag, 'Cache-Control': 'no-cache' };
    if (matchesEtag(req.headers['if-none-match'], etag)) send(res, 304, headers);
    else sendText(res, 200, text, headers);
  }

  private openStream(req: IncomingMessage, res: ServerResponse, cors: OutgoingHttpHeaders): void {
    const snapshot = this.source.snapshot();
    this.hub.open(req, res, cors, refetchEvent(snapshot.etag, Math.floor(snapshot.loadedAt / 1000)));
  }
}

function matchRoute(pathname: string): Route | null {
  if (pathname === `${PREFIX}/evaluate/flags`) return { kind: 'bulk' };
  if (pathname === `${PREFIX}/sse`) return { kind: 'sse' };
  const single = `${PREFIX}/evaluate/flags/`;
  if (!pathname.startsWith(single) || pathname.length === single.length) return null;
  const encoded = pathname.slice(single.length);
  if (encoded.includes('/')) return null;
  try {
    return { kind: 'single', key: decodeURIComponent(encoded) };
  } catch {
    return null;
  }
}

function hostName(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  res.writeHead(status, headers);
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders): void {
  sendText(res, status, JSON.stringify(body), { ...headers, 'Cache-Control': 'no-store' });
}

function sendText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
