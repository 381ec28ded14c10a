/**
 * Does a flag's answer depend on the targeting key? flagd answers TARGETING_KEY_MISSING only then:
 * a flag without targeting (or one that is off) has the same answer for every context, so a request
 * without a targetingKey gets it. Overrides test the key; a rule needs it when it reads
 * {"var": "targetingKey"} or buckets with `fractional` (which hashes the key by default), also
 * through a {"$ref": ...} to the file's shared $evaluators.
 */
import type { CompiledFlag } from '../core/flags/embedded/flag-snapshot';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function needsTargetingKey(flag: CompiledFlag, evaluators: unknown): boolean {
  if (!flag.info.enabled) return false;
  if (flag.split.overrides.length > 0) return true;
  return readsTargetingKey(flag.split.rule, isObject(evaluators) ? evaluators : {}, new Set());
}

export function hasTargetingKey(context: Readonly<Record<string, unknown>>): boolean {
  return typeof context.targetingKey === 'string' && context.targetingKey !== '';
}

function readsTargetingKey(logic: unknown, evaluators: Json, followed: Set<string>): boolean {
  if (Array.isArray(logic)) return logic.some((item) => readsTargetingKey(item, evaluators, followed));
  if (!isObject(logic)) return false;
  for (const [operator, operand] of Object.entries(logic)) {
    if (operator === 'fractional') return true;
    if (operator === 'var' && namesTargetingKey(operand)) return true;
    if (operator === '$ref' && typeof operand === 'string') {
      if (followed.has(operand)) continue;
      followed.add(operand);
      if (readsTargetingKey(evaluators[operand], evaluators, followed)) return true;
      continue;
    }
    if (readsTargetingKey(operand, evaluators, followed)) return true;
  }
  return false;
}

/** {"var": "targetingKey"} or {"var": ["targetingKey", default]} */
function namesTargetingKey(operand: unknown): boolean {
  const name = Array.isArray(operand) ? operand[0] : operand;
  return name === 'targetingKey';
}
