/**
 * The open tenant: tenants.detail once, then its rate appended from ticks, its flags refetched on
 * flags.onChange, its audit entries and flip markers kept from audit.onEntry. Event-driven only.
 * While live updates are paused its figures freeze like the table's, its kill switch does not, and
 * resuming loads it again so the chart has no gap.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AuditEntry,
  SwitchboardClient,
  TenantDetail,
  TenantRow,
  TrafficMarker,
} from '../../../electron/core/api';
import { errorText } from '../../client/client';
import { KILL_SWITCH_FLAG } from '../actions/kill-switch';
import { upsertEntry } from '../audit/audit-store';
import { OVERVIEW_WINDOW_MS } from '../traffic/overview';
import { tickRow } from '../traffic/tick-row';

export interface TenantDetailState {
  tenantId: string | null;
  detail: TenantDetail | null;
  /** bumped when the series grows */
  seriesSeq: number;
  loading: boolean;
  error: string | null;
  flagsError: string | null;
}
export type TenantDetailStore = StoreApi<TenantDetailState>;

export function createTenantDetailStore(): TenantDetailStore {
  return createStore<TenantDetailState>(() => ({
    tenantId: null,
    detail: null,
    seriesSeq: 0,
    loading: false,
    error: null,
    flagsError: null,
  }));
}

function flipMarker(entry: AuditEntry): TrafficMarker | null {
  if (entry.outcome !== 'applied' || entry.flagKey !== KILL_SWITCH_FLAG || entry.tenantId === null)
    return null;
  return {
    t: Date.parse(entry.confirmedAt ?? entry.at),
    kind: entry.action === 'revert' ? 'revert' : 'flip',
    tenantId: entry.tenantId,
    label: entry.value === false ? 'off' : 'on',
  };
}

/**
 * The chart's markers with `incoming` added, oldest first. One event may reach the panel twice (an
 * audit entry now, the core's marker on the next tick): the same kind within 2 s is that one event.
 */
function withMarkers(current: TrafficMarker[], incoming: readonly TrafficMarker[]): TrafficMarker[] {
  const added = incoming.filter((m) => !current.some((x) => x.kind === m.kind && Math.abs(x.t - m.t) < 2000));
  return added.length === 0 ? current : [...current, ...added].sort((a, b) => a.t - b.t);
}

export function markerFromEntry(entry: AuditEntry): TrafficMarker | null {
  return flipMarker(entry);
}

/**
 * Open a tenant (or close with null) and keep it live. `paused` says whether live updates are paused
 * now (the traffic store holds that). Returns the unsubscribe for this tenant's listeners; call it
 * before opening another.
 */
export function openTenant(
  store: TenantDetailStore,
  client: SwitchboardClient,
  tenantId: string | null,
  paused: () => boolean = () => false,
): () => void {
  store.setState({ tenantId, detail: null, loading: tenantId !== null, error: null, flagsError: null });
  if (tenantId === null) return () => {};
  let disposed = false;
  const current = () => !disposed && store.getState().tenantId === tenantId;

  const load = async () => {
    try {
      const detail = await client.call('tenants.detail', { tenantId });
      if (!current()) return;
      store.setState({ detail, loading: false, error: null, seriesSeq: store.getState().seriesSeq + 1 });
    } catch (error) {
      if (current()) store.setState({ loading: false, error: errorText(error) });
    }
  };
  load();

  const offTick = client.on('traffic.onTick', (tick) => {
    const s = store.getState();
    const d = s.detail;
    if (!current() || !d) return;
    const row = tickRow(tick, tenantId);
    if (!row) return;
    if (paused()) {
      if (!tick.stale) keepSwitchCurrent(store, d, row);
      return;
    }
    const { t, rate, baseline } = d.series;
    if (t.length && tick.t <= t[t.length - 1]!) return;
    t.push(tick.t);
    rate.push(row.rate);
    baseline.push(row.baseline);
    let cut = 0;
    while (cut < t.length && t[cut]! < tick.t - OVERVIEW_WINDOW_MS) cut++;
    if (cut) {
      t.splice(0, cut);
      rate.splice(0, cut);
      baseline.splice(0, cut);
    }
    const markers = tick.markers ? withMarkers(d.markers, tick.markers) : d.markers;
    store.setState({ detail: { ...d, row, markers }, seriesSeq: s.seriesSeq + 1 });
  });

  const offFlags = client.on('flags.onChange', async () => {
    if (!current()) return;
    try {
      const flags = await client.call('flags.forTenant', { tenantId });
      const d = store.getState().detail;
      if (current() && d) store.setState({ detail: { ...d, flags }, flagsError: null });
    } catch (error) {
      if (current()) store.setState({ flagsError: `flags: ${errorText(error)}` });
    }
  });

  const offResume = client.on('traffic.onPaused', ({ paused: now }) => {
    if (!now && current()) load();
  });

  const offAudit = client.on('audit.onEntry', (entry) => {
    const d = store.getState().detail;
    if (!current() || !d || entry.tenantId !== tenantId) return;
    const marker = flipMarker(entry);
    const markers = marker ? withMarkers(d.markers, [marker]) : d.markers;
    store.setState({ detail: { ...d, audit: upsertEntry(d.audit, entry), markers } });
  });

  return () => {
    disposed = true;
    offTick();
    offFlags();
    offResume();
    offAudit();
  };
}

/**
 * Paused: the panel's figures stay frozen, but a flipped kill switch shows its new state and the
 * status the core gave it (so "Stop publishing…" never offers to flip it again).
 */
function keepSwitchCurrent(store: TenantDetailStore, d: TenantDetail, row: TenantRow): void {
  if (d.row && d.row.publishing === row.publishing) return;
  // without a row there were no figures to freeze: take the tick's
  const next = d.row ? { ...d.row, publishing: row.publishing, status: row.status, why: row.why } : row;
  store.setState({ detail: { ...d, row: next } });
}
