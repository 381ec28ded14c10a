/**
 * This session's alerts, newest first: what the toasts said, after they left (warnings and news go
 * after 10 s, and a critical one may have been dismissed in a hurry). Opened from the header's
 * Alerts button or the palette; Esc closes it. Looking at it clears the header's unseen count.
 */
import { useEffect } from 'react';
import { useApp, useSlice } from '../../app/context';
import { formatClock } from '../../app/format';
import { KIND_LABEL } from './alert-labels';
import { HISTORY_LIMIT, markSeen } from './alerts-store';

export function AlertsPanel() {
  const { stores } = useApp();
  const open = useSlice(
    (s) => s.ui,
    (s) => s.alertsOpen,
  );
  const history = useSlice(
    (s) => s.alerts,
    (s) => s.history,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: open, what arrives is seen as it arrives
  useEffect(() => {
    if (open) markSeen(stores.alerts);
  }, [open, history, stores]);
  if (!open) return null;
  const close = () => stores.ui.setState({ alertsOpen: false });
  return (
    <section
      className="alerts-panel"
      role="dialog"
      aria-label="Alerts this session"
      data-testid="alerts-panel"
    >
      <div className="alerts-panel__head">
        <h2 className="alerts-panel__title">Alerts this session</h2>
        <span className="alerts-panel__count">
          {history.length === HISTORY_LIMIT ? `the last ${HISTORY_LIMIT}` : history.length}
        </span>
        <button type="button" className="btn btn--icon btn--tiny" aria-label="Close alerts" onClick={close}>
          ✕
        </button>
      </div>
      {history.length === 0 ? (
        <p className="empty empty--inline">No alerts this session.</p>
      ) : (
        <ol className="alerts-panel__list">
          {history.map((t) => (
            <li
              key={t.id}
              className={`alert-line alert-line--${t.severity}`}
              data-testid="alerts-panel-item"
              data-kind={t.kind}
              data-severity={t.severity}
            >
              <span className="alert-line__time">{formatClock(t.at)}</span>
              <span className="alert-line__kind">{KIND_LABEL[t.kind]}</span>
              <span className="alert-line__msg">{t.message}</span>
              {t.tenantId ? (
                <button
                  type="button"
                  className="link alert-line__open"
                  onClick={() =>
                    stores.ui.setState({ view: 'traffic', openTenantId: t.tenantId, alertsOpen: false })
                  }
                >
                  Open {t.tenantId}
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
