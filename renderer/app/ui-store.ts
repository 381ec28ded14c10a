/** Window-level UI state: which view, which tenant is open, whether the palette is open. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectionState } from '../client/client';

/** Only traffic and audit are persisted as the last view: the settings contract knows those two. */
export type View = 'traffic' | 'flags' | 'audit' | 'health' | 'profiles';

export interface UiState {
  view: View;
  /** tenant shown in the detail panel */
  openTenantId: string | null;
  paletteOpen: boolean;
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
    focusFilterSeq: 0,
    revealSeq: 0,
    connection: 'connecting',
  }));
}
