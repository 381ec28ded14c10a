/**
 * A tiny HTTP server on 127.0.0.1 that a test controls: what each request gets, how slowly, and
 * whether the server is there at all (stop() then restart() on the same port: connection refused,
 * then recovery). Every request is recorded so tests can count what a tick costs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  body: string;
  headers?: Record<string, string>;
  /** ms before answering */
  delayMs?: number;
}

export type Handler = (url: URL, request: IncomingMessage) => Reply | Promise<Reply>;

export class LocalServer {
  readonly requests: URL[] = [];
  private server: Server | null = null;
  private port = 0;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(public handler: Handler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Paths requested since `from` (an index into `requests`), without the query. */
  paths(from = 0): string[] {
    return this.requests.slice(from).map((u) => u.pathname);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stop listening (requests are refused) — keep the port for restart(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(url);
    let reply: Reply;
    try {
      reply = await this.handler(url, req);
    } catch (error) {
      reply = { status: 500, body: String(error) };
    }
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    };
    if (!reply.delayMs) return send();
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      send();
    }, reply.delayMs);
    this.pending.add(timer);
  }
}
