import {
  FLAG_EXCEPTIONS_LISTED,
  type FlagExceptions,
  type FlagInfo,
  type FlagValue,
  type TenantInfo,
} from '../api';

/** What a tenant with no override or rule is served now: the off value while the flag is off. */
export function defaultValueOf(flag: FlagInfo): FlagValue | null {
  return flag.enabled ? (flag.variants[flag.defaultVariant] ?? null) : flag.offValue;
}

/**
 * The tenants whose value differs from the flag's default, from the provider's own per-tenant values
 * (`valuesFor`: no I/O), so overrides, rules and targets of any provider count alike.
 */
export function flagExceptions(
  flag: FlagInfo,
  tenants: readonly TenantInfo[],
  values: ReadonlyMap<string, FlagValue>,
): FlagExceptions {
  const defaultValue = defaultValueOf(flag);
  const differing = tenants
    .filter((t) => values.has(t.id) && values.get(t.id) !== defaultValue)
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    defaultValue,
    total: differing.length,
    tenants: differing
      .slice(0, FLAG_EXCEPTIONS_LISTED)
      .map((t) => ({ id: t.id, name: t.name, value: values.get(t.id)! })),
  };
}
