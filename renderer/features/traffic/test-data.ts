/**
 * Small tick builders for the traffic tests. A row's `share` and `limitUse` do not reach the tick (the
 * contract sends neither): set `limit` and the rates, and the model computes them.
 */
import type { TenantRow, TenantStatus, TrafficSnapshot, TrafficTick } from '../../../electron/core/api';
import { toTenantColumns } from '../../../electron/core/traffic/tick-columns';

export function row(id: string, rate: number, extra: Partial<TenantRow> = {}): TenantRow {
  return {
    id,
    name: extra.name ?? id,
    known: true,
    limit: null,
    rate,
    baseline: rate,
    ratio: 1,
    share: 0,
    limitUse: null,
    status: 'normal' as TenantStatus,
    why: '',
    publishing: true,
    ...extra,
  };
}

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
