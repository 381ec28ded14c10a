/**
 * The document change that makes `value` a tenant's value: the smallest edit of the override lists
 * (none at all when the tenant already gets that value without an override).
 */
import type { FlagValue } from '../../api';
import { FlagProviderError } from '../flag-provider';
import { evaluateRule } from './evaluate-flag';
import type { CompiledFlag, FlagSnapshot } from './flag-snapshot';
import type { FlagsDocument } from './flags-file-schema';
import { joinTargeting, type SplitTargeting, withoutTenant, withTenant } from './tenant-overrides';

export function tenantValueChange(
  snapshot: FlagSnapshot,
  flagKey: string,
  tenantId: string,
  value: FlagValue,
): FlagsDocument | null {
  const flag = snapshot.flags.get(flagKey);
  if (!flag) throw new FlagProviderError(`unknown flag "${flagKey}"`);
  const variant = variantFor(flag, tenantId, value);
  const cleared = withoutTenant(flag.split, tenantId);
  if (!flag.info.enabled) return disabledChange(snapshot, flag, cleared, value);
  const fallback = evaluateRule(flag, { targetingKey: tenantId });
  const servedAnyway = fallback.ok && fallback.value === value;
  const next = servedAnyway ? cleared : withTenant(flag.split, tenantId, variant);
  return withTargeting(snapshot, flag, next);
}

/** The variant to list the tenant under: its current one when that already has the value. */
function variantFor(flag: CompiledFlag, tenantId: string, value: FlagValue): string {
  const { variants } = flag.info;
  const current = flag.overrideOf.get(tenantId);
  if (current !== undefined && variants[current] === value) return current;
  const match = Object.keys(variants).find((name) => variants[name] === value);
  if (match !== undefined) return match;
  const allowed = [...new Set(Object.values(variants))].map((v) => JSON.stringify(v)).join(', ');
  throw new FlagProviderError(
    `flag "${flag.key}" has no variant with the value ${JSON.stringify(value)}; allowed values: ${allowed}`,
  );
}

/** A disabled flag serves its default to everyone: only that value can be "set", by dropping the override. */
function disabledChange(
  snapshot: FlagSnapshot,
  flag: CompiledFlag,
  cleared: SplitTargeting,
  value: FlagValue,
): FlagsDocument | null {
  const served = flag.info.variants[flag.info.defaultVariant];
  if (served !== value) {
    throw new FlagProviderError(
      `flag "${flag.key}" is off for everyone (state DISABLED) and serves ${JSON.stringify(served)}; enable it before setting a tenant value`,
    );
  }
  return withTargeting(snapshot, flag, cleared);
}

function withTargeting(
  snapshot: FlagSnapshot,
  flag: CompiledFlag,
  split: SplitTargeting,
): FlagsDocument | null {
  const targeting = joinTargeting(split);
  if (JSON.stringify(targeting) === JSON.stringify(joinTargeting(flag.split))) return null;
  const document = structuredClone(snapshot.document);
  // Assign in place so the key keeps its position and the file diff stays one hunk.
  const definition = document.flags[flag.key]!;
  if (targeting) definition.targeting = targeting;
  else delete definition.targeting;
  return document;
}
