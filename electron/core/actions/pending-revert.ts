import { z } from 'zod';
import { type FlagValue, flagKeySchema, flagValueSchema, tenantIdSchema } from '../api';

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
