/**
 * The semantic patch that makes `value` one tenant's value, from the flag as last read: remove the
 * tenant from the individual targets of the variations it was seen in, and add it to the variation
 * serving `value` — or only remove it when the rules and default already give it `value` (certainly).
 *
 * Only variations the tenant was *seen* in are touched. If someone else targets the tenant elsewhere
 * between our read and our write, LaunchDarkly refuses the `addTargets` (a key may be in one
 * variation only) instead of our patch silently undoing their change.
 */
import type { FlagValue } from '../../api';
import { LaunchDarklyError } from './ld-errors';
import { type LdContext, targetsOf, withoutTargets } from './ld-evaluate';
import { type LdFlagView, valueText, variationOf } from './ld-flag-view';
import type { LdInstruction } from './ld-schemas';

export interface TenantPlan {
  instructions: LdInstruction[];
  /** the variation that will serve the tenant */
  target: number;
  /** variations whose individual targets listed the tenant when read */
  seenIn: number[];
}

export function planTenantValue(
  view: LdFlagView,
  environment: string,
  context: LdContext,
  value: FlagValue,
): TenantPlan {
  const target = variationOf(view, value);
  if (target < 0) {
    const allowed = view.values.map(valueText).join(', ');
    throw new LaunchDarklyError(
      `${view.info.key} has no variation serving ${valueText(value)}; allowed values: ${allowed}`,
      'invalid',
    );
  }
  const { env } = view;
  if (!env.on && (env.offVariation == null || view.values[env.offVariation] !== value)) {
    const off =
      env.offVariation == null
        ? 'nothing (services use their code default)'
        : valueText(view.values[env.offVariation]!);
    throw new LaunchDarklyError(
      `${view.info.key} is off in ${environment}: LaunchDarkly serves every tenant its off variation, ${off}; turn the flag on first — nothing was changed`,
      'invalid',
    );
  }
  const seenIn = targetsOf(env, context.kind)
    .filter((t) => t.values.includes(context.key))
    .map((t) => t.variation);
  const unique = [...new Set(seenIn)];
  const remove = (variation: number): LdInstruction => ({
    kind: 'removeTargets',
    contextKind: context.kind,
    variationId: view.ids[variation]!,
    values: [context.key],
  });
  const rest = withoutTargets(env, context);
  const restGives =
    rest.certain && rest.variation !== null && view.values[rest.variation] === view.values[target];
  if (restGives) return { instructions: unique.map(remove), target, seenIn: unique };
  const instructions = unique.filter((variation) => variation !== target).map(remove);
  if (!unique.includes(target)) {
    instructions.push({
      kind: 'addTargets',
      contextKind: context.kind,
      variationId: view.ids[target]!,
      values: [context.key],
    });
  }
  return { instructions, target, seenIn: unique };
}
