import type { AuditEntry, FlagValue } from '../api';
import { errorText } from '../errors/error-text';
import { failed, type Outcome, type RevertScheduler } from './change-steps';
import { asReplaced, type PendingRevert, revertTarget } from './pending-revert';

/** A change's time box, armed and saved before the provider is written. */
export interface ArmedTimeBox {
  revert: PendingRevert;
  /** why it will not survive a restart, or null */
  note: string | null;
  /** The change did not land: put back the time box it replaced (or none). null when done, else a note. */
  withdraw(): Promise<string | null>;
}

/**
 * Arm (or replace) the change's time box before the write, so that a crash after the write still
 * finds it on disk and reverts: a kill switch must never stay off for want of a saved revert. null
 * when the change has no time box (a running one is cancelled only once the change has landed).
 */
export async function armTimeBox(
  reverts: RevertScheduler,
  entry: AuditEntry,
  previous: FlagValue,
): Promise<ArmedTimeBox | null> {
  const { id: auditId, flagKey, tenantId, value, timeboxMs, revertAt } = entry;
  if (timeboxMs === null || revertAt === null) return null;
  const replaced = reverts.pendingFor(flagKey, tenantId);
  const revert: PendingRevert = {
    auditId,
    flagKey,
    tenantId,
    revertTo: revertTarget(replaced, previous, value),
    revertAt,
    timeboxMs,
    ...(replaced ? { replaces: asReplaced(replaced) } : {}),
  };
  let note: string | null = null;
  try {
    await reverts.schedule(revert);
  } catch (error) {
    note = `the time box could not be saved (${errorText(error)}); the revert runs only while Switchboard stays open`;
  }
  const withdraw = async (): Promise<string | null> => {
    if (reverts.pendingFor(flagKey, tenantId)?.auditId !== auditId) return null;
    try {
      if (replaced) await reverts.schedule(replaced);
      else await reverts.cancel(flagKey, tenantId);
      return null;
    } catch (error) {
      return `the time box armed for it could not be withdrawn from disk (${errorText(error)}); after a restart it may still revert`;
    }
  };
  return { revert, note, withdraw };
}

/** After a change without a time box landed: cancel the switch's running one. null when done, else a note. */
export async function cancelTimeBox(reverts: RevertScheduler, entry: AuditEntry): Promise<string | null> {
  try {
    await reverts.cancel(entry.flagKey, entry.tenantId);
    return null;
  } catch (error) {
    return `an earlier time box could not be removed from disk (${errorText(error)}); it may revert after a restart`;
  }
}

/**
 * The outcome of a change that did not land, with the time box armed for it settled to match: withdrawn
 * (the one it replaced put back) — or, when the change may have landed after all (`unsure`: the
 * read-back failed), kept, since a revert to what was served before is harmless if it did not.
 */
export async function failedWithTimeBox(
  armed: ArmedTimeBox | null,
  error: string,
  unsure: boolean,
  approvalRequired = false,
): Promise<Outcome> {
  if (armed && unsure) {
    const kept = `${error}; its time box stays armed in case it was applied`;
    return failed(kept, approvalRequired, armed.revert.revertAt);
  }
  const note = (await armed?.withdraw()) ?? null;
  return failed(note === null ? error : `${error}; ${note}`, approvalRequired);
}
