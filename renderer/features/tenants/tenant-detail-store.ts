/**
 * The open tenant: tenants.detail once, then its rate appended from ticks, its flags refetched on
 * flags.onChange, its audit entries and flip markers kept from audit.onEntry. Event-driven only.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditEntry, SwitchboardClient, TenantDetail, TrafficMarker } from '../../../electron/core/api';
import { errorText } from '../../client/client';
import { upsertEntry } from '../audit/audit-store';
import { OVERVIEW_WINDOW_MS } from '../traffic/overview';

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
  if (entry.outcome !== 'applied' || entry.flagKey !== 'publish-events' || entry.tenantId === null)
    return null;
  return {
    t: Date.parse(entry.confirmedAt ?? entry.at),
    kind: entry.action === 'revert' ? 'revert' : 'flip',
    tenantId: entry.tenantId,
    label: entry.value === false ? 'off' : 'on',
  };
}

export function markerFromEntry(entry: AuditEntry): TrafficMarker | null {
  return flipMarker(entry);
}

/**
 * Open a tenant (or close with null) and keep it live. Returns the unsubscribe for this tenant's
 * listeners; call it before opening another.
 */
export function openTenant(
  store: TenantDetailStore,
  client: SwitchboardClient,
  tenantId: string | null,
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
    const row = tick.tenants.find((r) => r.id === tenantId);
    if (!row) return;
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
    store.setState({ detail: { ...d, row }, seriesSeq: s.seriesSeq + 1 });
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

  const offAudit = client.on('audit.onEntry', (entry) => {
    const d = store.getState().detail;
    if (!current() || !d || entry.tenantId !== tenantId) return;
    const marker = flipMarker(entry);
    const markers =
      marker && !d.markers.some((m) => m.kind === marker.kind && Math.abs(m.t - marker.t) < 2000)
        ? [...d.markers, marker]
        : d.markers;
    store.setState({ detail: { ...d, audit: upsertEntry(d.audit, entry), markers } });
  });

  return () => {
    disposed = true;
    offTick();
    offFlags();
    offAudit();
  };
}

/** Reload the open tenant (after a reconnect). */
export function reloadTenant(store: TenantDetailStore, client: SwitchboardClient): () => void {
  return openTenant(store, client, store.getState().tenantId);
}
