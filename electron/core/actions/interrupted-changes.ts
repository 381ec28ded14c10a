/**
 * Changes that a crash (or a kill, or a power cut) interrupted: their intent is on disk, their
 * outcome never was. At a session's start each one still 'pending' is settled by what the provider
 * serves now — applied (its time box kept), failed (the time box it replaced put back), or 'interrupted' when
 * the provider cannot be read — with a completing record appended like any outcome.
 */
import type { AuditEntry, FlagValue } from '../api';
import { errorText } from '../errors/error-text';
import type { AuditLog } from './audit-log';
import { entrySubject, recordOrRefuse } from './audit-record';
import { failed, type Outcome, type RevertScheduler } from './change-steps';
import { isInFlight } from './changes-in-flight';
import type { Now } from './clock';
import { flagValueText } from './flag-value-text';
import { revertTarget } from './pending-revert';

export interface InterruptedChangeSteps {
  /** what the provider serves now for the entry's switch: the tenant's value, or the flag's on/off */
  served(): Promise<FlagValue>;
  /** the provider, for messages */
  label: string;
  reverts: RevertScheduler;
  audit: Pick<AuditLog, 'append'>;
  now: Now;
  /** more to do once the change is found applied (a provider's own expiry); null when done, else a note */
  afterApplied?(entry: AuditEntry): Promise<string | null>;
}

/** The services that settle their own flag store's entries; null: not theirs to settle. */
export interface InterruptedChangeSettler {
  settleInterrupted(entry: AuditEntry): Promise<AuditEntry> | null;
}

const STOPPED = "Switchboard stopped before this change's outcome was recorded";

/** Settle one entry (the services call this inside their switch's queue). */
export async function settleInterrupted(
  entry: AuditEntry,
  steps: InterruptedChangeSteps,
): Promise<AuditEntry> {
  let served: FlagValue;
  try {
    served = await steps.served();
  } catch (error) {
    const kept = entry.revertAt === null ? '' : '; its time box stays armed';
    return conclude(steps, entry, {
      outcome: 'interrupted',
      error: `${STOPPED}, and at the next start ${steps.label} could not be read (${errorText(error)}): check what it serves${kept}`,
      confirmedAt: null,
      revertAt: entry.revertAt,
      approval: null,
    });
  }
  if (served === entry.value) {
    const notes = [await keepTimeBox(steps.reverts, entry), (await steps.afterApplied?.(entry)) ?? null];
    const said = `${STOPPED}; at the next start ${steps.label} served ${flagValueText(served)} as asked`;
    return conclude(steps, entry, {
      outcome: 'applied',
      error: [said, ...notes.filter((note) => note !== null)].join('; '),
      confirmedAt: new Date(steps.now()).toISOString(),
      revertAt: entry.revertAt,
      approval: null,
    });
  }
  const note = await withdrawTimeBox(steps.reverts, entry);
  const why = `${STOPPED}; at the next start ${steps.label} served ${flagValueText(served)}, not ${flagValueText(entry.value)}: the change did not take effect`;
  return conclude(steps, entry, failed(note === null ? why : `${why}; ${note}`));
}

/**
 * At a session's start — or, when its flag system was still connecting, once it connects (see
 * console-session: "could not be read" would be final): settle every entry left 'pending' by an
 * earlier run. Those made on the active profile's flag store are read back through its services (the
 * embedded store's whichever profile made them, see madeOnStore); those recorded before entries named
 * their profile cannot be read back safely and are marked 'interrupted'; other stores' wait for a
 * profile on their store to start.
 * Never rejects: a failure is logged and the entry stays pending for the next start.
 */
export async function settleInterruptedChanges(
  audit: Pick<AuditLog, 'pending' | 'append'>,
  services: { flips: InterruptedChangeSettler; toggles: InterruptedChangeSettler },
): Promise<AuditEntry[]> {
  // One synchronous pass: each settle takes its place in its switch's queue before any time box that
  // is already overdue can fire a revert of the same switch.
  const runs = audit
    .pending()
    .filter((entry) => !isInFlight(entry.id))
    .map((entry) => {
      const service = entry.tenantId === null ? services.toggles : services.flips;
      const run =
        service.settleInterrupted(entry) ?? (entry.profile == null ? markUnknown(audit, entry) : null);
      return run?.catch((error: unknown) => {
        console.error(`switchboard: could not settle the interrupted change ${entry.id}:`, errorText(error));
        return null;
      });
    });
  const settled = await Promise.all(runs);
  return settled.filter((entry): entry is AuditEntry => entry != null);
}

function markUnknown(audit: Pick<AuditLog, 'append'>, entry: AuditEntry): Promise<AuditEntry> {
  return conclude({ audit }, entry, {
    outcome: 'interrupted',
    error: `${STOPPED}, and the entry does not name its profile (written by an older Switchboard): whether it was applied is unknown — check ${entrySubject(entry)} in ${entry.provider}`,
    confirmedAt: null,
    revertAt: entry.revertAt,
    approval: null,
  });
}

/**
 * The change landed: its time box must be there (since this version it was saved with the intent;
 * an older run saved it only after the write), and one it did not have must not revert it.
 */
async function keepTimeBox(reverts: RevertScheduler, entry: AuditEntry): Promise<string | null> {
  const { id: auditId, flagKey, tenantId, value, previous, timeboxMs, revertAt } = entry;
  const running = reverts.pendingFor(flagKey, tenantId);
  try {
    if (timeboxMs === null || revertAt === null) {
      if (running && running.auditId !== auditId) await reverts.cancel(flagKey, tenantId);
      return null;
    }
    if (running?.auditId === auditId || previous === null) return null;
    const revertTo = revertTarget(running, previous, value);
    await reverts.schedule({ auditId, flagKey, tenantId, revertTo, revertAt, timeboxMs });
    return null;
  } catch (error) {
    return `its time box could not be saved (${errorText(error)})`;
  }
}

/**
 * The change did not land: the time box armed for it goes, and the one it replaced (saved with it)
 * comes back — a kill must not lose its revert to a change that never happened.
 */
async function withdrawTimeBox(reverts: RevertScheduler, entry: AuditEntry): Promise<string | null> {
  const armed = reverts.pendingFor(entry.flagKey, entry.tenantId);
  if (armed?.auditId !== entry.id) return null;
  try {
    if (armed.replaces) await reverts.schedule(armed.replaces);
    else await reverts.cancel(entry.flagKey, entry.tenantId);
    return null;
  } catch (error) {
    return `the time box armed for it could not be withdrawn from disk (${errorText(error)}); after a restart it may still revert`;
  }
}

function conclude(
  steps: Pick<InterruptedChangeSteps, 'audit'>,
  entry: AuditEntry,
  outcome: Outcome,
): Promise<AuditEntry> {
  return recordOrRefuse(
    steps.audit,
    { ...entry, ...outcome },
    (cause) =>
      `${entrySubject(entry)} was settled as ${outcome.outcome}, but the audit could not record it: ${cause}`,
  );
}
