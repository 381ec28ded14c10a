/**
 * LaunchDarkly's expiring targets as native time-box reverts: at `revertAt` LaunchDarkly itself
 * removes the tenant's individual target, so the tenant falls back to the rules and default — even
 * while no Switchboard runs. Used only where that removal certainly serves the value to revert to;
 * otherwise Switchboard keeps the time box itself.
 */
import type { FlagValue } from '../../api';
import { expiringTargetsPath } from './ld-api-paths';
import type { LdClient } from './ld-client';
import { LaunchDarklyError } from './ld-errors';
import { targetedVariation, withoutTargets } from './ld-evaluate';
import { type LdFlagView, valueText } from './ld-flag-view';
import { expiringTargetsSchema, type LdInstruction } from './ld-schemas';
import { type LdScope, tenantContext } from './ld-scope';

export interface LdExpiringTargetsDeps {
  client: LdClient;
  scope: LdScope;
  /** the flag as LaunchDarkly has it now, kept as the latest state */
  readFlag(flagKey: string): Promise<LdFlagView>;
}

export class LdExpiringTargets {
  constructor(private readonly deps: LdExpiringTargetsDeps) {}

  /**
   * `value` is the value to revert TO. Resolves true only when removing the target certainly serves
   * it (the tenant is targeted now, the flag is on and its rules/default give `value`), else false.
   */
  async schedule(flagKey: string, tenantId: string, value: FlagValue, revertAt: number): Promise<boolean> {
    const { scope } = this.deps;
    const view = await this.deps.readFlag(flagKey);
    const context = tenantContext(scope, tenantId);
    const current = targetedVariation(view.env, context);
    if (current === null || !view.env.on) return false;
    const rest = withoutTargets(view.env, context);
    if (!rest.certain || rest.variation === null || view.values[rest.variation] !== value) return false;
    const what = `schedule the removal of tenant "${tenantId}" from ${flagKey}'s targets in ${scope.environment}`;
    const scheduled = await this.scheduledFor(flagKey, tenantId);
    const instruction: LdInstruction = {
      kind: scheduled ? 'updateExpiringTarget' : 'addExpiringTarget',
      value: revertAt,
      variationId: view.ids[current]!,
      contextKey: tenantId,
      contextKind: scope.contextKind,
    };
    const comment = `Switchboard time box: ${tenantId} reverts to ${valueText(value)} at ${new Date(revertAt).toISOString()}`;
    await this.patch(flagKey, what, comment, instruction);
    return true;
  }

  /**
   * Withdraw the tenant's expiring target on this flag, if it has one (removeExpiringTarget): a flip
   * without a time box, or one whose revert LaunchDarkly cannot do, must not be undone by an older
   * schedule. Resolves false when there was none (nothing is written then).
   */
  async cancel(flagKey: string, tenantId: string): Promise<boolean> {
    const { scope } = this.deps;
    const scheduled = await this.scheduledFor(flagKey, tenantId);
    if (!scheduled) return false;
    const what = `withdraw the scheduled removal of tenant "${tenantId}" from ${flagKey}'s targets in ${scope.environment}`;
    const instruction: LdInstruction = {
      kind: 'removeExpiringTarget',
      variationId: scheduled.variationId ?? '',
      contextKey: tenantId,
      contextKind: scope.contextKind,
    };
    const comment = `Switchboard: ${tenantId} no longer reverts on ${flagKey} at ${new Date(scheduled.expirationDate).toISOString()}`;
    await this.patch(flagKey, what, comment, instruction);
    return true;
  }

  /** The tenant's expiring target on this flag, if LaunchDarkly has one scheduled. */
  private async scheduledFor(flagKey: string, tenantId: string) {
    const { client, scope } = this.deps;
    const existing = await client.request(
      {
        method: 'GET',
        path: expiringTargetsPath(scope, flagKey),
        what: `read the expiring targets of ${flagKey}`,
        safe: true,
      },
      expiringTargetsSchema,
    );
    return (
      existing.items.find(
        (item) => item.contextKey === tenantId && (item.contextKind ?? 'user') === scope.contextKind,
      ) ?? null
    );
  }

  /** One expiring-targets semantic patch; LaunchDarkly's per-instruction errors are a refusal. */
  private async patch(flagKey: string, what: string, comment: string, instruction: LdInstruction) {
    const answer = await this.deps.client.request(
      {
        method: 'PATCH',
        path: expiringTargetsPath(this.deps.scope, flagKey),
        semanticPatch: true,
        body: { comment, instructions: [instruction] },
        what,
        permission: 'updateExpiringTargets',
        flagKey,
      },
      expiringTargetsSchema,
    );
    if (answer.errors.length > 0) {
      throw new LaunchDarklyError(
        `LaunchDarkly refused to ${what}: ${answer.errors.map((e) => e.message).join('; ')}`,
        'invalid',
      );
    }
  }
}
