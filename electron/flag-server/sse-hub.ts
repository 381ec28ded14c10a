/**
 * The open `GET /ofrep/v1/sse` streams. Events are notifications only (ADR-0008): they carry the
 * flag configuration's etag, and clients re-fetch their own evaluations. When the server knows which
 * targeting keys a change affects (a tenant flip) the event also lists them in `changedTargetingKeys`,
 * an extension other clients ignore: a client evaluating many keys re-fetches those first.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** How long a client waits before reconnecting after the stream drops (the SSE `retry:` field). */
const RETRY_MS = 1_000;

export function refetchEvent(
  etag: string,
  lastModifiedSec: number,
  changedTargetingKeys: readonly string[] | null = null,
): string {
  const event = {
    type: 'refetchEvaluation',
    etag,
    lastModified: lastModifiedSec,
    ...(changedTargetingKeys ? { changedTargetingKeys } : {}),
  };
  return `event: message\ndata: ${JSON.stringify(event)}\n\n`;
}

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(keepAliveMs: number) {
    // Comments keep proxies and idle timers from closing a quiet stream, and let clients notice a dead one.
    this.keepAlive = setInterval(() => this.broadcast(': keep-alive\n\n'), keepAliveMs);
    this.keepAlive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * Start a stream. `first` goes out at once: a client that reconnects after missing a change
   * (the server restarted, the network dropped) learns the current etag and re-fetches.
   */
  open(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders, first: string): void {
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n${first}`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  broadcast(chunk: string): void {
    for (const client of this.clients) client.write(chunk);
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}
