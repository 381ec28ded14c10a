import { z } from 'zod';
import type { ApiErrorData, EventName } from '../../core/api';

/**
 * The WebSocket envelope (JSON text frames). The call's input is validated later by the contract;
 * this only checks the envelope, so a malformed frame gets an `error` message and nothing else happens.
 */

export const MAX_MESSAGE_BYTES = 1024 * 1024;

export const clientMessageSchema = z
  .object({
    type: z.literal('call'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    name: z.string().min(1).max(200),
    input: z.unknown().optional(),
  })
  .strict();

export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorData }
  | { type: 'event'; name: EventName; payload: unknown }
  /** `id` is added when the bad frame still carried a usable one, so the client can fail that call. */
  | { type: 'error'; id?: number; error: ApiErrorData };

export type ParsedFrame = { ok: true; message: ClientMessage } | { ok: false; reply: ServerMessage };

export function parseClientFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return invalid('binary frames are not accepted; send JSON text');
  if (data.length > MAX_MESSAGE_BYTES) return invalid(`message larger than ${MAX_MESSAGE_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return invalid('message is not valid JSON');
  }
  const parsed = clientMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`);
  return invalid(`malformed message: ${issues.join('; ')}`, usableId(value));
}

function invalid(message: string, id?: number): ParsedFrame {
  const error: ApiErrorData = { code: 'INVALID_INPUT', message };
  return { ok: false, reply: id === undefined ? { type: 'error', error } : { type: 'error', id, error } };
}

function usableId(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}
