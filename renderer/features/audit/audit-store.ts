/** The audit trail: loaded with audit.query, then kept live from audit.onEntry (upsert by id). */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditEntry, SwitchboardClient } from '../../../electron/core/api';
import { errorText } from '../../client/client';

export const AUDIT_LIMIT = 1000;

export interface AuditState {
  /** newest first */
  entries: AuditEntry[];
  loaded: boolean;
  error: string | null;
}
export type AuditStore = StoreApi<AuditState>;

export function createAuditStore(): AuditStore {
  return createStore<AuditState>(() => ({ entries: [], loaded: false, error: null }));
}

/** Insert or replace an entry, keeping newest-first order by request time. */
export function upsertEntry(
  entries: readonly AuditEntry[],
  entry: AuditEntry,
  limit = AUDIT_LIMIT,
): AuditEntry[] {
  const i = entries.findIndex((e) => e.id === entry.id);
  if (i !== -1) {
    const next = entries.slice();
    next[i] = entry;
    return next;
  }
  const next = [entry, ...entries];
  next.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  if (next.length > limit) next.length = limit;
  return next;
}

export function connectAudit(store: AuditStore, client: SwitchboardClient): () => void {
  return client.on('audit.onEntry', (entry) => {
    store.setState({ entries: upsertEntry(store.getState().entries, entry) });
  });
}

export async function loadAudit(store: AuditStore, client: SwitchboardClient): Promise<void> {
  try {
    const loaded = await client.call('audit.query', { limit: AUDIT_LIMIT });
    // entries pushed while the query ran win over the (older) query result
    let entries = [...loaded].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    for (const live of store.getState().entries) entries = upsertEntry(entries, live);
    store.setState({ entries, loaded: true, error: null });
  } catch (error) {
    store.setState({ error: `audit: ${errorText(error)}` });
  }
}
