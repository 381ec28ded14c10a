/**
 * The merged audit timeline for a component: Switchboard's entries (the audit store, plus any the
 * caller holds, such as the tenant panel's own) with the provider's log, and the provider's display
 * name for the source tags.
 */
import { useCallback, useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import type { AuditEntry, SwitchboardClient } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { mergeTimeline, type TimelineRow } from './audit-timeline';
import { ProviderHistoryFeed, type ProviderHistoryState } from './provider-history-feed';
import { providerName } from './provider-name';

/** One feed per client (so per App), shared by every component showing the timeline. */
const feeds = new WeakMap<SwitchboardClient, ProviderHistoryFeed>();

function useProviderHistory(): ProviderHistoryState {
  const { client } = useApp();
  const feed = useMemo(() => {
    let existing = feeds.get(client);
    if (!existing) {
      existing = new ProviderHistoryFeed(client, client.connection);
      feeds.set(client, existing);
    }
    return existing;
  }, [client]);
  useEffect(() => feed.retain(), [feed]);
  return useStore(feed.store);
}

export interface AuditTimeline {
  rows: TimelineRow[];
  /** "Unleash" for kind "unleash" (the active provider's label), else the kind */
  sourceName: (providerKind: string) => string;
  providerError: string | null;
}

export function useAuditTimeline(extraEntries: readonly AuditEntry[] = NONE): AuditTimeline {
  const entries = useSlice(
    (s) => s.audit,
    (s) => s.entries,
  );
  const flagProvider = useSlice(
    (s) => s.sources,
    (s) => s.info?.flagProvider ?? null,
  );
  const history = useProviderHistory();
  const all = useMemo(() => {
    if (extraEntries.length === 0) return entries;
    // the store's copy is the live one; an extra entry only fills in what the store does not hold
    // (older than its newest 1,000); mergeTimeline orders them
    const held = new Set(entries.map((e) => e.id));
    const missing = extraEntries.filter((e) => !held.has(e.id));
    return missing.length === 0 ? entries : [...entries, ...missing];
  }, [entries, extraEntries]);
  const rows = useMemo(() => mergeTimeline(all, history.events), [all, history.events]);
  const sourceName = useCallback((kind: string) => providerName(kind, flagProvider), [flagProvider]);
  return { rows, sourceName, providerError: history.error };
}

const NONE: readonly AuditEntry[] = [];
