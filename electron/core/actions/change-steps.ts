/**
 * The steps every flag change shares, whether for one tenant (FlipService) or for everyone
 * (FlagToggleService): look the flag up, check the request, build the intent, classify a provider's
 * refusal. (The time box steps are in armed-time-box.ts.) The services decide the order; these say
 * what each step means.
 */
import { ApiError, type AuditEntry, type FlagInfo, reasonSchema, timeboxMsSchema } from '../api';
import { errorText } from '../errors/error-text';
import { type FlagProvider, FlagProviderError, type WriteContext } from '../flags/flag-provider';
import type { PendingRevert } from './pending-revert';

/** The part of the time box the change paths drive (TimeBox implements it); tenant null = everyone. */
export interface RevertScheduler {
  pendingFor(flagKey: string, tenantId: string | null): PendingRevert | null;
  schedule(revert: PendingRevert): Promise<void>;
  cancel(flagKey: string, tenantId: string | null): Promise<void>;
}

export type Outcome = Pick<
  AuditEntry,
  'outcome' | 'error' | 'confirmedAt' | 'revertAt' | 'approval' | 'conflicts'
>;
export type WriteError = { error: string; approvalRequired: boolean };

/**
 * The flag as the provider has it now, null when it has none: one flag read where the provider can
 * (a remote one would otherwise list every flag, page by page, for each change), else its list.
 */
export async function currentFlag(provider: FlagProvider, flagKey: string): Promise<FlagInfo | null> {
  if (provider.readFlag) return provider.readFlag(flagKey);
  return (await provider.listFlags()).find((candidate) => candidate.key === flagKey) ?? null;
}

/** The flag, fresh from the provider; refuses (changing nothing) when it is unknown or unreadable. */
export async function findFlag(provider: FlagProvider, flagKey: string): Promise<FlagInfo> {
  let flag: FlagInfo | null;
  try {
    flag = await currentFlag(provider, flagKey);
  } catch (error) {
    throw new ApiError(
      'PROVIDER_ERROR',
      `could not read flag ${flagKey}: ${errorText(error)}; nothing was changed`,
    );
  }
  if (!flag) throw new ApiError('NOT_FOUND', `unknown flag "${flagKey}"`);
  return flag;
}

/** What the audit records before the provider is called: the request, nothing decided yet. */
export function pendingEntry<E extends AuditEntry>(
  change: Pick<
    E,
    | 'id'
    | 'actor'
    | 'action'
    | 'flagKey'
    | 'tenantId'
    | 'value'
    | 'previous'
    | 'reason'
    | 'provider'
    | 'profile'
    | 'environment'
  >,
  at: number,
  timeboxMs: number | null,
): E {
  return {
    ...change,
    at: new Date(at).toISOString(),
    timeboxMs,
    revertAt: timeboxMs === null ? null : new Date(at + timeboxMs).toISOString(),
    outcome: 'pending',
    error: null,
    confirmedAt: null,
    effect: null,
    approval: null,
  } as E;
}

/** `revertAt` stays set only when the change may have landed and its time box is kept armed. */
export function failed(error: string, approvalRequired = false, revertAt: string | null = null): Outcome {
  return {
    outcome: 'failed',
    error,
    confirmedAt: null,
    revertAt,
    approval: approvalRequired
      ? { state: 'required', requestId: null, requestedBy: null, requestedAt: null, error: null }
      : null,
  };
}

/** A provider write's failure: its words, and whether an approval request could get it through. */
export function writeError(error: unknown): WriteError {
  return {
    error: errorText(error),
    approvalRequired: error instanceof FlagProviderError && error.approvalRequired,
  };
}

/**
 * The provider refused the write over changes pending there: their descriptions for the audit entry
 * (`conflicts`), so that the person can read them and choose to apply anyway; {} for any other error.
 */
export function conflictsOf(error: unknown): Pick<AuditEntry, 'conflicts'> {
  const conflicts = error instanceof FlagProviderError ? error.conflicts : null;
  return conflicts === null ? {} : { conflicts: [...conflicts] };
}

/**
 * The reason as recorded and sent to the provider. A change applied over conflicting pending changes
 * says so in its reason, so that the audit trail (ours and the provider's) shows it was overridden.
 */
export function recordedReason(request: { reason: string; ignoreConflicts?: boolean }): string {
  return request.ignoreConflicts
    ? `${request.reason} (applied anyway, overriding conflicting pending changes)`
    : request.reason;
}

/** What the provider is told about a write: who, why, which audit entry, and whether to override. */
export function writeContext(
  request: { actor: string; reason: string; ignoreConflicts?: boolean },
  auditId: string,
): WriteContext {
  const { actor } = request;
  const reason = recordedReason(request);
  return request.ignoreConflicts
    ? { actor, reason, auditId, ignoreConflicts: true }
    : { actor, reason, auditId };
}

// An operator may have replaced or cancelled the time box while its revert waited in the queue.
export function refuseReplacedRevert(
  reverts: RevertScheduler,
  flagKey: string,
  tenantId: string | null,
  revertOf: string | undefined,
): void {
  if (revertOf === undefined) return;
  if (reverts.pendingFor(flagKey, tenantId)?.auditId === revertOf) return;
  throw new ApiError('NOT_FOUND', `the time box of ${revertOf} was replaced or cancelled; revert skipped`);
}

const READ_ONLY_REVERT_NOTE =
  'ran although the profile is read-only: a time box restores what an earlier change promised';

/**
 * The read-only guard. A person's change is refused on a read-only profile; an expired time box's
 * revert is not — it restores what an earlier, permitted change promised, and refusing it would leave
 * "off for 15 min" off for good. The revert's reason says it ran on a read-only profile, so the
 * audit (ours and the provider's) shows it.
 */
export function guardReadOnly<R extends { reason: string; revertOf?: string }>(
  request: R,
  readOnly: boolean,
  refusal: () => ApiError,
): R {
  if (!readOnly) return request;
  if (request.revertOf === undefined) throw refusal();
  return { ...request, reason: `${request.reason} (${READ_ONLY_REVERT_NOTE})` };
}

// The hosts validate these already; the core checks again because reverts and tests call it directly.
export function checkReasonAndTimebox(request: { reason: string; timeboxMs?: number | null }): void {
  const issues = [
    ...(reasonSchema.safeParse(request.reason).error?.issues ?? []).map((i) => `reason: ${i.message}`),
    ...(request.timeboxMs == null
      ? []
      : (timeboxMsSchema.safeParse(request.timeboxMs).error?.issues ?? [])
    ).map((i) => `timeboxMs: ${i.message}`),
  ];
  if (issues.length > 0) throw new ApiError('INVALID_INPUT', `invalid flip: ${issues.join('; ')}`, issues);
}
