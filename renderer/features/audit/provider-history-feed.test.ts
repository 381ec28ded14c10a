import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  AuditEntry,
  EventName,
  EventPayload,
  ProviderEvent,
  SwitchboardClient,
} from '../../../electron/core/api';
import type { ConnectionInfo, ConnectionMonitor } from '../../client/client';
import { PROVIDER_HISTORY_LIMIT, ProviderHistoryFeed } from './provider-history-feed';

const timing = { debounceMs: 1_000, minGapMs: 3_000, maxWaitMs: 5_000 };

/**
 * The contract's two ends the feed uses: `audit.providerHistory` answering from `log` (what the
 * provider holds right now) and the pushed events, emitted by the test.
 */
function scriptedClient() {
  const log: ProviderEvent[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const reads: unknown[] = [];
  let failWith: string | null = null;
  const client: SwitchboardClient = {
    call: (async (name: string, input: unknown) => {
      if (name !== 'audit.providerHistory') throw new Error(`unexpected call ${name}`);
      reads.push(input);
      if (failWith) throw new Error(failWith);
      return log.slice();
    }) as SwitchboardClient['call'],
    on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  return {
    client,
    log,
    reads,
    fail: (message: string | null) => {
      failWith = message;
    },
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

function connectionMonitor() {
  let info: ConnectionInfo = { state: 'connected', retryAt: null, detail: null };
  const subs = new Set<(i: ConnectionInfo) => void>();
  const monitor: ConnectionMonitor = {
    get: () => info,
    subscribe: (l) => {
      subs.add(l);
      return () => subs.delete(l);
    },
    retryNow: () => {},
  };
  return {
    monitor,
    set: (state: ConnectionInfo['state']) => {
      info = { ...info, state };
      for (const l of subs) l(info);
    },
    subscribers: () => subs.size,
  };
}

const directEdit = (id: string): ProviderEvent => ({
  id,
  at: new Date().toISOString(),
  provider: 'unleash',
  actor: 'bob',
  flagKey: 'checkout-v2',
  summary: 'bob enabled checkout-v2 for the production environment',
  comment: null,
});

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('ProviderHistoryFeed', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the log when first shown, and an edit made directly at the provider after its change event', async () => {
    const c = scriptedClient();
    const feed = new ProviderHistoryFeed(c.client, null, timing);
    const release = feed.retain();
    await settle();
    expect(c.reads).toEqual([{ limit: PROVIDER_HISTORY_LIMIT }]);
    expect(feed.store.getState()).toMatchObject({ events: [], loaded: true, error: null });

    // someone enables a flag in Unleash's own UI; the core announces the flag change
    c.log.unshift(directEdit('e-1'));
    await vi.advanceTimersByTimeAsync(timing.minGapMs);
    c.emit('flags.onChange', { flagKeys: ['checkout-v2'], etag: 'x' });
    expect(c.reads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(timing.debounceMs);
    expect(c.reads).toHaveLength(2);
    expect(feed.store.getState().events.map((e) => e.id)).toEqual(['e-1']);
    release();
  });

  it('coalesces a burst of change events and our outcomes into one read, and ignores pending intents', async () => {
    const c = scriptedClient();
    const feed = new ProviderHistoryFeed(c.client, null, timing);
    const release = feed.retain();
    await settle();
    await vi.advanceTimersByTimeAsync(timing.minGapMs);
    const pending = { outcome: 'pending' } as AuditEntry;
    c.emit('audit.onEntry', pending);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.reads).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      c.emit('flags.onChange', { flagKeys: ['publish-events'], etag: `e${i}` });
      c.emit('audit.onEntry', { outcome: 'applied' } as AuditEntry);
    }
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.reads).toHaveLength(2);
    release();
  });

  it('empties and reads at once after a profile switch, and after a reconnect', async () => {
    const c = scriptedClient();
    const link = connectionMonitor();
    c.log.push(directEdit('old-profile'));
    const feed = new ProviderHistoryFeed(c.client, link.monitor, timing);
    const release = feed.retain();
    await settle();
    expect(feed.store.getState().events).toHaveLength(1);

    c.log.length = 0;
    c.emit('app.onReset', {} as EventPayload<'app.onReset'>);
    expect(feed.store.getState()).toMatchObject({ events: [], loaded: false });
    await settle();
    expect(c.reads).toHaveLength(2);
    expect(feed.store.getState().loaded).toBe(true);

    link.set('reconnecting');
    await settle();
    expect(c.reads).toHaveLength(2);
    link.set('connected');
    await settle();
    expect(c.reads).toHaveLength(3);
    release();
  });

  it('shows why the log could not be read, and clears it once a read works', async () => {
    const c = scriptedClient();
    c.fail('Unleash answered 401');
    const feed = new ProviderHistoryFeed(c.client, null, timing);
    const release = feed.retain();
    await settle();
    expect(feed.store.getState()).toMatchObject({ loaded: true, error: 'Unleash answered 401' });
    c.fail(null);
    c.emit('flags.onChange', { flagKeys: [], etag: 'y' });
    await vi.advanceTimersByTimeAsync(timing.maxWaitMs);
    expect(feed.store.getState().error).toBeNull();
    release();
  });

  it('is shared: one read for two views, listeners gone when the last one stops', async () => {
    const c = scriptedClient();
    const link = connectionMonitor();
    const feed = new ProviderHistoryFeed(c.client, link.monitor, timing);
    const releaseAudit = feed.retain();
    const releasePanel = feed.retain();
    await settle();
    expect(c.reads).toHaveLength(1);
    releaseAudit();
    releaseAudit();
    expect(c.listenerCount()).toBeGreaterThan(0);
    releasePanel();
    expect(c.listenerCount()).toBe(0);
    expect(link.subscribers()).toBe(0);
    c.emit('flags.onChange', { flagKeys: [], etag: 'z' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.reads).toHaveLength(1);
  });
});
