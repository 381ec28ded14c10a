/**
 * Switchboard's per-tenant switch, expressed in Unleash's strategies (one flag, one environment).
 *
 * Unleash serves `true` to a context when ANY enabled strategy matches it (strategies are OR'ed;
 * a strategy's constraints are AND'ed); with no enabled strategy at all, an enabled flag is `true`
 * for everyone. So:
 *
 * - **ON list** — "serve true to these tenants": a strategy of Switchboard's own, `flexibleRollout`
 *   100 % titled "switchboard: tenants on", with one constraint `<contextField> IN [tenants]`. When
 *   its last tenant leaves, the constraint goes and the rollout becomes 0 % (matches nobody): Unleash
 *   refuses empty value lists, and deleting the strategy could leave the flag with no strategy,
 *   which Unleash serves as `true` to everyone.
 * - **OFF list** — "serve false to these tenants": there is no deny strategy, and any one matching
 *   strategy wins, so the tenant must be excluded from EVERY other strategy: each one gets (or
 *   already has) a constraint `<contextField> NOT_IN [tenants]`, Switchboard's off list for that
 *   strategy. Disabled strategies get it too, so that enabling one later does not resurrect a killed
 *   tenant. When the flag has no other strategy to exclude from (none, or all disabled: `true` for
 *   everyone), Switchboard adds "switchboard: everyone else", `flexibleRollout` 100 % with the
 *   `NOT_IN` constraint, which keeps everyone else at `true`.
 *
 * A tenant is in at most one kind of list: setting one value takes it out of the other. And as with
 * the embedded provider, a tenant whose value the flag gives anyway is not listed at all (setting it
 * removes the override instead of adding one).
 *
 * This module is pure: it reads strategies and says which edits make a value a tenant's.
 */
import type { Constraint, FeatureEnvironment, Strategy } from './unleash-schemas';

export const ON_TITLE = 'switchboard: tenants on';
export const REST_TITLE = 'switchboard: everyone else';
/** The strategy parameter that carries who/why of Switchboard's last write into Unleash's events. */
export const REASON_PARAMETER = 'switchboardReason';

export type ListKind = 'on' | 'off';

/** One edit of one list: the unit that is written, verified, healed and rolled back. */
export interface Delta {
  list: ListKind;
  op: 'add' | 'remove';
  tenant: string;
}

/** What a strategy looks like after a delta: its constraints, and its rollout when that changes. */
export interface DeltaResult {
  constraints: Constraint[];
  /** the new `parameters.rollout`, or null when it stays */
  rollout: string | null;
}

export type PlanStep =
  | { kind: 'patch'; strategy: Strategy; delta: Delta }
  | { kind: 'create'; title: string; delta: Delta & { op: 'add' } };

/** The strategy a step writes to, as Unleash's UI names it. */
export function strategyName(step: PlanStep): string {
  return step.kind === 'create' ? step.title : step.strategy.title || step.strategy.name;
}

export function isOnStrategy(strategy: Pick<Strategy, 'title'>): boolean {
  return (strategy.title ?? '').startsWith(ON_TITLE);
}

export function isOnConstraint(constraint: Constraint, contextField: string): boolean {
  return constraint.contextName === contextField && constraint.operator === 'IN' && !constraint.inverted;
}

export function isOffConstraint(constraint: Constraint, contextField: string): boolean {
  return constraint.contextName === contextField && constraint.operator === 'NOT_IN' && !constraint.inverted;
}

function listed(constraint: Constraint, tenant: string): boolean {
  const values = constraint.values ?? [];
  if (constraint.caseInsensitive) return values.some((v) => v.toLowerCase() === tenant.toLowerCase());
  return values.includes(tenant);
}

function isListConstraint(constraint: Constraint, contextField: string, list: ListKind): boolean {
  return list === 'on' ? isOnConstraint(constraint, contextField) : isOffConstraint(constraint, contextField);
}

/** Whether the tenant is on this strategy's list of that kind (the on list only on an on strategy). */
export function inList(strategy: Strategy, contextField: string, list: ListKind, tenant: string): boolean {
  if (list === 'on' && !isOnStrategy(strategy)) return false;
  return strategy.constraints.some((c) => isListConstraint(c, contextField, list) && listed(c, tenant));
}

/** Whether the strategy already reflects the delta. */
export function deltaHolds(strategy: Strategy, contextField: string, delta: Delta): boolean {
  return inList(strategy, contextField, delta.list, delta.tenant) === (delta.op === 'add');
}

/**
 * The strategy's constraints after the delta; other constraints and their order are kept. Adding
 * goes into the first case-sensitive list constraint (a new one is appended when there is none);
 * removing takes the tenant out of every list constraint of that kind and drops emptied ones.
 */
export function applyDelta(
  strategy: Pick<Strategy, 'constraints' | 'parameters'>,
  contextField: string,
  delta: Delta,
): DeltaResult {
  const constraints: Constraint[] = strategy.constraints.map((c) =>
    c.values ? { ...c, values: [...c.values] } : { ...c },
  );
  const isList = (c: Constraint) => isListConstraint(c, contextField, delta.list);
  const hadList = constraints.some(isList);
  if (delta.op === 'add') {
    if (constraints.some((c) => isList(c) && listed(c, delta.tenant))) return { constraints, rollout: null };
    const target = constraints.find((c) => isList(c) && !c.caseInsensitive);
    if (target) target.values = [...(target.values ?? []), delta.tenant];
    else constraints.push(newConstraint(contextField, delta.list, [delta.tenant]));
    // An on strategy without tenants is at 0 %: with its first tenant it serves them again.
    const rollout = delta.list === 'on' && !hadList ? '100' : null;
    return { constraints, rollout };
  }
  const kept: Constraint[] = [];
  for (const c of constraints) {
    if (!isList(c)) {
      kept.push(c);
      continue;
    }
    const values = (c.values ?? []).filter((v) =>
      c.caseInsensitive ? v.toLowerCase() !== delta.tenant.toLowerCase() : v !== delta.tenant,
    );
    if (values.length > 0) kept.push({ ...c, values });
  }
  // The on list emptied: without its IN constraint the strategy would match everyone.
  const emptied = delta.list === 'on' && hadList && !kept.some(isList);
  return { constraints: kept, rollout: emptied ? '0' : null };
}

