import { describe, expect, it } from 'vitest';
import { MemoryClient } from '../../testing/memory-client';
import { row, snapshot, tick } from './test-data';
import { applySnapshot, applyTick, connectTraffic, createTrafficStore, loadTraffic } from './traffic-store';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('traffic store wired to a client', () => {
  it('loads the snapshot, applies pushed ticks and unsubscribes cleanly', async () => {
    const client = new MemoryClient({ tenants: 50, historyTicks: 30 });
    const store = createTrafficStore();
    const off = connectTraffic(store, client);
    await loadTraffic(store, client);
    expect(store.getState().loaded).toBe(true);
    expect(store.getState().model.size).toBe(50);
    const seq = store.getState().seq;
    client.step();
    client.step();
    expect(store.getState().seq).toBe(seq + 2);
    expect(store.getState().model.seq).toBe(2);
    off();
    expect(client.listenerCount()).toBe(0);
    client.step();
    expect(store.getState().seq).toBe(seq + 2);
  });

  it('refetches the overview only when the top set changes: event-driven, no polling', async () => {
    const client = new MemoryClient({ tenants: 50, historyTicks: 30, spikeAfterTicks: null });
    const store = createTrafficStore();
    connectTraffic(store, client);
    await loadTraffic(store, client);
    const overviewCalls = () => client.calls.filter((c) => c.name === 'traffic.overview').length;
    const top = store.getState().model.top;
    for (let i = 0; i < 5; i++) client.step();
    await flush();
    // same top set (stable synthetic workload) → only appended, never fetched
    if (client.step().top.join() === top.join()) expect(overviewCalls()).toBe(0);
    const n = store.getState().overview.t.length;
    expect(n).toBeGreaterThan(30);
    // a new top set → exactly one refetch
    client.emit('traffic.onTick', { ...tick(1000, [row('zzz', 1e6)], ['zzz']), t: Date.now() + 10_000_000 });
    await flush();
    expect(overviewCalls()).toBe(1);
    expect(client.calls.filter((c) => c.name === 'traffic.snapshot')).toHaveLength(1);
  });

  it('marks the rates stale on a stale repeat of the last tick, keeps them, and clears the mark on fresh data', () => {
    const store = createTrafficStore();
    applySnapshot(store, snapshot(tick(0, [row('acme', 100)])));
    applyTick(store, tick(1, [row('acme', 120)]));
    expect(applyTick(store, { ...tick(1, [row('acme', 120)]), stale: true })).toBe(false);
    expect(store.getState().ratesStale).toBe(true);
    const model = store.getState().model;
    expect(model.rate[model.slotOf('acme')]).toBe(120);
    applyTick(store, tick(2, [row('acme', 130)]));
    expect(store.getState().ratesStale).toBe(false);
    applySnapshot(store, snapshot({ ...tick(3, [row('acme', 1)]), stale: true }));
    expect(store.getState().ratesStale).toBe(true);
  });

  it('shows the error of a failed snapshot instead of swallowing it', async () => {
    const store = createTrafficStore();
    const client = new MemoryClient({ tenants: 10 });
    client.call = async () => {
      throw new Error('host exploded');
    };
    await loadTraffic(store, client);
    expect(store.getState().loadError).toBe('traffic: host exploded');
  });

  it('applies a 10,000-tenant tick in linear time without touching the row order', () => {
    const n = 10_000;
    const rows = Array.from({ length: n }, (_, i) => row(`t${i}`, i % 97));
    const store = createTrafficStore();
    applySnapshot(store, snapshot(tick(1, rows)));
    const order = store.getState().order;
    const started = performance.now();
    for (let k = 2; k < 22; k++)
      applyTick(
        store,
        tick(
          k,
          rows.map((r, i) => ({ ...r, rate: (i * k) % 101 })),
        ),
      );
    const perTick = (performance.now() - started) / 20;
    expect(store.getState().order).toBe(order);
    // generous bound for a shared CI core; the real cost is a few ms
    expect(perTick).toBeLessThan(150);
  });
});
