/** An OFREP evaluation request body → the evaluation context, or the OFREP error that explains why not. */
import type { FlagContext } from '../core/flags/embedded/evaluate-flag';

export type OfrepErrorCode =
  | 'PARSE_ERROR'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'GENERAL'
  | 'FLAG_NOT_FOUND';

export interface OfrepRequestError {
  errorCode: OfrepErrorCode;
  errorDetails: string;
}

export type ParsedRequest = { ok: true; context: FlagContext } | ({ ok: false } & OfrepRequestError);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseEvaluationRequest(raw: string): ParsedRequest {
  let body: unknown = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      return { ok: false, errorCode: 'PARSE_ERROR', errorDetails: 'the request body is not valid JSON' };
    }
  }
  if (!isObject(body)) {
    return {
      ok: false,
      errorCode: 'INVALID_CONTEXT',
      errorDetails: 'the request body must be an object: {"context": {...}}',
    };
  }
  const context = body.context ?? {};
  if (!isObject(context))
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: '"context" must be an object' };
  const targetingKey = context.targetingKey;
  // No key is fine here: as in flagd, only a flag whose targeting reads it answers TARGETING_KEY_MISSING.
  if (targetingKey !== undefined && targetingKey !== null && typeof targetingKey !== 'string') {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: 'context.targetingKey must be a string' };
  }
  return { ok: true, context };
}
