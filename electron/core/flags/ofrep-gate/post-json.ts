/**
 * A small POST over node:http(s) with a shared keep-alive agent: thousands of per-tenant bulk
 * evaluations reuse a handful of sockets instead of opening one connection each.
 */
import { type Agent as HttpAgent, request as httpRequest } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface JsonReply {
  status: number;
  etag: string | null;
  body: string;
}

export function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  agent: HttpAgent | HttpsAgent,
  timeoutMs: number,
): Promise<JsonReply> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          const etag = res.headers.etag ?? null;
          resolve({ status: res.statusCode ?? 0, etag, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(new Error(`the answer from ${url.host} was cut: ${error.message}`));
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach ${url.host}: ${error.code ?? error.message}`));
    });
    req.end(body);
  });
}
