/** The header's Alerts button: opens this session's alerts, and counts those not yet looked at. */
import { useApp, useSlice } from '../../app/context';
import { formatCount } from '../../app/format';

export function AlertsToggle() {
  const { stores } = useApp();
  const open = useSlice(
    (s) => s.ui,
    (s) => s.alertsOpen,
  );
  const unseen = useSlice(
    (s) => s.alerts,
    (s) => s.unseen,
  );
  const severity = useSlice(
    (s) => s.alerts,
    (s) => s.unseenSeverity,
  );
  return (
    <button
      type="button"
      className="btn btn--small alerts-toggle"
      data-testid="alerts-toggle"
      data-unseen={unseen}
      aria-pressed={open}
      aria-label={unseen > 0 ? `Alerts: ${unseen} not seen` : 'Alerts'}
      title="This session's alerts"
      onClick={() => stores.ui.setState({ alertsOpen: !open })}
    >
      Alerts
      {unseen > 0 ? (
        <span className={`alerts-toggle__badge alerts-toggle__badge--${severity ?? 'info'}`}>
          {formatCount(unseen)}
        </span>
      ) : null}
    </button>
  );
}
