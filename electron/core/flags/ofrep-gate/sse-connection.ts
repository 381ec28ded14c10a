/**
 * One attempt at an SSE stream over node:http(s). It reports open, each message, and exactly one
 * close with a reason; reconnecting is the caller's decision (the gate's backoff). Written here
 * rather than with an EventSource so that it can send an Authorization header and notice a stream
 * that has gone silent (no keep-alive comments) without waiting for TCP to give up.
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { type SseMessage, SseParser } from './sse-parser';

export interface SseConnectionOptions {
  url: URL;
  headers: Record<string, string>;
  /** close (and so reconnect) when nothing, not even a comment, arrives for this long */
  idleTimeoutMs: number;
  onOpen(): void;
  onMessage(message: SseMessage): void;
  onClose(reason: string): void;
}

export interface SseConnection {
  close(): void;
}

export function openSseConnection(options: SseConnectionOptions): SseConnection {
  const get = options.url.protocol === 'https:' ? httpsGet : httpGet;
  const parser = new SseParser();
  let finished = false;
  let idle: NodeJS.Timeout | undefined;

  const finish = (reason: string): void => {
    if (finished) return;
    finished = true;
    clearTimeout(idle);
    req.destroy();
    options.onClose(reason);
  };
  const armIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(
      () => finish(`no data on the event stream for ${options.idleTimeoutMs} ms`),
      options.idleTimeoutMs,
    );
    idle.unref();
  };

  const req = get(
    options.url,
    {
      headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache', ...options.headers },
      agent: false,
    },
    (res) => {
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.resume();
        finish(
          `the event stream answered HTTP ${res.statusCode} (${res.headers['content-type'] ?? 'no content type'})`,
        );
        return;
      }
      options.onOpen();
      armIdle();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        armIdle();
        for (const message of parser.feed(chunk)) if (!finished) options.onMessage(message);
      });
      res.on('end', () => finish('the server closed the event stream'));
      res.on('close', () => finish('the event stream was cut'));
      res.on('error', (error) => finish(`the event stream failed: ${error.message}`));
    },
  );
  req.on('error', (error: NodeJS.ErrnoException) =>
    finish(`cannot reach ${options.url.host}: ${error.code ?? error.message}`),
  );

  return {
    close: () => {
      finished = true;
      clearTimeout(idle);
      req.destroy();
    },
  };
}
