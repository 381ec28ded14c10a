/**
 * The one window. Both entries render `<App client={…}/>`; nothing below knows which host it runs in.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { ConnectionInfo, RendererClient } from '../client/client';
import { ChangeDialog } from '../features/actions/ChangeDialog';
import { connectTimeBoxes, loadTimeBoxes } from '../features/actions/time-boxes-store';
import { AlertsPanel } from '../features/alerts/AlertsPanel';
import { markerFromAlert } from '../features/alerts/alert-marker';
import { connectAlerts, expireToasts, pushError } from '../features/alerts/alerts-store';
import { Toasts } from '../features/alerts/Toasts';
import { AuditView } from '../features/audit/AuditView';
import { connectAudit, loadAudit } from '../features/audit/audit-store';
import { BrokerStrip } from '../features/broker/BrokerStrip';
import { connectBroker } from '../features/broker/broker-store';
import { HealthView } from '../features/broker/HealthView';
import { FlagsView } from '../features/flags/FlagsView';
import { CommandPalette } from '../features/palette/CommandPalette';
import { ProfilesView } from '../features/profiles/ProfilesView';
import { connectProfiles, loadProfiles } from '../features/profiles/profiles-store';
import { connectSettings, loadSettings, updateSettings } from '../features/settings/settings-store';
import { connectSources, loadSources } from '../features/sources/sources-store';
import { TenantDetailPanel } from '../features/tenants/TenantDetailPanel';
import { markerFromEntry, openTenant } from '../features/tenants/tenant-detail-store';
import { revealTenant } from '../features/traffic/reveal-tenant';
import { TrafficView } from '../features/traffic/TrafficView';
import { addMarker, connectTraffic, loadTraffic } from '../features/traffic/traffic-store';
import { ConnectionBanner, ProblemsBanner } from './ConnectionBanner';
import { AppContext, type AppContextValue, createAppStores, useSlice } from './context';
import { followDataProblems } from './data-problems';
import { useDocumentTitle } from './document-title';
import { Header } from './Header';
import { useKeyboard } from './keyboard';
import { useResolvedTheme } from './theme';
import './app.css';

function useConnection(client: RendererClient): ConnectionInfo {
  const [info, setInfo] = useState(() => client.connection.get());
  useEffect(() => {
    setInfo(client.connection.get());
    return client.connection.subscribe(setInfo);
  }, [client]);
  return info;
}

export function App({ client }: { client: RendererClient }) {
  const stores = useMemo(() => createAppStores(), []);
  const value = useMemo<AppContextValue>(() => ({ client, stores }), [client, stores]);
  const connection = useConnection(client);

  // Event subscriptions: one per store, each effect returns its unsubscribe.
  useEffect(() => connectTraffic(stores.traffic, client), [stores, client]);
  useEffect(() => connectSources(stores.sources, client), [stores, client]);
  useEffect(() => followDataProblems(stores.sources, client), [stores, client]);
  useEffect(() => connectSettings(stores.settings, client), [stores, client]);
  useEffect(() => connectAudit(stores.audit, client), [stores, client]);
  useEffect(() => connectTimeBoxes(stores.timeBoxes, client), [stores, client]);
  // broker health: appended from events; loaded (below) on every connect
  const broker = useRef<ReturnType<typeof connectBroker> | null>(null);
  useEffect(() => {
    const link = connectBroker(stores.broker, client);
    broker.current = link;
    return () => {
      link.dispose();
      if (broker.current === link) broker.current = null;
    };
  }, [stores, client]);
  useEffect(
    () =>
      connectAlerts(stores.alerts, client, (alert) => {
        const marker = markerFromAlert(alert);
        if (marker) addMarker(stores.traffic, marker);
      }),
    [stores, client],
  );
  // A desktop notification about a tenant was clicked (Electron): open that tenant.
  useEffect(
    () => client.on('app.onReveal', ({ tenantId }) => revealTenant(stores, tenantId)),
    [stores, client],
  );
  // Flip markers on the overview from audit outcomes.
  useEffect(
    () =>
      client.on('audit.onEntry', (entry) => {
        const marker = markerFromEntry(entry);
        if (marker) addMarker(stores.traffic, { ...marker, label: `${entry.tenantId} ${marker.label}` });
      }),
    [stores, client],
  );
  useEffect(() => {
    const timer = setInterval(() => expireToasts(stores.alerts, Date.now()), 1000);
    return () => clearInterval(timer);
  }, [stores]);

  // Another profile became active: everything shown belongs to the old one, so load it all again.
  // Traffic reloads itself (connectTraffic), so that a paused window keeps its frozen figures.
  useEffect(() => connectProfiles(stores.profiles, client), [stores, client]);
  useEffect(
    () =>
      client.on('app.onReset', () => {
        loadSources(stores.sources, client);
        loadAudit(stores.audit, client);
        loadTimeBoxes(stores.timeBoxes, client);
        loadProfiles(stores.profiles, client);
        broker.current?.load();
      }),
    [stores, client],
  );

  // (Re)load everything each time the link comes up: first connect and every reconnect.
  const restored = useRef(false);
  const persisted = useRef<string | null>(null);
  const [connects, setConnects] = useState(0);
  useEffect(() => {
    stores.ui.setState({ connection: connection.state });
    if (connection.state !== 'connected') return;
    setConnects((n) => n + 1);
    loadSources(stores.sources, client);
    loadTraffic(stores.traffic, client);
    loadAudit(stores.audit, client);
    loadTimeBoxes(stores.timeBoxes, client);
    broker.current?.load();
    loadSettings(stores.settings, client).then((settings) => {
      if (!settings || restored.current) return;
      restored.current = true;
      const { view, tenantId } = settings.lastView;
      persisted.current = `${view}|${tenantId ?? ''}`;
      stores.ui.setState({ view, openTenantId: tenantId });
    });
  }, [connection.state, stores, client]);

  // The detail panel follows ui.openTenantId (reloaded after a reconnect, too).
  const openTenantId = useStore(stores.ui, (s) => s.openTenantId);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `connects` reopens the tenant after a reconnect
  useEffect(
    () => openTenant(stores.detail, client, openTenantId, () => stores.traffic.getState().paused),
    [stores, client, openTenantId, connects],
  );

  // Persist the last view (not on the restore itself).
  const view = useStore(stores.ui, (s) => s.view);
  useEffect(() => {
    const key = `${view}|${openTenantId ?? ''}`;
    // nothing to persist before the saved view was restored, nor the restored view itself
    if (!restored.current || persisted.current === key) return;
    persisted.current = key;
    updateSettings(stores.settings, client, { lastView: { view, tenantId: openTenantId } }).then((error) => {
      if (error) pushError(stores.alerts, error);
    });
  }, [view, openTenantId, stores, client]);

  return (
    <AppContext.Provider value={value}>
      <Shell connection={connection} />
    </AppContext.Provider>
  );
}

function Shell({ connection }: { connection: ConnectionInfo }) {
  const theme = useSlice(
    (s) => s.settings,
    (s) => s.settings?.theme ?? 'system',
  );
  const resolved = useResolvedTheme(theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = resolved;
  }, [theme, resolved]);
  const view = useSlice(
    (s) => s.ui,
    (s) => s.view,
  );
  const openTenantId = useSlice(
    (s) => s.ui,
    (s) => s.openTenantId,
  );
  useKeyboard();
  useDocumentTitle();
  return (
    <div className="app" data-testid="app-root" data-connection={connection.state} data-view={view}>
      <Header connection={connection} />
      <BrokerStrip />
      <ConnectionBanner info={connection} />
      <ProblemsBanner />
      <main className={`main${openTenantId ? ' main--with-detail' : ''}`}>
        <div className="main__view">
          {view === 'traffic' ? (
            <TrafficView />
          ) : view === 'health' ? (
            <HealthView />
          ) : view === 'profiles' ? (
            <ProfilesView />
          ) : view === 'flags' ? (
            <FlagsView />
          ) : (
            <AuditView />
          )}
        </div>
        {openTenantId ? <TenantDetailPanel tenantId={openTenantId} /> : null}
      </main>
      <ChangeDialog />
      <CommandPalette />
      <AlertsPanel />
      <Toasts />
    </div>
  );
}
