/**
 * After a fleet-wide drop, while publishers catch up on what they held back, spikes are not judged
 * (core traffic/fleet-drop.ts): the table says so beside its count, so that a table with nothing
 * marked during a burst is not read as "all is well".
 */
import { useApp, useSlice } from '../../app/context';
import { formatClock, formatDuration } from '../../app/format';

export function CatchingUpNote() {
  const { stores } = useApp();
  const left = useSlice(
    (s) => s.traffic,
    (s) => {
      const until = s.model.catchingUpUntil;
      // whole seconds: the note changes once a tick, not on every store update
      return until === null ? null : Math.max(0, Math.round((until - s.model.t) / 1000));
    },
  );
  const until = stores.traffic.getState().model.catchingUpUntil;
  if (left === null || until === null) return null;
  return (
    <span
      className="tag tag--warn"
      data-testid="catching-up-indicator"
      title={`All traffic came back after a fleet-wide drop. Publishers send what they held back, so until ${formatClock(until)} spikes are not judged and baselines do not learn; usage limits are still marked.`}
    >
      catching up after the drop · spikes judged in {formatDuration(left * 1000)}
    </span>
  );
}
