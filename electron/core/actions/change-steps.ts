/**
 * The steps every flag change shares, whether for one tenant (FlipService) or for everyone
 * (FlagToggleService): look the flag up, check the request, build the intent, classify a provider's
 * refusal, keep the time box. The services decide the order; these say what each step means.
 */
import {
  ApiError,
  type AuditEntry,
  type FlagInfo,
  type FlagValue,
  reasonSchema,
  timeboxMsSchema,
} from '../api';
import { type FlagProvider, FlagProviderError } from '../flags/flag-provider';
import { errorText } from './error-text';
import { type PendingRevert, revertTarget } from './pending-revert';

/** The part of the time box the change paths drive (TimeBox implements it); tenant null = everyone. */
export interface RevertScheduler {
  pendingFor(flagKey: string, tenantId: string | null): PendingRevert | null;
  schedule(revert: PendingRevert): Promise<void>;
  cancel(flagKey: string, tenantId: string | null): Promise<void>;
}

export type Outcome = Pick<AuditEntry, 'outcome' | 'error' | 'confirmedAt' | 'revertAt' | 'approval'>;
export type WriteError = { error: string; approvalRequired: boolean };

/** The flag, from the provider's list; refuses (changing nothing) when it is unknown or unreadable. */
export async function findFlag(provider: FlagProvider, flagKey: string): Promise<FlagInfo> {
  let flags: FlagInfo[];
  try {
    flags = await provider.listFlags();
  } catch (error) {
    throw new ApiError('PROVIDER_ERROR', `could not list flags: ${errorText(error)}; nothing was changed`);
  }
  const flag = flags.find((candidate) => candidate.key === flagKey);
  if (!flag) throw new ApiError('NOT_FOUND', `unknown flag "${flagKey}"`);
  return flag;
}

/** What the audit records before the provider is called: the request, nothing decided yet. */
export function pendingEntry<E extends AuditEntry>(
  change: Pick<
    E,
    'id' | 'actor' | 'action' | 'flagKey' | 'tenantId' | 'value' | 'previous' | 'reason' | 'provider'
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

export function failed(error: string, approvalRequired = false): Outcome {
  return {
    outcome: 'failed',
    error,
    confirmedAt: null,
    revertAt: null,
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

/**
 * After an applied change: arm (or replace) its time box, or cancel a running one when it has none.
 * null when done, else a note for the audit entry.
 */
export async function updateTimeBox(
  reverts: RevertScheduler,
  entry: AuditEntry,
  previous: FlagValue,
  beforeSchedule?: (revertTo: FlagValue) => Promise<unknown>,
): Promise<string | null> {
  const { id: auditId, flagKey, tenantId, value, timeboxMs, revertAt } = entry;
  try {
    if (timeboxMs === null || revertAt === null) await reverts.cancel(flagKey, tenantId);
    else {
      const revertTo = revertTarget(reverts.pendingFor(flagKey, tenantId), previous, value);
      await beforeSchedule?.(revertTo);
      await reverts.schedule({ auditId, flagKey, tenantId, revertTo, revertAt, timeboxMs });
    }
    return null;
  } catch (error) {
    return timeboxMs === null
      ? `an earlier time box could not be removed from disk (${errorText(error)}); it may revert after a restart`
      : `the time box could not be saved (${errorText(error)}); the revert runs only while Switchboard stays open`;
  }
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
