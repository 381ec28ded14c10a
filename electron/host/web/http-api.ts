import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type ApiErrorCode, type ApiErrorData, parseCall } from '../../core/api';
import type { ConsoleCore } from '../../core/console-core.types';
import { MAX_CALL_BYTES } from './call-size-limit';

/**
 * `POST /api/<call name>` with a JSON body: the REST face of the same contract the WebSocket carries.
 * Authentication happened at the router; here we only parse, validate, call and map errors to statuses.
 */

export const DEFAULT_MAX_BODY_BYTES = MAX_CALL_BYTES;

export function statusForError(code: ApiErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'UNKNOWN_CALL':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'READ_ONLY':
    case 'CONFIRMATION_REQUIRED':
    case 'CONFLICT':
      // The request was fine; the state it met refuses it (a read-only or production profile, a lost race).
      return 409;
    case 'DATA_FILE_INVALID':
      // A data file on disk fails validation: the call was understood but cannot be processed.
      return 422;
    case 'PROVIDER_ERROR':
      // The flag system behind us failed, not this host.
      return 502;
    default:
      return 500;
  }
}

export interface HttpApiOptions {
  core: ConsoleCore;
  actor: string;
  maxBodyBytes?: number;
}

export async function handleApiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  callName: string,
  options: HttpApiOptions,
): Promise<void> {
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: { code: 'INVALID_INPUT', message: 'use POST' } }, { Allow: 'POST' });
    return;
  }
  const body = await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (body === 'too-large') {
    // The rest of the upload is not worth reading: answer and close.
    sendJson(
      res,
      413,
      { error: { code: 'INVALID_INPUT', message: 'request body too large' } },
      { Connection: 'close' },
    );
    req.destroy();
    return;
  }
  try {
    const input = parseJsonBody(body);
    // The core validates too; checking here keeps malformed input from ever reaching it.
    const call = parseCall(callName, input);
    const result = await options.core.call(call.name, call.input, { actor: options.actor });
    sendJson(res, 200, result ?? null);
  } catch (error) {
    const data: ApiErrorData = ApiError.from(error).toData();
    sendJson(res, statusForError(data.code), { error: data });
  }
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('INVALID_INPUT', 'request body is not valid JSON');
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  res.end(text);
}
