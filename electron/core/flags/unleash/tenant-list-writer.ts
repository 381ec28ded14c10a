/**
 * Writes to Unleash: a tenant's value (an edit of Switchboard's lists, see tenant-lists.ts) and the
 * environment's on/off switch. A tenant write is a read-modify-write made safe against other writers:
 * 1. read the flag, plan the list edits (planTenantChange), check the context field and Unleash's
 *    limit of values per constraint (WritePreconditions) before anything is written;
 * 2. read again right before writing: any difference in the environment's strategies → refused;
 * 3. write each edit as a tested patch (StrategyEditor); a failed step rolls the earlier ones back;
 * 4. settle: wait until the flag's event log is quiet and re-apply any edit of ours that a concurrent
 *    patch overwrote (every Switchboard does, so concurrent flips converge; none is lost);
 * 5. report an edit by someone else that ours overwrote inside that window (checkForeignEdits),
 *    never hide it. Unleash offers no version check that would close this window.
 * What cannot be decided is refused with "changed by someone else since it was read; retry".
 * Writes to one flag from this process run one after the other (they would only race each other).
 */

import { KeyedQueue } from '../../actions/keyed-queue';
import type { FlagValue } from '../../api';
import { errorText } from '../../errors/error-text';
import { FlagProviderError, type WriteContext } from '../flag-provider';
import type { FeatureReader } from './feature-reader';
import { checkForeignEdits } from './foreign-edits';
import type { ProjectViewCache } from './project-view-cache';
import { type Applied, conflict, isTestFailure, type StrategyEditor } from './strategy-editor';
import { isOnStrategy, type PlanStep, planTenantChange, stableJson } from './tenant-lists';
import { Evaluator } from './unleash-evaluate';
import type { UnleashEventLog } from './unleash-event-log';
import { UnleashApiError } from './unleash-http';
import type { FeatureEnvironment } from './unleash-schemas';
import type { UnleashScope } from './unleash-scope';
import type { WritePreconditions } from './write-preconditions';

export interface WriterParts {
  scope: UnleashScope;
  cache: ProjectViewCache;
  reader: FeatureReader;
  log: UnleashEventLog;
  editor: StrategyEditor;
  preconditions: WritePreconditions;
}

export class TenantListWriter {
  private readonly queue = new KeyedQueue();

  constructor(private readonly parts: WriterParts) {}

  setTenantValue(flagKey: string, tenantId: string, value: FlagValue, ctx: WriteContext): Promise<void> {
    return this.queue.run(flagKey, () => this.writeTenantValue(flagKey, tenantId, value, ctx));
  }

  /** Unleash's environment switch: off serves false to every tenant (its list edits stay). */
  setFlagEnabled(flagKey: string, enabled: boolean): Promise<void> {
    const { scope, cache } = this.parts;
    return this.queue.run(flagKey, async () => {
      // Unleash's on/off endpoints take no body: the reason stays in Switchboard's audit.
      await scope.http.request(
        'POST',
        scope.switchPath(flagKey, enabled),
        `turn ${flagKey} ${enabled ? 'on' : 'off'} in ${scope.environment}`,
      );
      await cache.adoptFlag(await cache.withFreshFlag(flagKey));
    });
  }

  private async writeTenantValue(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    ctx: WriteContext,
  ): Promise<void> {
    const { scope, cache, reader, log, editor, preconditions } = this.parts;
    if (typeof value !== 'boolean') {
      throw new FlagProviderError(
        `Unleash flags are on/off: "${flagKey}" takes true or false, not ${JSON.stringify(value)}`,
      );
    }
    const what = `${flagKey} for ${tenantId}`;
    const note = reasonNote(tenantId, value, ctx);

    const read = await cache.withFreshFlag(flagKey);
    const environment = scope.environmentIn(read, flagKey);
    if (value && !environment.enabled) {
      throw new FlagProviderError(
        `${flagKey} is off for everyone in ${scope.environment} (Unleash serves false to every tenant): turn it on before setting a tenant to true`,
      );
    }
    const evaluator = new Evaluator(read, scope.environment, scope.contextField);
    const steps = planTenantChange(environment, scope.contextField, tenantId, value, (strategies) =>
      evaluator.isEnabledWith(flagKey, tenantId, strategies),
    );
    if (steps.length === 0) {
      await cache.adoptFlag(read);
      return;
    }
    await preconditions.ensureContextField();
    await preconditions.checkLimits(flagKey, steps);

    const since = await log.latestId(flagKey);
    // Right before writing: what we planned from must still be what is there.
    const again = scope.environmentIn(await cache.withFreshFlag(flagKey), flagKey);
    if (strategiesFingerprint(again) !== strategiesFingerprint(environment)) {
      throw conflict(what, 'nothing was changed');
    }

    const notes = noteSeries(note);
    const applied: Applied[] = [];
    for (const step of steps) {
      try {
        applied.push(await editor.apply(flagKey, what, step, notes));
      } catch (error) {
        const undone = await editor.rollBack(flagKey, what, applied, noteSeries(`${note} — rolled back`));
        throw this.writeFailure(what, step, error, undone);
      }
    }
    await editor.settle(flagKey, what, applied, notes);
    await checkForeignEdits(log, reader, { flagKey, what, applied, tenantId, since });
    await cache.adoptFlag(await cache.withFreshFlag(flagKey));
  }

  /** A step failed (the earlier ones were rolled back as far as `undone` says): the refusal to show. */
  private writeFailure(what: string, step: PlanStep, error: unknown, undone: string[]): Error {
    const after = undone.length
      ? `partly applied, and these edits could not be undone: ${undone.join('; ')}`
      : 'nothing was changed';
    if (
      isTestFailure(error) ||
      (error instanceof UnleashApiError && error.status === 404 && step.kind === 'patch')
    ) {
      return conflict(what, after);
    }
    if (error instanceof UnleashApiError && error.errorName === 'ExceedsLimitError') {
      return this.parts.preconditions.exceeded(what, error, step, after);
    }
    const retryable = error instanceof FlagProviderError && error.retryable;
    return new FlagProviderError(`${what}: ${errorText(error)} (${after})`, retryable);
  }
}

/**
 * The note a write carries into Unleash's event (strategy parameter `switchboardReason`), tenant
 * first so that it can be read back: "acme off — alice: floods the broker (Switchboard audit a-1)".
 */
export function reasonNote(tenantId: string, value: boolean, ctx: WriteContext): string {
  return `${tenantId} ${value ? 'on' : 'off'} — ${ctx.actor}: ${ctx.reason} (Switchboard audit ${ctx.auditId})`;
}

/** The reason note for each write of one change: the first as is, repairs numbered. */
function noteSeries(note: string): () => string {
  let count = 0;
  return () => (count++ === 0 ? note : `${note} (repair ${count - 1})`);
}

/** What of the environment's strategies a plan depends on: any change to it voids the plan. */
function strategiesFingerprint(environment: FeatureEnvironment): string {
  const strategies = [...environment.strategies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return stableJson(
    strategies.map((s) => ({
      id: s.id,
      name: s.name,
      on: isOnStrategy(s),
      disabled: s.disabled ?? false,
      constraints: s.constraints,
      parameters: s.parameters,
      segments: s.segments ?? [],
    })),
  );
}
