/**
 * What a LaunchDarkly environment config serves to one single-kind context, computed locally where
 * that can be done with certainty, in LaunchDarkly's order: off → prerequisites → individual targets →
 * rules → fallthrough.
 *
 * Certain: individual targets, clauses `in` on the context's `key`, clauses on another context kind
 * (they never match a single-kind context), fixed variations. Not certain (the answer says so, and the
 * provider asks LaunchDarkly's evaluate endpoint instead): any other clause (other ops, other
 * attributes — services may send attributes the console does not know — and segments), percentage
 * rollouts, prerequisites whose flags are not at hand. Each uncertain answer carries a best guess
 * (uncertain rules skipped, a rollout's heaviest variation) for the no-I/O table column.
 */
import type { FlagValueSource } from '../../api';
import type { LdClause, LdEnvironmentConfig, LdFlag, LdRollout, LdRule, LdTarget } from './ld-schemas';

export interface LdContext {
  kind: string;
  key: string;
}

export type LdReasonKind = 'OFF' | 'PREREQUISITE_FAILED' | 'TARGET_MATCH' | 'RULE_MATCH' | 'FALLTHROUGH';

export type LocalEvaluation =
  | {
      certain: true;
      /** null when LaunchDarkly would serve no variation (off without an off variation) */
      variation: number | null;
      source: FlagValueSource;
      reason: LdReasonKind;
    }
  | {
      certain: false;
      why: string;
      guess: { variation: number | null; source: FlagValueSource };
    };

/** Another flag's config in the same environment, for prerequisites; undefined when not at hand. */
export type FlagLookup = (key: string) => LdFlag | undefined;

export function evaluateLocally(
  flag: LdFlag,
  environment: string,
  context: LdContext,
  lookup: FlagLookup = () => undefined,
  visiting: ReadonlySet<string> = new Set(),
): LocalEvaluation {
  const env = flag.environments[environment];
  if (!env) {
    return uncertain(`"${flag.key}" has no configuration for environment "${environment}"`, null, 'default');
  }
  if (!env.on) return certain(env.offVariation ?? null, 'flag-off', 'OFF');

  for (const prerequisite of env.prerequisites) {
    const other = lookup(prerequisite.key);
    if (!other || other.key === flag.key || visiting.has(other.key)) {
      return uncertain(
        `prerequisite "${prerequisite.key}" is not at hand`,
        afterPrerequisites(flag, env, context),
      );
    }
    const result = evaluateLocally(other, environment, context, lookup, new Set([...visiting, flag.key]));
    if (!result.certain) {
      return uncertain(
        `prerequisite "${prerequisite.key}": ${result.why}`,
        afterPrerequisites(flag, env, context),
      );
    }
    const otherOn = other.environments[environment]?.on === true;
    if (!otherOn || result.variation !== prerequisite.variation) {
      return certain(env.offVariation ?? null, 'flag-off', 'PREREQUISITE_FAILED');
    }
  }
  return afterPrerequisites(flag, env, context);
}

/** Targets, rules, fallthrough: the part an individual target of this context decides first. */
function afterPrerequisites(flag: LdFlag, env: LdEnvironmentConfig, context: LdContext): LocalEvaluation {
  const targeted = targetedVariation(env, context);
  if (targeted !== null) return checked(flag, certain(targeted, 'tenant-override', 'TARGET_MATCH'));
  return checked(flag, withoutTargets(env, context));
}

/** What the rules and the fallthrough give this context, i.e. ignoring its individual targets. */
export function withoutTargets(env: LdEnvironmentConfig, context: LdContext): LocalEvaluation {
  let doubt: string | null = null;
  for (const [index, rule] of env.rules.entries()) {
    const match = ruleMatches(rule, context);
    if (match === false) continue;
    if (match === 'unknown') {
      doubt ??= `rule ${index + 1} cannot be decided locally`;
      continue;
    }
    if (rule.variation != null && doubt === null) return certain(rule.variation, 'rule', 'RULE_MATCH');
    const variation = rule.variation ?? heaviest(rule.rollout);
    return uncertain(doubt ?? `rule ${index + 1} is a percentage rollout`, variation, 'rule');
  }
  const fallthrough = env.fallthrough;
  if (fallthrough?.variation != null && doubt === null) {
    return certain(fallthrough.variation, 'default', 'FALLTHROUGH');
  }
  const variation = fallthrough?.variation ?? heaviest(fallthrough?.rollout);
  return uncertain(doubt ?? 'the default rule is a percentage rollout', variation, 'default');
}

/** The variation whose individual targets list this context, or null. */
export function targetedVariation(env: LdEnvironmentConfig, context: LdContext): number | null {
  for (const target of targetsOf(env, context.kind)) {
    if (target.values.includes(context.key)) return target.variation;
  }
  return null;
}

/** Individual targets of one context kind: `targets` for user, `contextTargets` for the others. */
export function targetsOf(env: LdEnvironmentConfig, contextKind: string): LdTarget[] {
  if (contextKind === 'user') return env.targets;
  return env.contextTargets.filter((target) => target.contextKind === contextKind);
}

function ruleMatches(rule: LdRule, context: LdContext): boolean | 'unknown' {
  let unknown = false;
  for (const clause of rule.clauses) {
    const match = clauseMatches(clause, context);
    if (match === false) return false;
    if (match === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : true;
}

function clauseMatches(clause: LdClause, context: LdContext): boolean | 'unknown' {
  if (clause.op === 'segmentMatch') return 'unknown';
  // A clause on a kind the context does not have never matches (negation is not applied).
  if ((clause.contextKind ?? 'user') !== context.kind) return false;
  if (clause.attribute !== 'key' || clause.op !== 'in') return 'unknown';
  const hit = clause.values.some((value) => value === context.key);
  return clause.negate ? !hit : hit;
}

function heaviest(rollout: LdRollout | null | undefined): number | null {
  if (!rollout || rollout.variations.length === 0) return null;
  return rollout.variations.reduce((best, next) => (next.weight > best.weight ? next : best)).variation;
}

/** A variation index outside the flag's variations is not something to show as a value. */
function checked(flag: LdFlag, evaluation: LocalEvaluation): LocalEvaluation {
  const variation = evaluation.certain ? evaluation.variation : evaluation.guess.variation;
  if (variation === null || variation < flag.variations.length) return evaluation;
  return uncertain(`variation index ${variation} does not exist on "${flag.key}"`, null, 'default');
}

function certain(variation: number | null, source: FlagValueSource, reason: LdReasonKind): LocalEvaluation {
  return { certain: true, variation, source, reason };
}

function uncertain(
  why: string,
  guess: LocalEvaluation | number | null,
  source: FlagValueSource = 'default',
): LocalEvaluation {
  if (guess !== null && typeof guess === 'object') {
    const best = guess.certain ? { variation: guess.variation, source: guess.source } : guess.guess;
    return { certain: false, why, guess: best };
  }
  return { certain: false, why, guess: { variation: guess, source } };
}

/** LaunchDarkly's reason kinds, as Switchboard's value sources. */
export function sourceOfReason(kind: string | null | undefined): FlagValueSource {
  switch (kind) {
    case 'TARGET_MATCH':
      return 'tenant-override';
    case 'RULE_MATCH':
      return 'rule';
    case 'OFF':
    case 'PREREQUISITE_FAILED':
      return 'flag-off';
    default:
      return 'default';
  }
}
