/**
 * Per-tenant overrides as flagd targeting, in one canonical form:
 *
 *   {"if": [ {"in": [{"var": "targetingKey"}, ["acme", "globex"]]}, "off",
 *            {"in": [{"var": "targetingKey"}, ["initech"]]},        "on",
 *            <rule or null> ]}
 *
 * Leading clauses that test the targeting key against a list of strings and answer an existing
 * variant are overrides; whatever follows (a hand-written rule) is kept verbatim as the rule and
 * evaluated after them. A tenant listed twice only counts where flagd would see it first, so
 * merging clauses of one variant never changes what anybody is served.
 */

export interface OverrideClause {
  variant: string;
  tenants: string[];
}

export interface SplitTargeting {
  overrides: OverrideClause[];
  /** The targeting evaluated after the overrides; null when there is none. */
  rule: unknown;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const singleKey = (value: unknown, key: string): value is JsonObject =>
  isObject(value) && Object.keys(value).length === 1 && Object.hasOwn(value, key);

export function isEmptyTargeting(targeting: unknown): boolean {
  return (
    targeting === undefined ||
    targeting === null ||
    (isObject(targeting) && Object.keys(targeting).length === 0)
  );
}

/** The tenant list of an override condition, or null when `condition` is anything else. */
function overrideTenants(condition: unknown): string[] | null {
  if (!singleKey(condition, 'in')) return null;
  const operands = condition.in;
  if (!Array.isArray(operands) || operands.length !== 2) return null;
  const [subject, list] = operands;
  if (!singleKey(subject, 'var') || subject.var !== 'targetingKey') return null;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) return null;
  return list;
}

export function splitTargeting(
  targeting: unknown,
  variants: Readonly<Record<string, unknown>>,
): SplitTargeting {
  if (isEmptyTargeting(targeting)) return { overrides: [], rule: null };
  if (!singleKey(targeting, 'if') || !Array.isArray(targeting.if)) return { overrides: [], rule: targeting };
  const args: unknown[] = targeting.if;
  const overrides: OverrideClause[] = [];
  const seen = new Set<string>();
  let index = 0;
  for (; index + 1 < args.length; index += 2) {
    const tenants = overrideTenants(args[index]);
    const variant = args[index + 1];
    if (!tenants || typeof variant !== 'string' || !Object.hasOwn(variants, variant)) break;
    addToClause(overrides, variant, tenants, seen);
  }
  if (index === 0) return { overrides: [], rule: targeting };
  return { overrides, rule: ruleFrom(args.slice(index)) };
}

function addToClause(
  overrides: OverrideClause[],
  variant: string,
  tenants: string[],
  seen: Set<string>,
): void {
  let clause = overrides.find((candidate) => candidate.variant === variant);
  if (!clause) {
    clause = { variant, tenants: [] };
    overrides.push(clause);
  }
  for (const tenant of tenants) {
    if (seen.has(tenant)) continue;
    seen.add(tenant);
    clause.tenants.push(tenant);
  }
}

/** What an `if` answers once its leading override pairs are taken away. */
function ruleFrom(remaining: unknown[]): unknown {
  if (remaining.length === 0) return null;
  if (remaining.length === 1) return remaining[0] ?? null;
  return { if: remaining };
}

/** The rule on its own, as targeting flagd accepts (an object), or undefined for none. */
export function ruleAsTargeting(rule: unknown): JsonObject | undefined {
  if (rule === null || rule === undefined) return undefined;
  if (isObject(rule)) return rule;
  // A bare variant name (the else branch of a hand-written `if`) is not valid targeting by itself.
  return { if: [true, rule] };
}

export function joinTargeting(split: SplitTargeting): JsonObject | undefined {
  const clauses = split.overrides.filter((clause) => clause.tenants.length > 0);
  if (clauses.length === 0) return ruleAsTargeting(split.rule);
  const args = clauses.flatMap((clause) => [
    { in: [{ var: 'targetingKey' }, [...clause.tenants]] },
    clause.variant,
  ]);
  return { if: [...args, split.rule ?? null] };
}

/** Tenant → variant for every override, for O(1) lookups. */
export function overrideIndex(overrides: readonly OverrideClause[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const clause of overrides) for (const tenant of clause.tenants) index.set(tenant, clause.variant);
  return index;
}

export function withoutTenant(split: SplitTargeting, tenantId: string): SplitTargeting {
  return {
    rule: split.rule,
    overrides: split.overrides.map((clause) => ({
      variant: clause.variant,
      tenants: clause.tenants.filter((tenant) => tenant !== tenantId),
    })),
  };
}

/** Put the tenant in `variant`'s list (and in no other). */
export function withTenant(split: SplitTargeting, tenantId: string, variant: string): SplitTargeting {
  const cleared = withoutTenant(split, tenantId);
  const clause = cleared.overrides.find((candidate) => candidate.variant === variant);
  if (clause) clause.tenants.push(tenantId);
  else cleared.overrides.push({ variant, tenants: [tenantId] });
  return cleared;
}
