/**
 * One LaunchDarkly flag as Switchboard sees it in one environment: FlagInfo (kind, variants, default)
 * plus the index ↔ `_id` ↔ value ↔ variant-name mapping that targeting (by index) and semantic-patch
 * instructions (by `_id`) need.
 *
 * Kind mapping (LaunchDarkly has no "kill switch" field): a boolean flag tagged `kill-switch` (also
 * `killswitch`, `kill_switch`) is a kill switch; otherwise a tag `release` or `operational` decides;
 * otherwise a temporary flag is a release flag and a permanent one is operational.
 *
 * Variant names: the variation's `name` when it has a unique one, else its value as text, else
 * `variation <index>`. Flags whose variations are not all booleans, all strings or all numbers (JSON
 * variations) have no place in the per-tenant model: they are skipped, with the reason kept.
 */
import type { FlagInfo, FlagKind, FlagValue } from '../../api';
import type { LdEnvironmentConfig, LdFlag } from './ld-schemas';
import type { SkippedFlag } from './ld-skipped-flags';

export interface LdFlagView {
  info: FlagInfo;
  flag: LdFlag;
  env: LdEnvironmentConfig;
  /** by variation index */
  names: string[];
  values: FlagValue[];
  ids: string[];
}

const KILL_SWITCH_TAGS = new Set(['kill-switch', 'killswitch', 'kill_switch']);

export function flagView(flag: LdFlag, environment: string): LdFlagView | { skipped: SkippedFlag } {
  const env = flag.environments[environment];
  if (!env) {
    return { skipped: { key: flag.key, reason: `no configuration for environment "${environment}"` } };
  }
  const valueType = valueTypeOf(flag.variations.map((variation) => variation.value));
  if (!valueType) {
    return { skipped: { key: flag.key, reason: 'JSON or mixed variations are not supported' } };
  }
  const values = flag.variations.map((variation) => variation.value as FlagValue);
  const names = variantNames(flag, values);
  const ids = flag.variations.map((variation) => variation._id);
  const info: FlagInfo = {
    key: flag.key,
    kind: flagKind(flag, valueType),
    description: flag.description || flag.name || '',
    enabled: env.on,
    valueType,
    variants: Object.fromEntries(names.map((name, index) => [name, values[index]!])),
    defaultVariant: names[defaultIndex(env, values.length)]!,
    offValue: env.offVariation == null ? null : (values[env.offVariation] ?? null),
  };
  return { info, flag, env, names, values, ids };
}

export function flagKind(
  flag: Pick<LdFlag, 'tags' | 'temporary'>,
  valueType: FlagInfo['valueType'],
): FlagKind {
  const tags = new Set(flag.tags.map((tag) => tag.toLowerCase()));
  if (valueType === 'boolean' && [...tags].some((tag) => KILL_SWITCH_TAGS.has(tag))) return 'kill-switch';
  if (tags.has('release')) return 'release';
  if (tags.has('operational')) return 'operational';
  return flag.temporary ? 'release' : 'operational';
}

function valueTypeOf(values: unknown[]): FlagInfo['valueType'] | null {
  if (values.every((value) => typeof value === 'boolean')) return 'boolean';
  if (values.every((value) => typeof value === 'string')) return 'string';
  if (values.every((value) => typeof value === 'number' && Number.isFinite(value))) return 'number';
  return null;
}

function variantNames(flag: LdFlag, values: FlagValue[]): string[] {
  const given = flag.variations.map((variation) => variation.name?.trim() ?? '');
  const names: string[] = [];
  const taken = new Set<string>();
  for (const [index, value] of values.entries()) {
    const candidates = [given[index]!, String(value), `variation ${index}`];
    const unique = candidates.find(
      (name) => name !== '' && !taken.has(name) && (name !== given[index] || isUnique(given, name)),
    );
    const name = unique ?? `variation ${index} (${flag.variations[index]!._id})`;
    taken.add(name);
    names.push(name);
  }
  return names;
}

function isUnique(names: string[], name: string): boolean {
  return names.filter((other) => other === name).length === 1;
}

/** What a tenant without an override gets: the fallthrough when on, the off variation when off. */
function defaultIndex(env: LdEnvironmentConfig, count: number): number {
  const rollout = env.fallthrough?.rollout?.variations ?? [];
  const fallthrough =
    env.fallthrough?.variation ??
    (rollout.length > 0 ? rollout.reduce((a, b) => (b.weight > a.weight ? b : a)).variation : null);
  const index = env.on ? fallthrough : (env.offVariation ?? fallthrough);
  return index !== null && index !== undefined && index < count ? index : 0;
}

/** The index of the variation serving `value`, or -1. */
export function variationOf(view: LdFlagView, value: FlagValue): number {
  return view.values.indexOf(value);
}

export function valueText(value: FlagValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
