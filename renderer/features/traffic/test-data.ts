/**
 * Small tick builders for the traffic tests. A row's `share` and `limitUse` do not reach the tick (the
 * contract sends neither): set `limit` and the rates, and the model computes them.
 */
import type { TenantRow, TrafficSnapshot, TrafficTick } from '../../../electron/core/api';
import { tenantRow } from '../../../electron/core/traffic/testing/tenant-row';
import { toTenantColumns } from '../../../electron/core/traffic/tick-columns';

/** A normal, publishing, known tenant at `rate` (name = id unless `extra` says otherwise). */
export const row = tenantRow;

export function tick(seq: number, rows: TenantRow[], top: string[] = []): TrafficTick {
  const total = rows.reduce((a, r) => a + r.rate, 0);
  return {
    seq,
    t: 1_700_000_000_000 + seq * 1000,
    intervalMs: 1000,
    total,
    spiking: 0,
    top,
    tenants: toTenantColumns(rows),
  };
}

export function snapshot(t: TrafficTick, sparks: Record<string, number[]> = {}): TrafficSnapshot {
  return {
    tick: t,
    sparks,
    overview: { t: [t.t], total: [t.total], top: [], markers: [] },
    paused: false,
  };
}
