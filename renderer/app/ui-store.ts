/** Window-level UI state: which view, which tenant is open, whether the palette or the alerts panel is open. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConsoleView } from '../../electron/core/api';
import type { ConnectionState } from '../client/client';

/** The views of the contract's settings, so that whichever is open is the one restored. */
export type View = ConsoleView;

export interface UiState {
  view: View;
  /** tenant shown in the detail panel */
  openTenantId: string | null;
  paletteOpen: boolean;
  /** the alerts panel (this session's alerts) */
  alertsOpen: boolean;
  /** bumped to ask the tenants filter to take focus */
  focusFilterSeq: number;
  /** bumped to ask the table to scroll the selection into view */
  revealSeq: number;
  /** mirror of the client's link state, for views that explain why they are empty */
  connection: ConnectionState;
}
export type UiStore = StoreApi<UiState>;

export function createUiStore(): UiStore {
  return createStore<UiState>(() => ({
    view: 'traffic',
    openTenantId: null,
    paletteOpen: false,
    alertsOpen: false,
    focusFilterSeq: 0,
    revealSeq: 0,
    connection: 'connecting',
  }));
}
