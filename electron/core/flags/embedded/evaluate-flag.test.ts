import { FlagdCore } from '@openfeature/flagd-core';
import { describe, expect, it } from 'vitest';
import { evaluateFlag, evaluateRule, tenantFlag } from './evaluate-flag';
import { silentLogger } from './flag-snapshot';
import { parseFlagsFile } from './parse-flags-file';

const tk = { var: 'targetingKey' };
const list = (...tenants: string[]) => ({ in: [tk, tenants] });
const onOff = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' };

/** Targeting shapes an operator or a hand-edit can produce, each under one flag. */
const flags = {
  static: { ...onOff },
  empty: { ...onOff, targeting: {} },
  'overrides-only': {
    ...onOff,
    targeting: { if: [list('acme', 'globex'), 'off', list('initech'), 'on', null] },
  },
  'overrides-and-rule': {
    ...onOff,
    targeting: { if: [list('acme'), 'off', { '==': [{ var: 'plan' }, 'free'] }, 'off', null] },
  },
  'rule-only': { ...onOff, targeting: { if: [{ starts_with: [tk, 'test-'] }, 'off', 'on'] } },
  'else-variant': { ...onOff, defaultVariant: 'off', targeting: { if: [list('acme'), 'off', 'on'] } },
  fractional: {
    ...onOff,
    targeting: {
      if: [
        list('acme'),
        'off',
        {
          fractional: [
            ['on', 50],
            ['off', 50],
          ],
        },
      ],
    },
  },
  'ref-rule': { ...onOff, targeting: { if: [list('acme'), 'off', { $ref: 'isTest' }, 'off', null] } },
  'bad-variant': { ...onOff, targeting: { if: [list('acme'), 'off', 'paused'] } },
  strings: {
    state: 'ENABLED',
    variants: { csv: 'csv', parquet: 'parquet' },
    defaultVariant: 'csv',
    targeting: { if: [list('acme'), 'parquet', null] },
  },
};
const text = JSON.stringify({
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  $evaluators: { isTest: { starts_with: [tk, 'test-'] } },
  flags,
});
const snapshot = parseFlagsFile('/tmp/flags.json', text);
const flagd = new FlagdCore(undefined, silentLogger);
flagd.setConfigurations(text);

const tenants = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'test-1',
  'test-2',
  'hooli',
  ...Array.from({ length: 40 }, (_, i) => `t${i}`),
];
const contexts = tenants.flatMap((targetingKey): Record<string, string>[] => [
  { targetingKey },
  { targetingKey, plan: 'free' },
]);

describe('evaluateFlag', () => {
  it('answers exactly what flagd-core answers for the whole targeting (value, variant, reason)', () => {
    for (const key of Object.keys(flags)) {
      const flag = snapshot.flags.get(key)!;
      for (const context of contexts) {
        const ours = evaluateFlag(flag, context);
        const theirs = flagd.getFlag(key)!.evaluate(context, silentLogger);
        const label = `${key} ${JSON.stringify(context)}`;
        if (theirs.reason === 'ERROR') {
          expect(ours.ok, label).toBe(false);
          continue;
        }
        expect(ours, label).toMatchObject({
          ok: true,
          value: theirs.value,
          variant: theirs.variant,
          reason: theirs.reason,
        });
      }
    }
  });

  it('says where a value comes from', () => {
    const source = (key: string, context: Record<string, unknown>) => {
      const evaluation = evaluateFlag(snapshot.flags.get(key)!, context);
      return evaluation.ok ? evaluation.source : 'error';
    };
    expect(source('overrides-only', { targetingKey: 'acme' })).toBe('tenant-override');
    expect(source('overrides-only', { targetingKey: 'umbrella' })).toBe('default');
    expect(source('overrides-and-rule', { targetingKey: 'hooli', plan: 'free' })).toBe('rule');
    expect(source('overrides-and-rule', { targetingKey: 'hooli' })).toBe('default');
    expect(source('static', { targetingKey: 'acme' })).toBe('default');
    expect(source('bad-variant', { targetingKey: 'hooli' })).toBe('error');
  });

  it('serves the default variant with DISABLED when the flag is off, whatever the overrides', () => {
    const disabled = parseFlagsFile(
      '/tmp/flags.json',
      JSON.stringify({
        flags: { k: { ...onOff, state: 'DISABLED', targeting: { if: [list('acme'), 'off', null] } } },
      }),
    );
    const flag = disabled.flags.get('k')!;
    expect(evaluateFlag(flag, { targetingKey: 'acme' })).toEqual({
      ok: true,
      key: 'k',
      value: true,
      variant: 'on',
      reason: 'DISABLED',
      source: 'flag-off',
    });
    expect(tenantFlag(flag, 'acme')).toMatchObject({ enabled: false, value: true, source: 'flag-off' });
  });

  it('evaluateRule ignores the tenant’s own override', () => {
    const flag = snapshot.flags.get('overrides-only')!;
    expect(evaluateRule(flag, { targetingKey: 'acme' })).toMatchObject({ value: true, reason: 'DEFAULT' });
  });

  it('answers 10,000 tenants from override lists in well under a tick', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `tenant-${i}`);
    const big = parseFlagsFile(
      '/tmp/flags.json',
      JSON.stringify({
        flags: { k: { ...onOff, targeting: { if: [list(...many.slice(0, 5_000)), 'off', null] } } },
      }),
    );
    const flag = big.flags.get('k')!;
    const started = performance.now();
    let off = 0;
    for (const tenant of many) if (tenantFlag(flag, tenant).value === false) off++;
    expect(off).toBe(5_000);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
