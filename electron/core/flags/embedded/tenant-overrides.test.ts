import { describe, expect, it } from 'vitest';
import { joinTargeting, overrideIndex, splitTargeting, withoutTenant, withTenant } from './tenant-overrides';

const variants = { on: true, off: false };
const tk = { var: 'targetingKey' };
const list = (...tenants: string[]) => ({ in: [tk, tenants] });
const planRule = { if: [{ '==': [{ var: 'plan' }, 'free'] }, 'off', null] };

describe('splitTargeting / joinTargeting', () => {
  it('reads the canonical form and writes it back unchanged', () => {
    const targeting = { if: [list('acme', 'globex'), 'off', list('initech'), 'on', planRule] };
    const split = splitTargeting(targeting, variants);
    expect(split).toEqual({
      overrides: [
        { variant: 'off', tenants: ['acme', 'globex'] },
        { variant: 'on', tenants: ['initech'] },
      ],
      rule: planRule,
    });
    expect(joinTargeting(split)).toEqual(targeting);
  });

  it('keeps hand-written targeting as the rule', () => {
    expect(splitTargeting(planRule, variants)).toEqual({ overrides: [], rule: planRule });
    const fractional = {
      fractional: [
        ['on', 50],
        ['off', 50],
      ],
    };
    expect(splitTargeting(fractional, variants)).toEqual({ overrides: [], rule: fractional });
    expect(joinTargeting({ overrides: [], rule: fractional })).toEqual(fractional);
  });

  it('treats no targeting and {} as no rule at all', () => {
    expect(splitTargeting(undefined, variants)).toEqual({ overrides: [], rule: null });
    expect(splitTargeting({}, variants)).toEqual({ overrides: [], rule: null });
    expect(joinTargeting({ overrides: [], rule: null })).toBeUndefined();
  });

  it('takes the remainder of a longer if-chain as the rule', () => {
    const plan = { '==': [{ var: 'plan' }, 'free'] };
    const split = splitTargeting({ if: [list('acme'), 'off', plan, 'off', 'on'] }, variants);
    expect(split.overrides).toEqual([{ variant: 'off', tenants: ['acme'] }]);
    expect(split.rule).toEqual({ if: [plan, 'off', 'on'] });
    expect(splitTargeting({ if: [list('acme'), 'off', 'on'] }, variants).rule).toBe('on');
  });

  it('does not mistake a list answering an unknown variant, or a non-targetingKey test, for an override', () => {
    const unknownVariant = { if: [list('acme'), 'paused', null] };
    expect(splitTargeting(unknownVariant, variants)).toEqual({ overrides: [], rule: unknownVariant });
    const byEmail = { if: [{ in: [{ var: 'email' }, ['a@b.c']] }, 'off', null] };
    expect(splitTargeting(byEmail, variants)).toEqual({ overrides: [], rule: byEmail });
  });

  it('merges clauses of one variant, keeping each tenant only where flagd would find it first', () => {
    const split = splitTargeting(
      { if: [list('a', 'b'), 'off', list('b', 'c'), 'on', list('d', 'a'), 'off', null] },
      variants,
    );
    expect(split.overrides).toEqual([
      { variant: 'off', tenants: ['a', 'b', 'd'] },
      { variant: 'on', tenants: ['c'] },
    ]);
    expect(overrideIndex(split.overrides)).toEqual(
      new Map([
        ['a', 'off'],
        ['b', 'off'],
        ['d', 'off'],
        ['c', 'on'],
      ]),
    );
  });

  it('drops empty override lists and, with none left, writes the rule alone', () => {
    const split = { overrides: [{ variant: 'off', tenants: [] }], rule: planRule };
    expect(joinTargeting(split)).toEqual(planRule);
    expect(joinTargeting({ overrides: [], rule: 'on' })).toEqual({ if: [true, 'on'] });
  });
});

describe('withTenant / withoutTenant', () => {
  const base = { overrides: [{ variant: 'off', tenants: ['acme', 'globex'] }], rule: null };

  it('moves a tenant between lists, never leaving it in two', () => {
    const moved = withTenant(base, 'acme', 'on');
    expect(moved.overrides).toEqual([
      { variant: 'off', tenants: ['globex'] },
      { variant: 'on', tenants: ['acme'] },
    ]);
    expect(base.overrides[0]!.tenants).toEqual(['acme', 'globex']);
  });

  it('removes a tenant from every list', () => {
    expect(joinTargeting(withoutTenant(base, 'acme'))).toEqual({ if: [list('globex'), 'off', null] });
    expect(joinTargeting(withoutTenant(withoutTenant(base, 'acme'), 'globex'))).toBeUndefined();
  });
});
