/** Alerts as toasts, bottom-left (clear of the kill switches). Critical ones stay until dismissed. */
import { useApp, useSlice } from '../../app/context';
import { formatClock } from '../../app/format';
import { openChange } from '../actions/actions-store';
import { revealTenant } from '../traffic/reveal-tenant';
import { select } from '../traffic/traffic-store';
import { KIND_LABEL } from './alert-labels';
import { dismissToast, MAX_VISIBLE, type Toast } from './alerts-store';

/** Alerts about a tenant using too much: their toast offers the kill switch itself. */
const STOPPABLE: ReadonlySet<Toast['kind']> = new Set(['spike', 'over-limit']);

export function Toasts() {
  const { stores } = useApp();
  const toasts = useSlice(
    (s) => s.alerts,
    (s) => s.toasts,
  );
  const readOnly = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.readOnly ?? false,
  );
  // re-rendered each tick: whether a tenant still publishes decides whether its toast offers Stop…
  useSlice(
    (s) => s.traffic,
    (s) => s.seq,
  );
  const { model } = stores.traffic.getState();
  const canStop = (t: Toast) =>
    !readOnly &&
    STOPPABLE.has(t.kind) &&
    t.tenantId !== null &&
    model.publishing[model.slotOf(t.tenantId)] === 1;
  if (toasts.length === 0) return null;
  const visible = toasts.slice(0, MAX_VISIBLE);
  const hidden = toasts.length - visible.length;
  return (
    <section className="toasts" aria-live="polite" aria-label="Alerts">
      {visible.map((t) => (
        <div
          key={t.id}
          className={`toast toast--${t.severity}`}
          role={t.severity === 'critical' ? 'alert' : 'status'}
          data-testid="alert-toast"
          data-kind={t.kind}
        >
          <div className="toast__head">
            <span className="toast__kind">{KIND_LABEL[t.kind]}</span>
            <span className="toast__time">{formatClock(t.at)}</span>
            {/* in the head, not under the message: a toast covers as few rows of the table as it can */}
            {t.tenantId ? (
              <button
                type="button"
                className="link toast__open"
                onClick={() => {
                  revealTenant(stores, t.tenantId!);
                  dismissToast(stores.alerts, t.id);
                }}
              >
                Open {t.tenantId}
              </button>
            ) : null}
            {canStop(t) ? (
              <button
                type="button"
                className="btn btn--danger toast__stop"
                data-testid="toast-stop"
                title={`Stop publishing events for ${t.tenantId}: the kill switch, with a reason`}
                onClick={() => {
                  stores.ui.setState({ view: 'traffic' });
                  select(stores.traffic, t.tenantId!);
                  openChange(stores.actions, { kind: 'flip', tenantId: t.tenantId!, publish: false });
                }}
              >
                Stop…
              </button>
            ) : null}
            <button
              type="button"
              className="btn btn--icon btn--tiny"
              aria-label="Dismiss"
              onClick={() => dismissToast(stores.alerts, t.id)}
            >
              ✕
            </button>
          </div>
          {/* at most two lines here; the whole text is in the tooltip and the alerts panel */}
          <div className="toast__msg" title={t.message}>
            {t.message}
          </div>
        </div>
      ))}
      {hidden > 0 ? (
        <button
          type="button"
          className="btn btn--small toasts__more"
          onClick={() => {
            for (const t of toasts.slice(MAX_VISIBLE)) dismissToast(stores.alerts, t.id);
          }}
        >
          +{hidden} more · dismiss
        </button>
      ) : null}
    </section>
  );
}
