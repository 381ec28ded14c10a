/** A tenant's row for tests: a normal, publishing, known tenant at `rate`, with `extra` on top. */
import type { TenantRow } from '../../api';

export function tenantRow(id: string, rate: number, extra: Partial<TenantRow> = {}): TenantRow {
  return {
    id,
    name: id,
    known: true,
    limit: null,
    rate,
    baseline: rate,
    ratio: 1,
    share: 0,
    limitUse: null,
    status: 'normal',
    why: '',
    publishing: true,
    ...extra,
  };
}
