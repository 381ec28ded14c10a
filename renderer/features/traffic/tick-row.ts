/**
 * One tenant of a tick as a TenantRow, for views that follow a single tenant (the detail panel). The
 * table reads the columns directly (traffic-model.ts).
 */
import type { TenantRow, TrafficTick } from '../../../electron/core/api';
import { limitUseOf, STATUS_CODES, shareOf } from './traffic-model';

export function tickRow(tick: TrafficTick, tenantId: string): TenantRow | null {
  const c = tick.tenants;
  const i = c.id.indexOf(tenantId);
  if (i < 0) return null;
  const rate = c.rate[i]!;
  const limit = c.limit[i] ?? null;
  return {
    id: tenantId,
    name: c.name[i]!,
    known: c.known[i] === 1,
    limit,
    rate,
    baseline: c.baseline[i]!,
    ratio: c.ratio[i]!,
    share: shareOf(rate, tick.total),
    limitUse: limitUseOf(rate, limit),
    status: STATUS_CODES[c.status[i]!] ?? 'normal',
    why: c.why.find(([k]) => k === i)?.[1] ?? '',
    publishing: c.publishing[i] === 1,
  };
}
