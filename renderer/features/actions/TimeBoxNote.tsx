/** "↺ on in 14 min": a value a running time box will change back by itself; the time in the tooltip. */
import type { TimeBoxInfo } from '../../../electron/core/api';
import { formatClock } from '../../app/format';
import { timeBoxText } from './time-boxes-store';

export function TimeBoxNote({ box, testId }: { box: TimeBoxInfo | null; testId: string }) {
  if (!box) return null;
  return (
    <div
      className="timebox"
      data-testid={testId}
      title={`time box: at ${formatClock(Date.parse(box.revertAt))}`}
    >
      ↺ {timeBoxText(box, Date.now())}
    </div>
  );
}
