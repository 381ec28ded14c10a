import { describe, expect, it } from 'vitest';
import type { TenantStatus } from '../api';
import { SimulatedSource } from '../metrics/simulated/simulated-source';
import { tickRows } from './tick-columns';
import { TrafficModel } from './traffic-model';

/**
 * The detector's promise to the on-call engineer: ordinary noise is never an incident. 10,000
 * simulated tenants (heavy-tailed sizes, Poisson counting noise, slow wander) for 15 simulated
 * minutes — 9 million judgements — with no spike, no elevated and no silent mark, and over-limit only for the
 * tenants the workload puts near or over their limit on purpose.
 */
describe('no false positives', () => {
  it('marks nothing on 10,000 noisy tenants over 15 minutes', async () => {
    const t0 = Date.UTC(2025, 0, 1);
    const source = new SimulatedSource({ tenants: 10_000, seed: 11, spikeAfterMs: null, clock: () => t0 });
    await source.start();
    const model = new TrafficModel();
    model.setTenants(source.tenants().map((t) => ({ ...t, known: true })));
    const marked = new Map<TenantStatus, Set<string>>();
    for (let k = 0; k < 15 * 60; k++) {
      const tick = model.ingest(await source.sample(t0 + k * 1_000), 1_000);
      for (const row of tickRows(tick)) {
        if (row.status === 'normal') continue;
        const ids = marked.get(row.status) ?? new Set<string>();
        marked.set(row.status, ids.add(row.id));
      }
    }
    expect(marked.get('spike')).toBeUndefined();
    expect(marked.get('elevated')).toBeUndefined();
    // thousands of tenants sending under 1/s have many empty ticks: none of that is a silence
    expect(marked.get('silent')).toBeUndefined();
    expect([...(marked.get('over-limit') ?? [])].every((id) => id === 'wonka' || id === 'soylent')).toBe(
      true,
    );
    expect(model.drainAlerts().filter((a) => a.kind === 'spike')).toEqual([]);
  });
});
