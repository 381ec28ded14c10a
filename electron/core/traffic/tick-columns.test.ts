import { describe, expect, it } from 'vitest';
import type { TenantRow, TrafficTick } from '../api';
import { tenantRow } from './testing/tenant-row';
import { findTickRow, tickRows, toTenantColumns, wireFigure } from './tick-columns';

const row = (id: string, rate: number, extra: Partial<TenantRow> = {}) =>
  tenantRow(id, rate, { name: id.toUpperCase(), ...extra });

const tickOf = (rows: TenantRow[]): TrafficTick => ({
  seq: 1,
  t: 0,
  intervalMs: 1000,
  total: rows.reduce((sum, r) => sum + r.rate, 0),
  spiking: 0,
  top: [],
  tenants: toTenantColumns(rows),
});

describe('tick columns', () => {
  it('round-trips rows: figures to 3 decimals, share and limit use computed from rate, total and limit', () => {
    const rows = [
      row('acme', 1500.123456, {
        baseline: 128.09999999999997,
        ratio: 11.795472287275569,
        limit: 500,
        status: 'spike',
        why: '12× baseline',
      }),
      row('globex', 99.876544, { known: false, publishing: false, status: 'off', why: 'switched off' }),
    ];
    const back = tickRows(tickOf(rows));
    expect(back[0]).toEqual({
      ...rows[0],
      rate: 1500.123,
      baseline: 128.1,
      ratio: 11.795,
      share: 1500.123 / (1500.123456 + 99.876544),
      limitUse: 1500.123 / 500,
    });
    expect(back[1]).toMatchObject({
      id: 'globex',
      name: 'GLOBEX',
      known: false,
      publishing: false,
      status: 'off',
      why: 'switched off',
      rate: 99.877,
      limitUse: null,
    });
  });

  it('sends reasons only for the tenants that have one', () => {
    const tick = tickOf([row('a', 1), row('b', 2, { status: 'elevated', why: '2× baseline' }), row('c', 3)]);
    expect(tick.tenants.why).toEqual([[1, '2× baseline']]);
    expect(findTickRow(tick, 'a')?.why).toBe('');
    expect(findTickRow(tick, 'b')?.why).toBe('2× baseline');
    expect(findTickRow(tick, 'nobody')).toBeUndefined();
  });

  it('keeps a 10,000-tenant tick under 70 bytes of JSON per tenant (objects took over 200)', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      row(`tenant-${i}`, 1234.5678901 + i / 7, { baseline: 1200.0000001, ratio: 1.0288065843621399 }),
    );
    const bytes = JSON.stringify(tickOf(rows)).length;
    expect(bytes / 10_000).toBeLessThan(70);
    expect(JSON.stringify(rows).length / 10_000).toBeGreaterThan(200);
  });

  it('rounds figures to 3 decimals', () => {
    expect(wireFigure(0.00049)).toBe(0);
    expect(wireFigure(2.4567)).toBe(2.457);
    expect(wireFigure(120_000.0004)).toBe(120_000);
  });
});
