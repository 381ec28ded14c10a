import { describe, expect, it } from 'vitest';
import { MemoryClient } from '../../testing/memory-client';
import { createTenantDetailStore, openTenant } from './tenant-detail-store';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('tenant detail', () => {
  it('loads the tenant, appends its rate from ticks and follows its audit entries and flags', async () => {
    const client = new MemoryClient({ tenants: 20, historyTicks: 10 });
    const store = createTenantDetailStore();
    const off = openTenant(store, client, 'globex');
    await flush();
    const d = store.getState().detail!;
    expect(d.tenant.id).toBe('globex');
    const n = d.series.t.length;
    client.step();
    expect(store.getState().detail!.series.t.length).toBe(n + 1);
    await client.call('actions.setFlag', {
      tenantId: 'globex',
      flagKey: 'new-checkout',
      value: true,
      reason: 'beta',
    });
    await flush();
    await flush();
    const after = store.getState().detail!;
    expect(after.audit.map((e) => e.reason)).toContain('beta');
    expect(after.flags.find((f) => f.key === 'new-checkout')).toMatchObject({
      value: true,
      source: 'tenant-override',
    });
    off();
    expect(client.listenerCount()).toBe(0);
  });

  it('while paused keeps its figures but follows a flip of its switch, and reloads on resume', async () => {
    const client = new MemoryClient({ tenants: 20, historyTicks: 10, spikeAfterTicks: null });
    const store = createTenantDetailStore();
    let paused = false;
    openTenant(store, client, 'globex', () => paused);
    await flush();
    client.step();
    paused = true;
    const before = store.getState().detail!;
    const points = before.series.t.length;
    const rate = before.row!.rate;
    expect(before.row!.publishing).toBe(true);

    await client.call('actions.flip', { tenantId: 'globex', publish: false, reason: 'flood while paused' });
    client.step();
    client.step();
    const frozen = store.getState().detail!;
    expect(frozen.series.t.length).toBe(points);
    expect(frozen.row).toMatchObject({ rate, publishing: false, status: 'off' });

    paused = false;
    await client.call('traffic.setPaused', { paused: false });
    await flush();
    await flush();
    expect(client.calls.filter((c) => c.name === 'tenants.detail')).toHaveLength(2);
    const resumed = store.getState().detail!;
    expect(resumed.series.t.length).toBe(points + 2);
    expect(resumed.row!.publishing).toBe(false);
  });

  it('puts a marker about every tenant (a broker alarm) from a tick on its chart, once', async () => {
    const client = new MemoryClient({ tenants: 20, historyTicks: 10, spikeAfterTicks: null });
    const store = createTenantDetailStore();
    openTenant(store, client, 'globex');
    await flush();
    const next = client.step();
    const alarm = { t: next.t, kind: 'broker-alarm' as const, tenantId: null, label: 'memory alarm' };
    client.emit('traffic.onTick', { ...next, seq: next.seq + 1, t: next.t + 1000, markers: [alarm] });
    client.emit('traffic.onTick', { ...next, seq: next.seq + 2, t: next.t + 2000, markers: [alarm] });
    expect(store.getState().detail!.markers.filter((m) => m.kind === 'broker-alarm')).toEqual([alarm]);
  });

  it('reports a tenant that does not exist', async () => {
    const client = new MemoryClient({ tenants: 20 });
    const store = createTenantDetailStore();
    openTenant(store, client, 'nope');
    await flush();
    expect(store.getState()).toMatchObject({ loading: false, error: 'no tenant "nope"' });
  });
});
