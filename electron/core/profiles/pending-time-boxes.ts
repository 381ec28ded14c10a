import { durationText } from '../actions/duration-text';
import type { PendingRevert } from '../actions/pending-revert';
import { ApiError } from '../api';

/**
 * Each profile's time boxes run only while that profile is active (a revert goes back through the
 * provider it came from). Switching away silently would leave "off for 15 min" off indefinitely, so
 * the switch is refused, naming what would not run, until the person confirms.
 */
export function refuseLeavingTimeBoxes(
  profile: string,
  pending: readonly PendingRevert[],
  now: number,
): void {
  if (pending.length === 0) return;
  const boxes = [...pending]
    .sort((a, b) => Date.parse(a.revertAt) - Date.parse(b.revertAt))
    .map((revert) => describeTimeBox(revert, now));
  const subject = boxes.length === 1 ? boxes[0] : `${boxes.slice(0, -1).join(', ')} and ${boxes.at(-1)}`;
  throw new ApiError(
    'CONFIRMATION_REQUIRED',
    `${subject} and will not run while another profile is active: "${profile}"'s time boxes run only ` +
      'while it is active, and run late when you switch back. Confirm to switch anyway.',
  );
}

/** "acme's time box (publish-events) ends in 12 min", "the time box of beta for everyone ends in 1 h". */
function describeTimeBox(revert: PendingRevert, now: number): string {
  const left = Date.parse(revert.revertAt) - now;
  const when = left > 0 ? `ends in ${durationText(left)}` : 'is due now';
  return revert.tenantId === null
    ? `the time box of ${revert.flagKey} for everyone ${when}`
    : `${revert.tenantId}'s time box (${revert.flagKey}) ${when}`;
}
