/**
 * Which targeting keys (tenants) a flag-file change can serve a different value, when that is knowable
 * and short: the hint a refetch event carries so that a client with thousands of tenants re-evaluates
 * the flipped ones first. A tenant flip only edits override lists, so the answer is the tenants whose
 * override differs between the two files — the first override of a flag and the removal of its last
 * included: every other tenant's reason then turns STATIC ↔ DEFAULT but its value stays. So the hint
 * is exact for values, and our gate (core/flags/ofrep-gate) re-fetches only the tenants it names; a
 * client that wants the reasons too re-fetches everyone. Anything else — a rule, a state, a
 * variant, metadata, a flag added or removed — may change every tenant's value, and then there is no
 * hint (null): the client re-fetches everyone in its own order.
 */
import type { CompiledFlag, FlagSnapshot } from '../core/flags/embedded/flag-snapshot';

/** Beyond this many keys the hint is left out: it would not save the client anything. */
export const MAX_HINTED_KEYS = 1_000;

export function changedTargetingKeys(
  before: FlagSnapshot,
  after: FlagSnapshot,
  limit = MAX_HINTED_KEYS,
): string[] | null {
  if (!sameOutsideFlags(before, after)) return null;
  if (before.flags.size !== after.flags.size) return null;
  const changed = new Set<string>();
  for (const [key, old] of before.flags) {
    const next = after.flags.get(key);
    if (!next || !sameButOverrides(before, old, after, next)) return null;
    if (!addOverrideChanges(old, next, changed, limit)) return null;
  }
  return [...changed];
}

/** The document apart from its flags: metadata and shared $evaluators reach every evaluation. */
function sameOutsideFlags(before: FlagSnapshot, after: FlagSnapshot): boolean {
  const { flags: _before, ...restBefore } = before.document;
  const { flags: _after, ...restAfter } = after.document;
  return JSON.stringify(restBefore) === JSON.stringify(restAfter);
}

function sameButOverrides(
  before: FlagSnapshot,
  old: CompiledFlag,
  after: FlagSnapshot,
  next: CompiledFlag,
): boolean {
  const { targeting: _old, ...oldRest } = before.document.flags[old.key] ?? {};
  const { targeting: _next, ...nextRest } = after.document.flags[next.key] ?? {};
  return (
    JSON.stringify(oldRest) === JSON.stringify(nextRest) &&
    JSON.stringify(old.split.rule) === JSON.stringify(next.split.rule)
  );
}

/** Adds the tenants whose override differs; false once more than `limit` have. */
function addOverrideChanges(
  old: CompiledFlag,
  next: CompiledFlag,
  changed: Set<string>,
  limit: number,
): boolean {
  for (const [tenant, variant] of old.overrideOf) {
    if (next.overrideOf.get(tenant) !== variant) changed.add(tenant);
  }
  for (const [tenant, variant] of next.overrideOf) {
    if (old.overrideOf.get(tenant) !== variant) changed.add(tenant);
  }
  return changed.size <= limit;
}
