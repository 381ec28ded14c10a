import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceStatus } from '../../electron/core/api';
import { connectSources, createSourcesStore, loadSources } from '../features/sources/sources-store';
import { MemoryClient } from '../testing/memory-client';
import { followDataProblems, PROBLEMS_DEBOUNCE_MS } from './data-problems';

const BROKEN = '/data/flags.json: line 3, column 41: invalid JSON: Expected double-quoted property name';

afterEach(() => {
  vi.useRealTimers();
});

describe('data-file problems while running', () => {
  it('shows a flag file broken at runtime, clears it once fixed, one request per burst of events', async () => {
    vi.useFakeTimers();
    const client = new MemoryClient({ tenants: 10 });
    const store = createSourcesStore();
    connectSources(store, client);
    const off = followDataProblems(store, client);
    await loadSources(store, client);
    expect(store.getState().info?.problems).toEqual([]);
    const infoCalls = () => client.calls.filter((c) => c.name === 'app.info').length;
    const loaded = infoCalls();

    client.setProblems([BROKEN]);
    client.setProblems([BROKEN]);
    client.emit('flags.onChange', { flagKeys: [], etag: 'e1' });
    await vi.advanceTimersByTimeAsync(PROBLEMS_DEBOUNCE_MS);
    expect(store.getState().info?.problems).toEqual([BROKEN]);
    expect(infoCalls()).toBe(loaded + 1);

    // fixed: the file is read again and its flags announced
    client.setProblems([]);
    await vi.advanceTimersByTimeAsync(PROBLEMS_DEBOUNCE_MS);
    expect(store.getState().info?.problems).toEqual([]);

    off();
    expect(client.listenerCount()).toBe(1); // connectSources' own
  });

  it('does not ask again for a status whose message alone changed (a retry countdown)', async () => {
    vi.useFakeTimers();
    const client = new MemoryClient({ tenants: 10 });
    const store = createSourcesStore();
    const off = followDataProblems(store, client);
    const down = (left: number): SourceStatus[] => [
      {
        id: 'rabbitmq',
        kind: 'rabbitmq',
        label: 'RabbitMQ',
        state: 'down',
        message: `connection refused, retrying in ${left} s`,
        lastOkAt: null,
        stale: true,
        simulated: false,
      },
    ];
    client.emit('sources.onStatus', down(9));
    await vi.advanceTimersByTimeAsync(PROBLEMS_DEBOUNCE_MS);
    for (const left of [8, 7, 6]) {
      client.emit('sources.onStatus', down(left));
      await vi.advanceTimersByTimeAsync(PROBLEMS_DEBOUNCE_MS);
    }
    expect(client.calls.filter((c) => c.name === 'app.info')).toHaveLength(1);
    off();
  });

  it('stops asking once unsubscribed, even with a refetch pending', async () => {
    vi.useFakeTimers();
    const client = new MemoryClient({ tenants: 10 });
    const store = createSourcesStore();
    const off = followDataProblems(store, client);
    client.setProblems([BROKEN]);
    off();
    await vi.advanceTimersByTimeAsync(PROBLEMS_DEBOUNCE_MS * 2);
    expect(client.calls.filter((c) => c.name === 'app.info')).toHaveLength(0);
    expect(store.getState().info).toBeNull();
  });
});
