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

  it('puts the markers a tick carries (a broker alarm) on the overview, once', () => {
    const store = createTrafficStore();
    applySnapshot(store, snapshot(tick(0, [row('acme', 100)])));
    const alarm = {
      t: 1_700_000_000_500,
      kind: 'broker-alarm' as const,
      tenantId: null,
      label: 'memory alarm',
    };
    applyTick(store, { ...tick(1, [row('acme', 0)]), markers: [alarm] });
    applyTick(store, { ...tick(2, [row('acme', 0)]), markers: [{ ...alarm, t: alarm.t + 500 }] });
    expect(store.getState().overview.markers).toEqual([alarm]);
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

  it('while paused freezes the figures but keeps a flipped switch current, and resuming reloads the snapshot', async () => {
    const client = new MemoryClient({
      tenants: 20,
      historyTicks: 30,
      spikeAfterTicks: null,
      effectDelayMs: 0,
    });
    const store = createTrafficStore();
    connectTraffic(store, client);
    await loadTraffic(store, client);
    client.step();
    await client.call('traffic.setPaused', { paused: true });
    await flush();
    expect(store.getState().paused).toBe(true);
    const { model, overview } = store.getState();
    const globex = model.slotOf('globex');
    const rates = Array.from(model.rate.subarray(0, model.size));
    const frozenSeq = model.seq;
    const points = overview.t.length;

    await client.call('actions.flip', { tenantId: 'globex', publish: false, reason: 'flood while paused' });
    let latest = client.step();
    for (let i = 0; i < 2; i++) latest = client.step();
    // the figures are as the reader froze them…
    expect(model.seq).toBe(frozenSeq);
    expect(Array.from(model.rate.subarray(0, model.size))).toEqual(rates);
    expect(overview.t.length).toBe(points);
    // …but the switch and the status follow the flip
    expect(model.publishing[globex]).toBe(0);
    expect(model.statusOf(globex)).toBe('off');

    await client.call('traffic.setPaused', { paused: false });
    await flush();
    await flush();
    const snapshots = client.calls.filter((c) => c.name === 'traffic.snapshot');
    expect(snapshots).toHaveLength(2);
    const resumed = store.getState();
    expect(resumed.paused).toBe(false);
    expect(resumed.model.seq).toBe(latest.seq);
    // the gap is filled: the paused ticks are in the overview again
    expect(resumed.overview.t.length).toBeGreaterThan(points);
  });

  it('reloads the snapshot on an app reset, but leaves a paused window frozen until it resumes', async () => {
    const client = new MemoryClient({ tenants: 20, historyTicks: 30, spikeAfterTicks: null });
    const store = createTrafficStore();
    connectTraffic(store, client);
    await loadTraffic(store, client);
    const snapshots = () => client.calls.filter((c) => c.name === 'traffic.snapshot').length;
    const reset = async () => {
      client.emit('app.onReset', await client.call('app.info', {}));
      await flush();
    };
    await reset();
    expect(snapshots()).toBe(2);

    await client.call('traffic.setPaused', { paused: true });
    await flush();
    client.step();
    const { model, overview } = store.getState();
    const frozen = {
      seq: model.seq,
      rates: Array.from(model.rate.subarray(0, model.size)),
      points: overview.t.length,
    };
    await reset();
    expect(snapshots()).toBe(2);
    expect({
      seq: model.seq,
      rates: Array.from(model.rate.subarray(0, model.size)),
      points: overview.t.length,
    }).toEqual(frozen);

    await client.call('traffic.setPaused', { paused: false });
    await flush();
    await flush();
    expect(snapshots()).toBe(3);
    expect(store.getState().model.seq).toBeGreaterThan(frozen.seq);
  });

  it('a switch flipped back and forth while paused ends in its current state', () => {
    const store = createTrafficStore();
    applySnapshot(store, { ...snapshot(tick(0, [row('acme', 100), row('globex', 5)])), paused: true });
    const seq = store.getState().seq;
    const off = row('acme', 90, { publishing: false, status: 'off', why: 'publishing switched off' });
    expect(applyTick(store, tick(1, [off, row('globex', 7)]))).toBe(false);
    const { model } = store.getState();
    const acme = model.slotOf('acme');
    expect([model.publishing[acme], model.statusOf(acme), model.why[acme]]).toEqual([
      0,
      'off',
      'publishing switched off',
    ]);
    expect(model.rate[acme]).toBe(100);
    expect(store.getState().seq).toBe(seq + 1);
    // a tick that flips nothing changes nothing (no re-render)
    applyTick(store, tick(2, [{ ...off, rate: 3 }, row('globex', 9)]));
    expect(store.getState().seq).toBe(seq + 1);
    applyTick(store, tick(3, [row('acme', 40), row('globex', 9)]));
    expect([model.publishing[acme], model.statusOf(acme), model.rate[acme]]).toEqual([1, 'normal', 100]);
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
