/**
 * OFREP response bodies, shaped as flagd shapes them: success {key, value, reason, variant, metadata},
 * failure {key, errorCode, errorDetails}; bulk {flags, metadata, eventStreams}.
 */
import { evaluateFlag, type FlagContext, type FlagEvaluation } from '../core/flags/embedded/evaluate-flag';
import type { CompiledFlag, FlagSnapshot } from '../core/flags/embedded/flag-snapshot';
import { hasTargetingKey, needsTargetingKey } from './targeting-key-need';

export interface OfrepReply {
  status: number;
  body: unknown;
}

export interface EventStream {
  type: 'sse';
  endpoint: { requestUri: string };
  inactivityDelaySec: number;
}

type OfrepEvaluation =
  | FlagEvaluation
  | { ok: false; key: string; errorCode: 'TARGETING_KEY_MISSING'; errorDetails: string };

/** evaluateFlag, refusing (as flagd does) only a flag whose targeting needs the key it was not given. */
function evaluate(snapshot: FlagSnapshot, flag: CompiledFlag, context: FlagContext): OfrepEvaluation {
  if (!hasTargetingKey(context) && needsTargetingKey(flag, snapshot.document.$evaluators)) {
    return {
      ok: false,
      key: flag.key,
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: `flag \`${flag.key}\` targets by context.targetingKey (the tenant id), which is missing`,
    };
  }
  return evaluateFlag(flag, context);
}

function evaluationBody(flag: CompiledFlag, evaluation: OfrepEvaluation): Record<string, unknown> {
  if (!evaluation.ok) {
    return {
      key: flag.key,
      errorCode: evaluation.errorCode,
      errorDetails: evaluation.errorDetails,
      metadata: flag.metadata,
    };
  }
  const { key, value, reason, variant } = evaluation;
  return { key, value, reason, variant, metadata: flag.metadata };
}

export function singleReply(snapshot: FlagSnapshot, key: string, context: FlagContext): OfrepReply {
  const flag = snapshot.flags.get(key);
  if (!flag) {
    return {
      status: 404,
      body: { key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `flag \`${key}\` does not exist` },
    };
  }
  const evaluation = evaluate(snapshot, flag, context);
  return { status: evaluation.ok ? 200 : 400, body: evaluationBody(flag, evaluation) };
}

export function bulkBody(snapshot: FlagSnapshot, context: FlagContext, eventStreams: readonly EventStream[]) {
  const flags = [...snapshot.flags.values()].map((flag) =>
    evaluationBody(flag, evaluate(snapshot, flag, context)),
  );
  return { flags, metadata: snapshot.metadata, eventStreams };
}
