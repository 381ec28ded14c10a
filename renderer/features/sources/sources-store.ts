/** App info (profile, provider, host) and live source statuses. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo, SourceStatus, SwitchboardClient } from '../../../electron/core/api';
import { errorText } from '../../client/client';

export interface SourcesState {
  info: AppInfo | null;
  sources: SourceStatus[];
  error: string | null;
}
export type SourcesStore = StoreApi<SourcesState>;

export function createSourcesStore(): SourcesStore {
  return createStore<SourcesState>(() => ({ info: null, sources: [], error: null }));
}

export function connectSources(store: SourcesStore, client: SwitchboardClient): () => void {
  return client.on('sources.onStatus', (sources) => store.setState({ sources }));
}

export async function loadSources(store: SourcesStore, client: SwitchboardClient): Promise<AppInfo | null> {
  try {
    const info = await client.call('app.info', {});
    store.setState({ info, sources: info.sources, error: null });
    return info;
  } catch (error) {
    store.setState({ error: `app info: ${errorText(error)}` });
    return null;
  }
}
