/**
 * Writes as semantic patches (atomic) carrying the reason as `comment`, so it lands in LaunchDarkly's
 * audit log. The PATCH answer is the read-back: when the flag's `_version` moved by more than our own
 * change, someone else wrote in between; if the tenant is then not served what was asked, the write
 * fails as a lost race (nothing of theirs is undone), else a notice is given. 409 (optimistic lock)
 * is retried from a fresh read, with backoff. `?ignoreConflicts=true` is sent only when the
 * WriteContext asks — after a person saw LaunchDarkly refuse the change over pending ones.
 */
import type { FlagValue } from '../../api';
import { backoffDelay } from '../../retry/backoff';
import type { WriteContext } from '../flag-provider';
import { flagPath } from './ld-api-paths';
import type { LdClient } from './ld-client';
import { isLdFailure, LaunchDarklyError } from './ld-errors';
import { targetedVariation } from './ld-evaluate';
import { type LdFlagView, valueText } from './ld-flag-view';
import { flagSchema, type LdFlag, type LdInstruction } from './ld-schemas';
import { type LdScope, tenantContext } from './ld-scope';
import { planTenantValue } from './ld-tenant-plan';

export interface LdFlagWritesDeps {
  client: LdClient;
  scope: LdScope;
  /** read-modify-write attempts after 409 optimistic_locking_error */
  conflictRetries: number;
  sleep: (ms: number) => Promise<void>;
  /** jitter source in [0, 1) */
  random: () => number;
  /** the flag as LaunchDarkly has it now, kept as the latest state */
  readFlag(flagKey: string): Promise<LdFlagView>;
  /** a flag LaunchDarkly answered a write with, kept as the latest state */
  adopt(flag: LdFlag): void;
  /** what this flag state serves the tenant (LaunchDarkly asked where local evaluation cannot tell) */
  servedFrom(flag: LdFlag, tenantId: string): Promise<FlagValue | null>;
  notice(message: string): void;
}

/** The reason, who acted and Switchboard's audit id: the comment LaunchDarkly's audit log keeps. */
export function commentOf(ctx: WriteContext): string {
  return `${ctx.reason} — ${ctx.actor} via Switchboard (audit ${ctx.auditId})`;
}

export class LdFlagWrites {
  constructor(private readonly deps: LdFlagWritesDeps) {}

  async setTenantValue(flagKey: string, tenantId: string, value: FlagValue, ctx: WriteContext) {
    const { scope } = this.deps;
    const context = tenantContext(scope, tenantId);
    const what = `set ${flagKey} to ${valueText(value)} for tenant "${tenantId}" in ${scope.environment}`;
    for (let attempt = 0; ; attempt++) {
      const read = await this.deps.readFlag(flagKey);
      const plan = planTenantValue(read, scope.environment, context, value);
      if (plan.instructions.length === 0) return;
      let updated: LdFlag;
      try {
        updated = await this.patchFlag(flagKey, plan.instructions, ctx, what, 'updateTargets');
      } catch (error) {
        if (isLdFailure(error, 'optimistic-lock')) {
          if (attempt < this.deps.conflictRetries) {
            await this.backoff(attempt);
            continue;
          }
          throw new LaunchDarklyError(
            `LaunchDarkly kept reporting concurrent changes (409) to ${flagKey} after ${attempt + 1} attempts; nothing was changed — try again`,
            'optimistic-lock',
            { status: 409, retryable: true },
          );
        }
        if (isLdFailure(error, 'invalid'))
          await this.explainRefusedTargets(flagKey, tenantId, plan.seenIn, error);
        throw error;
      }
      await this.checkReadBack(read, updated, tenantId, value);
      return;
    }
  }

  async setFlagEnabled(flagKey: string, enabled: boolean, ctx: WriteContext): Promise<void> {
    const { environment } = this.deps.scope;
    const instructions: LdInstruction[] = [{ kind: enabled ? 'turnFlagOn' : 'turnFlagOff' }];
    const what = `turn ${flagKey} ${enabled ? 'on' : 'off'} in ${environment}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const updated = await this.patchFlag(flagKey, instructions, ctx, what, 'updateOn');
        this.deps.adopt(updated);
        const on = updated.environments[environment]?.on;
        if (on !== enabled) {
          throw new LaunchDarklyError(
            `LaunchDarkly answered the request to ${what} with the flag ${on ? 'on' : 'off'}: someone else changed it at the same time`,
            'lost-race',
          );
        }
        return;
      } catch (error) {
        if (isLdFailure(error, 'optimistic-lock') && attempt < this.deps.conflictRetries) {
          await this.backoff(attempt);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * One semantic patch. `ignoreConflicts=true` only when the person asked for it (ctx), after
   * LaunchDarkly refused the change over pending ones: never as an automatic retry.
   */
  private patchFlag(
    flagKey: string,
    instructions: LdInstruction[],
    ctx: WriteContext,
    what: string,
    permission: string,
  ): Promise<LdFlag> {
    const comment = commentOf(ctx);
    const override = ctx.ignoreConflicts === true;
    return this.deps.client.request(
      {
        method: 'PATCH',
        path: `${flagPath(this.deps.scope, flagKey)}${override ? '?ignoreConflicts=true' : ''}`,
        semanticPatch: true,
        body: { environmentKey: this.deps.scope.environment, comment, instructions },
        what,
        permission,
        instructions,
        comment,
        flagKey,
      },
      flagSchema,
    );
  }

  /** The PATCH answer is the read-back: did someone else write between our read and our write? */
  private async checkReadBack(read: LdFlagView, updated: LdFlag, tenantId: string, value: FlagValue) {
    this.deps.adopt(updated);
    const key = read.info.key;
    const before = read.flag._version;
    const after = updated._version;
    if (after - before <= 1) return;
    const served = await this.deps.servedFrom(updated, tenantId);
    const race = `${key} was changed by someone else between our read (version ${before}) and our write (now version ${after})`;
    if (served !== value) {
      throw new LaunchDarklyError(
        `lost race: ${race}; tenant "${tenantId}" is now served ${served === null ? 'an unknown value' : valueText(served)}, not ${valueText(value)}. Their change was kept — see LaunchDarkly's audit log and flip again if still needed`,
        'lost-race',
      );
    }
    this.deps.notice(`${race}; tenant "${tenantId}" is served ${valueText(value)} as asked`);
  }

  /** A refused addTargets: was the tenant targeted elsewhere by someone else meanwhile? */
  private async explainRefusedTargets(
    flagKey: string,
    tenantId: string,
    seenIn: number[],
    refusal: LaunchDarklyError,
  ): Promise<void> {
    let view: LdFlagView;
    try {
      view = await this.deps.readFlag(flagKey);
    } catch {
      return;
    }
    const now = targetedVariation(view.env, tenantContext(this.deps.scope, tenantId));
    if (now === null || seenIn.includes(now)) return;
    const serving = valueText(view.values[now]!);
    throw new LaunchDarklyError(
      `lost race: someone else targeted tenant "${tenantId}" to ${serving} on ${flagKey} between our read and our write; LaunchDarkly refused our change and theirs was kept (${refusal.message})`,
      'lost-race',
    );
  }

  private backoff(attempt: number): Promise<void> {
    return this.deps.sleep(backoffDelay(attempt, 200, 2_000, this.deps.random));
  }
}
