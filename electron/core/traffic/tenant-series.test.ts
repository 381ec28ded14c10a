import { describe, expect, it } from 'vitest';
import { BLOCK_TENANTS, TenantSeries } from './tenant-series';

function fill(series: TenantSeries, samples: number, tenants: number): void {
  series.ensureTenants(tenants);
  for (let k = 0; k < samples; k++) {
    const slot = series.advance(1_000 * k, k);
    for (let i = 0; i < tenants; i++) series.write(slot, i, k * 10 + i, k);
  }
}

describe('TenantSeries', () => {
  it('returns samples oldest first before it is full', () => {
    const series = new TenantSeries(5);
    fill(series, 3, 2);
    expect(series.length).toBe(3);
    expect(series.timestamps()).toEqual([0, 1_000, 2_000]);
    expect(series.rates(1)).toEqual([1, 11, 21]);
    expect(series.baselines(0)).toEqual([0, 1, 2]);
    expect(series.totalsWindow()).toEqual([0, 1, 2]);
  });

  it('wraps: keeps exactly the newest `capacity` samples, in order', () => {
    const series = new TenantSeries(4);
    fill(series, 11, 3);
    expect(series.length).toBe(4);
    expect(series.timestamps()).toEqual([7_000, 8_000, 9_000, 10_000]);
    expect(series.rates(2)).toEqual([72, 82, 92, 102]);
    expect(series.oldestT()).toBe(7_000);
  });

  it('reads the newest n only, and never more than it holds', () => {
    const series = new TenantSeries(4);
    fill(series, 6, 1);
    expect(series.rates(0, 2)).toEqual([40, 50]);
    expect(series.rates(0, 99)).toEqual([20, 30, 40, 50]);
    expect(series.rates(0, 0)).toEqual([]);
    expect(series.timestamps(-3)).toEqual([]);
  });

  it('keeps tenants in later blocks apart from the first block', () => {
    const series = new TenantSeries(3);
    const tenants = BLOCK_TENANTS * 2 + 5;
    fill(series, 4, tenants);
    expect(series.tenantCapacity).toBe(BLOCK_TENANTS * 3);
    const last = tenants - 1;
    expect(series.rates(last)).toEqual([10 + last, 20 + last, 30 + last]);
    expect(series.rates(BLOCK_TENANTS)).toEqual([10 + BLOCK_TENANTS, 20 + BLOCK_TENANTS, 30 + BLOCK_TENANTS]);
  });

  it('gives a tenant added later a past of zeros', () => {
    const series = new TenantSeries(3);
    fill(series, 2, 1);
    series.ensureTenants(BLOCK_TENANTS + 1);
    const slot = series.advance(2_000, 0);
    series.write(slot, BLOCK_TENANTS, 7, 7);
    expect(series.rates(BLOCK_TENANTS)).toEqual([0, 0, 7]);
  });

  it('states its memory: 7,200 bytes per tenant slot at 900 samples, allocated per block', () => {
    const series = new TenantSeries(900);
    expect(series.bytes).toBe(900 * 16);
    series.ensureTenants(10_000);
    expect(series.tenantCapacity).toBe(10_240);
    expect(series.bytes).toBe(10_240 * 7_200 + 900 * 16);
  });

  it('prints Float32 values short', () => {
    const series = new TenantSeries(2);
    series.ensureTenants(1);
    series.write(series.advance(0, 0), 0, 12.3, 0.1);
    expect(series.rates(0)).toEqual([12.3]);
    expect(series.baselines(0)).toEqual([0.1]);
  });

  it('has no samples for a tenant it has no block for', () => {
    const series = new TenantSeries(2);
    series.advance(0, 0);
    expect(series.rates(5)).toEqual([]);
  });

  it('rejects a capacity that cannot hold a sample', () => {
    expect(() => new TenantSeries(0)).toThrow(RangeError);
  });
});
