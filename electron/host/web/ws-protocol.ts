import { z } from 'zod';
import type { ApiErrorData, EventName } from '../../core/api';
import { issueTexts } from '../../core/storage/zod-issue-text';
import { MAX_CALL_BYTES } from './call-size-limit';

/**
 * The WebSocket envelope (JSON text frames). The call's input is validated later by the contract;
 * this only checks the envelope, so a malformed frame gets an `error` message and nothing else happens.
 */

/** Frames up to this size are parsed; a bigger one is refused with an error naming its call. */
export const MAX_MESSAGE_BYTES = MAX_CALL_BYTES;

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
  if (data.length > MAX_MESSAGE_BYTES) {
    // Too big to parse, but the client is waiting on this call: name it so it fails now, not at its timeout.
    return invalid(
      `message of ${data.length} bytes is larger than the ${MAX_MESSAGE_BYTES} bytes a call may have`,
      leadingCallId(data),
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return invalid('message is not valid JSON');
  }
  const parsed = clientMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issues = issueTexts(parsed.error, '(message)');
  return invalid(`malformed message: ${issues.join('; ')}`, idOf(value));
}

function invalid(message: string, id?: number): ParsedFrame {
  const error: ApiErrorData = { code: 'INVALID_INPUT', message };
  return { ok: false, reply: id === undefined ? { type: 'error', error } : { type: 'error', id, error } };
}

function idOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return usableId((value as { id?: unknown }).id);
}

function usableId(id: unknown): number | undefined {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/**
 * The id of a frame too large to parse, read from its head. Only the envelope our WebClient writes
 * (`{"type":"call","id":<n>,...`) is recognised; anything else gets an error without an id.
 */
const LEADING_CALL_ID = /^\s*\{\s*"type"\s*:\s*"call"\s*,\s*"id"\s*:\s*(\d{1,16})\s*[,}]/;

function leadingCallId(data: Buffer): number | undefined {
  const match = LEADING_CALL_ID.exec(data.subarray(0, 128).toString('latin1'));
  return match ? usableId(Number(match[1])) : undefined;
}
