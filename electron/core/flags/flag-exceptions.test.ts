import { describe, expect, it } from 'vitest';
import { FLAG_EXCEPTIONS_LISTED, type FlagInfo, type FlagValue, type TenantInfo } from '../api';
import { defaultValueOf, flagExceptions } from './flag-exceptions';

const flag = (extra: Partial<FlagInfo> = {}): FlagInfo => ({
  key: 'new-dashboard',
  kind: 'release',
  description: '',
  enabled: true,
  valueType: 'boolean',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  offValue: false,
  ...extra,
});
const tenant = (id: string): TenantInfo => ({
  id,
  name: id.toUpperCase(),
  plan: null,
  limit: null,
  known: true,
});

describe('flagExceptions', () => {
  it('lists the tenants whose value is not the default, by id, with their value', () => {
    const tenants = ['globex', 'acme', 'initech'].map(tenant);
    const values = new Map<string, FlagValue>([
      ['globex', true],
      ['acme', true],
      ['initech', false],
    ]);
    expect(flagExceptions(flag(), tenants, values)).toEqual({
      defaultValue: false,
      total: 2,
      tenants: [
        { id: 'acme', name: 'ACME', value: true },
        { id: 'globex', name: 'GLOBEX', value: true },
      ],
    });
  });

  it('compares with the off value while the flag is off, and leaves out tenants the provider did not answer for', () => {
    const off = flag({ enabled: false, offValue: false, defaultVariant: 'on' });
    expect(defaultValueOf(off)).toBe(false);
    const values = new Map<string, FlagValue>([['acme', false]]);
    expect(flagExceptions(off, [tenant('acme'), tenant('ghost')], values).total).toBe(0);
  });

  it('names at most FLAG_EXCEPTIONS_LISTED tenants but counts them all', () => {
    const tenants = Array.from({ length: 100 }, (_, i) => tenant(`t${String(i).padStart(3, '0')}`));
    const values = new Map<string, FlagValue>(tenants.map((t) => [t.id, true]));
    const result = flagExceptions(flag(), tenants, values);
    expect(result.total).toBe(100);
    expect(result.tenants).toHaveLength(FLAG_EXCEPTIONS_LISTED);
    expect(result.tenants[0]!.id).toBe('t000');
  });
});