export function newConstraint(contextField: string, list: ListKind, values: string[]): Constraint {
  return {
    contextName: contextField,
    operator: list === 'on' ? 'IN' : 'NOT_IN',
    values,
    caseInsensitive: false,
    inverted: false,
  };
}

/** The strategy with the delta applied (in memory only: for evaluation and checks). */
export function withDelta(strategy: Strategy, contextField: string, delta: Delta): Strategy {
  if (delta.list === 'on' && !isOnStrategy(strategy)) return strategy;
  const { constraints, rollout } = applyDelta(strategy, contextField, delta);
  const parameters = rollout === null ? strategy.parameters : { ...strategy.parameters, rollout };
  return { ...strategy, constraints, parameters };
}

/** The strategies as they would be with the tenant on no list at all: what the flag gives it by itself. */
export function withoutTenant(
  strategies: readonly Strategy[],
  contextField: string,
  tenant: string,
): Strategy[] {
  return strategies.map((strategy) => {
    let next = withDelta(strategy, contextField, { list: 'off', op: 'remove', tenant });
    next = withDelta(next, contextField, { list: 'on', op: 'remove', tenant });
    return next;
  });
}

/**
 * The edits that make `value` the tenant's value, in an order in which every intermediate state
 * moves the tenant toward it (so an interrupted change never serves the opposite of both the old and
 * the new intent). `servesByItself(strategies)` evaluates the flag (as enabled) for the tenant.
 */
export function planTenantChange(
  environment: FeatureEnvironment,
  contextField: string,
  tenant: string,
  value: boolean,
  servesByItself: (strategies: Strategy[]) => boolean,
): PlanStep[] {
  const strategies = environment.strategies;
  const onStrategies = strategies.filter(isOnStrategy);
  const others = strategies.filter((s) => !isOnStrategy(s));
  const base = servesByItself(withoutTenant(strategies, contextField, tenant));
  const patch = (strategy: Strategy, list: ListKind, op: 'add' | 'remove'): PlanStep => ({
    kind: 'patch',
    strategy,
    delta: { list, op, tenant },
  });
  const steps: PlanStep[] = [];
  const removeFromOn = onStrategies
    .filter((s) => inList(s, contextField, 'on', tenant))
    .map((s) => patch(s, 'on', 'remove'));
  const removeFromOff = strategies
    .filter((s) => inList(s, contextField, 'off', tenant))
    .map((s) => patch(s, 'off', 'remove'));

  if (!value) {
    if (base) {
      // Exclude first, then leave the on list: the tenant only ever moves toward false.
      for (const s of others) if (!inList(s, contextField, 'off', tenant)) steps.push(patch(s, 'off', 'add'));
      if (!others.some((s) => !s.disabled)) {
        steps.push({ kind: 'create', title: REST_TITLE, delta: { list: 'off', op: 'add', tenant } });
      }
      steps.push(...removeFromOn);
    } else {
      steps.push(...removeFromOn, ...removeFromOff);
    }
    return steps;
  }

  steps.push(...removeFromOff);
  if (base) {
    steps.push(...removeFromOn);
  } else if (!onStrategies.some((s) => !s.disabled && inList(s, contextField, 'on', tenant))) {
    const target = onStrategies.find((s) => !s.disabled);
    if (target) steps.push(patch(target, 'on', 'add'));
    else steps.push({ kind: 'create', title: ON_TITLE, delta: { list: 'on', op: 'add', tenant } });
  }
  return steps;
}

/** The strategy Switchboard creates for a list: 100 % rollout, the one list constraint. */
export function newListStrategy(
  flagKey: string,
  contextField: string,
  title: string,
  delta: Delta,
  note: string,
): Record<string, unknown> {
  return {
    name: 'flexibleRollout',
    title,
    constraints: [newConstraint(contextField, delta.list, [delta.tenant])],
    parameters: { rollout: '100', stickiness: 'default', groupId: flagKey, [REASON_PARAMETER]: note },
    segments: [],
  };
}

/**
 * A strategy with nothing but Switchboard's off lists limiting it and a 100 % rollout: it serves the
 * flag's default (`true`) to everyone it does not exclude.
 */
export function isUnconditional(strategy: Strategy, contextField: string): boolean {
  if (isOnStrategy(strategy)) return false;
  if ((strategy.segments ?? []).length > 0) return false;
  if (strategy.constraints.some((c) => !isOffConstraint(c, contextField))) return false;
  if (strategy.name === 'default') return true;
  if (strategy.name === 'flexibleRollout') return Number(strategy.parameters.rollout) >= 100;
  return false;
}

/** Key-order-independent JSON, to compare what was read with what is there now. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One JSON Patch operation on a strategy besides its constraints. */
export type FieldOp = { op: 'add'; path: string; value: unknown } | { op: 'remove'; path: string };
