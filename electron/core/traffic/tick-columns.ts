/**
 * The tick's tenants as the contract sends them: parallel columns (see TenantColumns in api.ts for
 * why), built from the model's rows, and read back as rows where a consumer wants one tenant.
 */
import type { TenantColumns, TenantRow, TenantStatus, TenantStatusOrder, TrafficTick } from '../api';

export const TENANT_STATUS_ORDER: TenantStatusOrder = [
  'normal',
  'elevated',
  'spike',
  'over-limit',
  'off',
  'silent',
];
const STATUS_CODE = Object.fromEntries(TENANT_STATUS_ORDER.map((status, i) => [status, i])) as Record<
  TenantStatus,
  number
>;

/** Rates, baselines and ratios on the wire: 3 decimals, more than any view shows (it shows one). */
export function wireFigure(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A tenant's share of all traffic: rate / total, 0 while nothing flows. */
export function shareOf(rate: number, total: number): number {
  return total > 0 ? rate / total : 0;
}

/** A tenant's use of its usage limit: rate / limit, null without a limit. */
export function limitUseOf(rate: number, limit: number | null): number | null {
  return limit !== null && limit > 0 ? rate / limit : null;
}

/** Columns for n tenants, to be filled by `setTenantColumns`. */
export function emptyColumns(n: number): TenantColumns {
  return {
    id: new Array(n),
    name: new Array(n),
    known: new Array(n),
    limit: new Array(n),
    rate: new Array(n),
    baseline: new Array(n),
    ratio: new Array(n),
    status: new Array(n),
    publishing: new Array(n),
    why: [],
  };
}

/** Tenant i's row into the columns: the one place that rounds and encodes. */
export function setTenantColumns(c: TenantColumns, i: number, row: TenantRow): void {
  c.id[i] = row.id;
  c.name[i] = row.name;
  c.known[i] = row.known ? 1 : 0;
  c.limit[i] = row.limit;
  c.rate[i] = wireFigure(row.rate);
  c.baseline[i] = wireFigure(row.baseline);
  c.ratio[i] = wireFigure(row.ratio);
  c.status[i] = STATUS_CODE[row.status] ?? 0;
  c.publishing[i] = row.publishing ? 1 : 0;
  if (row.why) c.why.push([i, row.why]);
}

export function toTenantColumns(rows: readonly TenantRow[]): TenantColumns {
  const columns = emptyColumns(rows.length);
  for (let i = 0; i < rows.length; i++) setTenantColumns(columns, i, rows[i]!);
  return columns;
}

/** Tenant i of the tick as a row (share and limit use computed as the contract defines them). */
export function tickRowAt(tick: TrafficTick, i: number, why?: ReadonlyMap<number, string>): TenantRow {
  const c = tick.tenants;
  const rate = c.rate[i]!;
  const limit = c.limit[i] ?? null;
  return {
    id: c.id[i]!,
    name: c.name[i]!,
    known: c.known[i] === 1,
    limit,
    rate,
    baseline: c.baseline[i]!,
    ratio: c.ratio[i]!,
    share: shareOf(rate, tick.total),
    limitUse: limitUseOf(rate, limit),
    status: TENANT_STATUS_ORDER[c.status[i]!] ?? 'normal',
    why: why ? (why.get(i) ?? '') : (c.why.find(([k]) => k === i)?.[1] ?? ''),
    publishing: c.publishing[i] === 1,
  };
}

/** Every tenant of the tick as rows, in the tick's order. */
export function tickRows(tick: TrafficTick): TenantRow[] {
  const why = new Map(tick.tenants.why);
  return tick.tenants.id.map((_, i) => tickRowAt(tick, i, why));
}

/** One tenant's row in the tick, undefined when the tick does not carry it. */
export function findTickRow(tick: TrafficTick, tenantId: string): TenantRow | undefined {
  const i = tick.tenants.id.indexOf(tenantId);
  return i < 0 ? undefined : tickRowAt(tick, i);
}
