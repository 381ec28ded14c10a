/**
 * The stores of one App instance and the client they talk to, handed down through React context.
 * Stores are created per App (not module singletons) so tests and the preview can run several.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { RendererClient } from '../client/client';
import { type ActionsStore, createActionsStore } from '../features/actions/actions-store';
import { createTimeBoxesStore, type TimeBoxesStore } from '../features/actions/time-boxes-store';
import { type AlertsStore, createAlertsStore } from '../features/alerts/alerts-store';
import { type AuditStore, createAuditStore } from '../features/audit/audit-store';
import { type BrokerStore, createBrokerStore } from '../features/broker/broker-store';
import { createProfilesStore, type ProfilesStore } from '../features/profiles/profiles-store';
import { createSettingsStore, type SettingsStore } from '../features/settings/settings-store';
import { createSourcesStore, type SourcesStore } from '../features/sources/sources-store';
import { createTenantDetailStore, type TenantDetailStore } from '../features/tenants/tenant-detail-store';
import { createTrafficStore, type TrafficStore } from '../features/traffic/traffic-store';
import { createUiStore, type UiStore } from './ui-store';

export interface AppStores {
  traffic: TrafficStore;
  sources: SourcesStore;
  settings: SettingsStore;
  audit: AuditStore;
  alerts: AlertsStore;
  actions: ActionsStore;
  timeBoxes: TimeBoxesStore;
  detail: TenantDetailStore;
  broker: BrokerStore;
  profiles: ProfilesStore;
  ui: UiStore;
}

export function createAppStores(): AppStores {
  return {
    traffic: createTrafficStore(),
    sources: createSourcesStore(),
    settings: createSettingsStore(),
    audit: createAuditStore(),
    alerts: createAlertsStore(),
    actions: createActionsStore(),
    timeBoxes: createTimeBoxesStore(),
    detail: createTenantDetailStore(),
    broker: createBrokerStore(),
    profiles: createProfilesStore(),
    ui: createUiStore(),
  };
}

export interface AppContextValue {
  client: RendererClient;
  stores: AppStores;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside <App>');
  return value;
}

/** Select from one of the app's stores: `useSlice(s => s.traffic, t => t.seq)`. */
export function useSlice<S, T>(pick: (stores: AppStores) => StoreApi<S>, selector: (state: S) => T): T {
  const { stores } = useApp();
  return useStore(pick(stores), selector);
}
