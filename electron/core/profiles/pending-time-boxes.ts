import { durationText } from '../actions/duration-text';
import type { PendingRevert } from '../actions/pending-revert';
import { ApiError } from '../api';

/**
 * A flag store's time boxes run only while a profile on that store is active (a revert goes back
 * through the provider it came from). Switching to a profile on another store silently would leave
 * "off for 15 min" off indefinitely, so the switch is refused, naming what would not run, until the
 * person confirms.
 */
export function refuseLeavingTimeBoxes(
  profile: string,
  pending: readonly PendingRevert[],
  now: number,
): void {
  if (pending.length === 0) return;
  throw new ApiError(
    'CONFIRMATION_REQUIRED',
    `${describeTimeBoxes(pending, now)} and will not run while another profile is active: the time boxes ` +
      `of "${profile}"'s flag system run only while a profile on it is active, and run late when you switch back. ` +
      'Confirm to switch anyway.',
  );
}

/**
 * Deleting a profile, or pointing it at another flag system, must not strand time boxes that no other
 * profile could run: refused, naming how many and when they are due. `doing` is what was asked
 * ("delete it", "change its flag system").
 */
export function refuseStrandingTimeBoxes(
  profile: string,
  doing: string,
  pending: readonly PendingRevert[],
  now: number,
): void {
  if (pending.length === 0) return;
  const count = pending.length === 1 ? '1 time box' : `${pending.length} time boxes`;
  throw new ApiError(
    'CONFLICT',
    `"${profile}" has ${count} pending on its flag system (${describeTimeBoxes(pending, now)}), and no other ` +
      `profile uses that flag system, so they would never run. Switch to "${profile}" and let them end (or ` +
      `change those switches without a time box), then ${doing}.`,
  );
}

/** "acme's time box (publish-events) ends in 12 min and the time box of beta for everyone is due now", soonest first. */
export function describeTimeBoxes(pending: readonly PendingRevert[], now: number): string {
  const boxes = [...pending]
    .sort((a, b) => Date.parse(a.revertAt) - Date.parse(b.revertAt))
    .map((revert) => describeTimeBox(revert, now));
  return boxes.length === 1 ? boxes[0]! : `${boxes.slice(0, -1).join(', ')} and ${boxes.at(-1)}`;
}

/** "acme's time box (publish-events) ends in 12 min", "the time box of beta for everyone ends in 1 h". */
function describeTimeBox(revert: PendingRevert, now: number): string {
  const left = Date.parse(revert.revertAt) - now;
  const when = left > 0 ? `ends in ${durationText(left)}` : 'is due now';
  return revert.tenantId === null
    ? `the time box of ${revert.flagKey} for everyone ${when}`
    : `${revert.tenantId}'s time box (${revert.flagKey}) ${when}`;
}
