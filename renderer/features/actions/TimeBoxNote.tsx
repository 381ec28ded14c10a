/** "↺ on in 14 min": a value a running time box will change back by itself; the time in the tooltip. */
import { useEffect, useState } from 'react';
import type { TimeBoxInfo } from '../../../electron/core/api';
import { formatClock } from '../../app/format';
import { timeBoxText } from './time-boxes-store';

/** Views that do not follow the ticks (the Flags view) must still count down. */
const RECOUNT_MS = 15_000;

export function TimeBoxNote({ box, testId }: { box: TimeBoxInfo | null; testId: string }) {
  const [, recount] = useState(0);
  useEffect(() => {
    if (!box) return;
    const timer = setInterval(() => recount((n) => n + 1), RECOUNT_MS);
    return () => clearInterval(timer);
  }, [box]);
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
