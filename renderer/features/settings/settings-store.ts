/** Settings (theme, refresh interval, last view), persisted by the host through settings.update. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallInput, Settings, SwitchboardClient, Theme } from '../../../electron/core/api';
import { errorText } from '../../client/client';

export interface SettingsState {
  settings: Settings | null;
  error: string | null;
}
export type SettingsStore = StoreApi<SettingsState>;

export const INTERVAL_CHOICES = [1000, 2000, 5000, 10_000] as const;
export const THEME_CYCLE: Record<Theme, Theme> = { system: 'dark', dark: 'light', light: 'system' };

export function createSettingsStore(): SettingsStore {
  return createStore<SettingsState>(() => ({ settings: null, error: null }));
}

export function connectSettings(store: SettingsStore, client: SwitchboardClient): () => void {
  return client.on('settings.onChange', (settings) => store.setState({ settings }));
}

export async function loadSettings(
  store: SettingsStore,
  client: SwitchboardClient,
): Promise<Settings | null> {
  try {
    const settings = await client.call('settings.get', {});
    store.setState({ settings, error: null });
    return settings;
  } catch (error) {
    store.setState({ error: `settings: ${errorText(error)}` });
    return null;
  }
}

/**
 * Apply a patch optimistically (the theme must switch at once) and persist it; on failure the previous
 * settings come back and the error is returned for the caller to show.
 */
export async function updateSettings(
  store: SettingsStore,
  client: SwitchboardClient,
  patch: CallInput<'settings.update'>,
): Promise<string | null> {
  const before = store.getState().settings;
  if (before) store.setState({ settings: { ...before, ...patch } as Settings });
  try {
    const settings = await client.call('settings.update', patch);
    store.setState({ settings, error: null });
    return null;
  } catch (error) {
    const message = `could not save settings: ${errorText(error)}`;
    store.setState({ settings: before, error: message });
    return message;
  }
}
