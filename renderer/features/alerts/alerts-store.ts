/**
 * Toasts: alerts pushed by the core (spike started, flip failed, revert, source trouble) and notices
 * the UI raises itself (a call that failed outside a dialog). Critical ones stay until dismissed;
 * the rest leave after a while, and a spike's leaves when its end is announced, a broker alarm's
 * when its end is (same topic). Nothing is dropped
 * silently: the newest MAX_VISIBLE are shown and the rest are counted.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Alert, SwitchboardClient } from '../../../electron/core/api';

export const MAX_VISIBLE = 4;
export const AUTO_DISMISS_MS = 10_000;

export interface Toast {
  id: string;
  at: number;
  kind: Alert['kind'] | 'error';
  severity: Alert['severity'];
  tenantId: string | null;
  message: string;
  /** a newer toast of the same topic replaces this one (Alert['topic']) */
  topic?: string;
}

export const HISTORY_LIMIT = 200;

export interface AlertsState {
  toasts: Toast[];
  /** every alert this session, newest first (the last HISTORY_LIMIT): the alerts panel */
  history: Toast[];
  /** alerts since the panel was last looked at, and the worst of them (for the header's badge) */
  unseen: number;
  unseenSeverity: Toast['severity'] | null;
}
export type AlertsStore = StoreApi<AlertsState>;

export function createAlertsStore(): AlertsStore {
  return createStore<AlertsState>(() => ({ toasts: [], history: [], unseen: 0, unseenSeverity: null }));
}

const SEVERITY_RANK: Record<Toast['severity'], number> = { info: 0, warning: 1, critical: 2 };

function worse(a: Toast['severity'] | null, b: Toast['severity']): Toast['severity'] {
  return a !== null && SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** The panel is open: everything in the history has been seen. */
export function markSeen(store: AlertsStore): void {
  if (store.getState().unseen !== 0) store.setState({ unseen: 0, unseenSeverity: null });
}

let localId = 0;

/**
 * The toasts an alert answers for its tenant: they leave when it arrives (the history keeps them).
 * A spike's toast is critical and would otherwise stay after the spike ended — after the very kill
 * switch that ended it — beside the toast that says so. A spike's end also answers the tenant's
 * over-limit warning: the spike was what took it over, and the table still shows the status.
 */
const ANSWERS: Partial<Record<Toast['kind'], readonly Toast['kind'][]>> = {
  'spike-ended': ['spike', 'over-limit'],
  'over-limit-ended': ['over-limit'],
};

export function pushToast(store: AlertsStore, toast: Toast): void {
  const { toasts, history, unseen, unseenSeverity } = store.getState();
  if (toasts.some((t) => t.id === toast.id)) return;
  const answered = ANSWERS[toast.kind] ?? [];
  const open = toasts.filter(
    (t) =>
      !(t.tenantId === toast.tenantId && answered.includes(t.kind)) &&
      !(toast.topic !== undefined && t.topic === toast.topic),
  );
  store.setState({
    toasts: [toast, ...open],
    history: [toast, ...history].slice(0, HISTORY_LIMIT),
    unseen: unseen + 1,
    unseenSeverity: worse(unseenSeverity, toast.severity),
  });
}

/** A UI-side error (a call that failed outside a dialog): shown like a warning alert. */
export function pushError(store: AlertsStore, message: string): void {
  pushToast(store, {
    id: `local-${++localId}`,
    at: Date.now(),
    kind: 'error',
    severity: 'warning',
    tenantId: null,
    message,
  });
}

export function dismissToast(store: AlertsStore, id: string): void {
  store.setState({ toasts: store.getState().toasts.filter((t) => t.id !== id) });
}

/** Drop non-critical toasts older than AUTO_DISMISS_MS. */
export function expireToasts(store: AlertsStore, now: number): void {
  const { toasts } = store.getState();
  const keep = toasts.filter((t) => t.severity === 'critical' || now - t.at < AUTO_DISMISS_MS);
  if (keep.length !== toasts.length) store.setState({ toasts: keep });
}

export function connectAlerts(
  store: AlertsStore,
  client: SwitchboardClient,
  onAlert?: (alert: Alert) => void,
): () => void {
  return client.on('alerts.onAlert', (alert) => {
    // toasts time out against the local clock, whatever the host's
    pushToast(store, { ...alert, at: Date.now() });
    onAlert?.(alert);
  });
}
