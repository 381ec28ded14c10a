import { z } from 'zod';
import { type FlagValue, flagKeySchema, flagValueSchema, type TimeBoxInfo, tenantIdSchema } from '../api';
import { switchKey } from './tenant-switch';

/** A time box waiting to expire: at `revertAt` the switch goes back to `revertTo`. */
export interface PendingRevert {
  /** the audit entry of the time-boxed flip */
  auditId: string;
  flagKey: string;
  /** null: the flag for everyone (its on/off state; revertTo is then a boolean) */
  tenantId: string | null;
  revertTo: FlagValue;
  /** ISO time */
  revertAt: string;
  /** the time box asked for, for the revert's reason ("time box expired (15 min)") */
  timeboxMs: number;
  /**
   * The time box this one replaced, armed before its change was written: if that change turns out
   * not to have landed (a crash in between), this is what to put back.
   */
  replaces?: ReplacedRevert;
}

export type ReplacedRevert = Omit<PendingRevert, 'replaces'>;

const replacedRevertSchema = z
  .object({
    auditId: z.string().min(1),
    flagKey: flagKeySchema,
    tenantId: tenantIdSchema.nullable(),
    revertTo: flagValueSchema,
    revertAt: z.iso.datetime({ error: 'expected an ISO date-time' }),
    timeboxMs: z.number().int().positive(),
  })
  .strict();

const pendingRevertSchema = replacedRevertSchema
  .extend({ replaces: replacedRevertSchema.optional() })
  .strict();

/** `pending-reverts.json`: `{"reverts":[...]}`. */
export const pendingRevertsFileSchema = z.object({ reverts: z.array(pendingRevertSchema) }).strict();

/** What the UI is told of a running time box (not what it replaced: that is for recovery only). */
export function timeBoxInfo({ flagKey, tenantId, revertTo, revertAt, auditId }: PendingRevert): TimeBoxInfo {
  return { flagKey, tenantId, revertTo, revertAt, auditId };
}

/** The revert as a record of what was replaced (one level deep: older ones are long settled). */
export function asReplaced({ replaces: _, ...revert }: PendingRevert): ReplacedRevert {
  return revert;
}

/**
 * Which value a new time box returns to. Normally what was served just before the flip; but when a
 * time box is already running and the new flip is not a return to its target (an operator extending
 * "off for 15 min" with "off for 1 h"), keep the original target — otherwise the extension would
 * revert to "off", making the kill permanent.
 */
export function revertTarget(
  running: PendingRevert | null,
  previous: FlagValue,
  value: FlagValue,
): FlagValue {
  if (running && running.revertTo !== value) return running.revertTo;
  return previous;
}

/**
 * Two lists of time boxes for one flag store, as one (older versions kept a file per profile, so two
 * profiles on one store could each hold a time box for the same switch). One per switch: where both
 * hold one, the later change's is kept — at its own time, but returning to the earlier one's target,
 * the state before either change (the later one, made without seeing the earlier box, took the
 * earlier change's value for "before"). The earlier box becomes the one it replaced, put back should
 * the later change turn out not to have landed.
 */
export function mergePendingReverts(
  into: readonly PendingRevert[],
  from: readonly PendingRevert[],
): PendingRevert[] {
  const merged = new Map(into.map((revert) => [switchKey(revert.flagKey, revert.tenantId), revert]));
  for (const revert of from) {
    const key = switchKey(revert.flagKey, revert.tenantId);
    const held = merged.get(key);
    merged.set(key, held ? oneOf(held, revert) : revert);
  }
  return [...merged.values()];
}

function oneOf(a: PendingRevert, b: PendingRevert): PendingRevert {
  if (a.auditId === b.auditId) return a;
  const [earlier, later] = madeAt(a) <= madeAt(b) ? [a, b] : [b, a];
  return { ...later, revertTo: earlier.revertTo, replaces: later.replaces ?? asReplaced(earlier) };
}

function madeAt(revert: PendingRevert): number {
  return Date.parse(revert.revertAt) - revert.timeboxMs;
}
