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
  // Every flag here is per tenant: without the tenant id there is nothing meaningful to answer.
  if (targetingKey === undefined || targetingKey === null || targetingKey === '') {
    return {
      ok: false,
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: 'context.targetingKey (the tenant id) is required',
    };
  }
  if (typeof targetingKey !== 'string') {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: 'context.targetingKey must be a string' };
  }
  return { ok: true, context };
}
