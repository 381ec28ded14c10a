import { describe, expect, it } from 'vitest';
import { tenantIdSchema } from '../../api';
import type { TenantGate } from '../metrics-source';
import { SimulatedSource, type SimulatedSourceOptions } from './simulated-source';

const T0 = Date.UTC(2025, 0, 1);

/** A gate the test flips by hand. */
function handGate() {
  const blocked = new Set<string>();
  let told: readonly string[] = [];
  const gate: TenantGate = {
    allowed: (id) => !blocked.has(id),
    setTenants: (ids) => {
      told = ids;
    },
    onChange: () => () => {},
    close: async () => {},
  };
  return { gate, blocked, told: () => told };
}

async function started(options: SimulatedSourceOptions = {}): Promise<SimulatedSource> {
  const source = new SimulatedSource({ seed: 3, clock: () => T0, ...options });
  await source.start();
  return source;
}

/** Mean rate of one tenant over samples at the given seconds after T0. */
async function meanRate(source: SimulatedSource, id: string, seconds: number[]): Promise<number> {
  let sum = 0;
  for (const s of seconds) sum += (await source.sample(T0 + s * 1_000)).rates.get(id)!;
  return sum / seconds.length;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);

describe('SimulatedSource', () => {
  it('is a labelled simulated MetricsSource, ok once started', async () => {
    const source = new SimulatedSource({ clock: () => T0 });
    expect([source.kind, source.label, source.simulated]).toEqual(['simulated', 'simulated workload', true]);
    expect(source.status().state).toBe('connecting');
    await expect(source.sample(T0)).rejects.toThrow(/not started/);
    await source.start();
    expect(source.status()).toMatchObject({ state: 'ok', simulated: true, stale: false, lastOkAt: null });
    await source.sample(T0 + 1_000);
    expect(source.status()).toMatchObject({ state: 'ok', lastOkAt: T0 + 1_000 });
    await source.close();
    expect(source.status().state).toBe('down');
  });

  it('lists 50 tenants by default, well-known names first, then generated ids', async () => {
    const tenants = (await started()).tenants();
    expect(tenants).toHaveLength(50);
    expect(tenants.slice(0, 10).map((t) => t.id)).toEqual([
      'acme',
      'globex',
      'initech',
      'umbrella',
      'hooli',
      'stark',
      'wayne',
      'wonka',
      'soylent',
      'cyberdyne',
    ]);
    expect(tenants[0]!.name).toBe('Acme Corp');
    expect(tenants[42]).toMatchObject({ id: 'tenant-0042', name: 'tenant-0042' });
    expect(new Set(tenants.map((t) => t.id)).size).toBe(50);
    expect(tenants.every((t) => tenantIdSchema.safeParse(t.id).success)).toBe(true);
    expect(tenants.every((t) => ['free', 'team', 'enterprise'].includes(t.plan) && t.limit > 0)).toBe(true);
    expect(new Set(tenants.map((t) => t.plan)).size).toBeGreaterThan(1);
  });

  it('gives tenants heavy-tailed sizes: a few big ones carry most of the traffic', async () => {
    const source = await started({ tenants: 2_000, spikeAfterMs: null });
    const rates = [...(await source.sample(T0 + 1_000)).rates.values()].sort((a, b) => b - a);
    const total = rates.reduce((sum, r) => sum + r, 0);
    const top5pc = rates.slice(0, 100).reduce((sum, r) => sum + r, 0);
    expect(top5pc / total).toBeGreaterThan(0.4);
    expect(rates[1_000]!).toBeLessThan(total / rates.length / 2); // median well under the mean
    expect(rates[0]! / Math.max(rates[1_000]!, 1)).toBeGreaterThan(50);
  });

  it('puts one tenant near its limit and one over it', async () => {
    const source = await started({ spikeAfterMs: null });
    const limits = new Map(source.tenants().map((t) => [t.id, t.limit]));
    const wonka = (await meanRate(source, 'wonka', range(1, 31))) / limits.get('wonka')!;
    const soylent = (await meanRate(source, 'soylent', range(31, 61))) / limits.get('soylent')!;
    expect(wonka).toBeGreaterThan(0.6);
    expect(wonka).toBeLessThan(1);
    expect(soylent).toBeGreaterThan(1.05);
  });

  it('spikes acme 10–20× at spikeAfterMs', async () => {
    const source = await started();
    expect(source.spikeTenant).toBe('acme');
    const before = await meanRate(source, 'acme', range(1, 30));
    const after = await meanRate(source, 'acme', range(30, 40));
    expect(after / before).toBeGreaterThan(8);
    expect(after / before).toBeLessThan(25);
  });

  it('ends the spike after its duration, and never spikes with spikeAfterMs null', async () => {
    const source = await started({ spikeAfterMs: 10_000, spikeDurationMs: 20_000, spikeFactor: 15 });
    const before = await meanRate(source, 'acme', range(1, 10));
    expect((await meanRate(source, 'acme', range(10, 30))) / before).toBeGreaterThan(10);
    expect((await meanRate(source, 'acme', range(30, 60))) / before).toBeLessThan(2);

    const calm = await started({ spikeAfterMs: null });
    expect(calm.spikeTenant).toBeNull();
    const first = await meanRate(calm, 'acme', range(1, 30));
    expect((await meanRate(calm, 'acme', range(30, 90))) / first).toBeLessThan(2);
  });

  it('stops a gated tenant from the next sample and resumes it when allowed again', async () => {
    const { gate, blocked, told } = handGate();
    const source = await started({ gate, spikeAfterMs: null });
    expect(told()).toEqual(source.tenants().map((t) => t.id));
    expect((await source.sample(T0 + 1_000)).rates.get('globex')).toBeGreaterThan(0);
    blocked.add('globex');
    const off = await source.sample(T0 + 2_000);
    expect(off.rates.get('globex')).toBe(0);
    expect(off.rates.get('acme')).toBeGreaterThan(0);
    expect((await source.sample(T0 + 3_000)).rates.get('globex')).toBe(0);
    blocked.delete('globex');
    expect((await source.sample(T0 + 4_000)).rates.get('globex')).toBeGreaterThan(0);
  });

  it('ends the scripted spike for good when the tenant is switched off', async () => {
    const { gate, blocked } = handGate();
    const source = await started({ gate, spikeAfterMs: 10_000, spikeFactor: 15 });
    const before = await meanRate(source, 'acme', range(1, 10));
    expect((await meanRate(source, 'acme', range(10, 15))) / before).toBeGreaterThan(10);
    blocked.add('acme');
    expect(await meanRate(source, 'acme', range(15, 20))).toBe(0);
    blocked.delete('acme');
    expect((await meanRate(source, 'acme', range(20, 40))) / before).toBeLessThan(2);
  });

  it('replays exactly with the same seed', async () => {
    const a = await started({ seed: 9, tenants: 200 });
    const b = await started({ seed: 9, tenants: 200 });
    const c = await started({ seed: 10, tenants: 200 });
    const [sa, sb, sc] = await Promise.all([
      a.sample(T0 + 1_000),
      b.sample(T0 + 1_000),
      c.sample(T0 + 1_000),
    ]);
    expect([...sa.rates]).toEqual([...sb.rates]);
    expect([...sa.rates]).not.toEqual([...sc.rates]);
    expect(a.tenants()).toEqual(b.tenants());
  });

  it('scales to 10,000 tenants with the well-known ones still first', async () => {
    const source = await started({ tenants: 10_000 });
    const sample = await source.sample(T0 + 1_000);
    expect(sample.rates.size).toBe(10_000);
    expect(sample.t).toBe(T0 + 1_000);
    expect(source.tenants()[9_999]!.id).toBe('tenant-9999');
  });

  it('reports rates as events per second over the sampled interval', async () => {
    const source = await started({ spikeAfterMs: null, tenants: 20 });
    await source.sample(T0 + 1_000);
    const slow = await source.sample(T0 + 6_000); // 5 s later: same per-second scale, less noise
    const fast = await source.sample(T0 + 6_500);
    const hooli = (s: typeof slow) => s.rates.get('hooli')!;
    expect(hooli(slow) / hooli(fast)).toBeGreaterThan(0.5);
    expect(hooli(slow) / hooli(fast)).toBeLessThan(2);
  });
});
