import { describe, expect, it } from 'vitest';
import { ON_TITLE } from './tenant-lists';
import { Evaluator, type ProjectView } from './unleash-evaluate';
import type { Constraint, Feature, Segment, Strategy } from './unleash-schemas';

let ids = 0;
const rollout = (percent: number, extra: Partial<Strategy> = {}): Strategy => ({
  id: `s${++ids}`,
  name: 'flexibleRollout',
  parameters: { rollout: String(percent), stickiness: 'default', groupId: 'f' },
  constraints: [],
  segments: [],
  ...extra,
});
const c = (operator: string, ...values: string[]): Constraint => ({
  contextName: 'customerId',
  operator,
  values,
  inverted: false,
  caseInsensitive: false,
});

function view(
  strategies: Strategy[],
  options: {
    enabled?: boolean;
    segments?: Segment[];
    extra?: Feature[];
    dependencies?: Feature['dependencies'];
  } = {},
): ProjectView {
  const feature: Feature = {
    name: 'f',
    type: 'kill-switch',
    environments: [
      { name: 'development', enabled: options.enabled ?? true, strategies },
      { name: 'production', enabled: false, strategies: [] },
    ],
    dependencies: options.dependencies ?? [],
  };
  return {
    features: new Map([feature, ...(options.extra ?? [])].map((f) => [f.name, f])),
    segments: new Map((options.segments ?? []).map((s) => [s.id, s])),
  };
}

const evaluate = (v: ProjectView, tenant: string, field = 'customerId') =>
  new Evaluator(v, 'development', field).evaluate('f', tenant);

describe('Evaluator (unleash-client decides)', () => {
  it('serves false from "flag-off" when the environment is off', () => {
    expect(evaluate(view([rollout(100)], { enabled: false }), 'acme')).toEqual({
      value: false,
      source: 'flag-off',
    });
    expect(new Evaluator(view([rollout(100)]), 'production', 'customerId').evaluate('f', 'acme').source).toBe(
      'flag-off',
    );
  });

  it('tells overrides, the default and rules apart', () => {
    const v = view([
      rollout(100, { constraints: [c('NOT_IN', 'killed')] }),
      rollout(100, { title: ON_TITLE, constraints: [c('IN', 'vip')] }),
    ]);
    expect(evaluate(v, 'killed')).toEqual({ value: false, source: 'tenant-override' });
    expect(evaluate(v, 'vip')).toEqual({ value: true, source: 'tenant-override' });
    expect(evaluate(v, 'anyone')).toEqual({ value: true, source: 'default' });

    const rules = view([
      rollout(100, { constraints: [c('STR_STARTS_WITH', 'eu-')] }),
      rollout(100, { title: ON_TITLE, constraints: [c('IN', 'vip')] }),
    ]);
    expect(evaluate(rules, 'eu-1')).toEqual({ value: true, source: 'rule' });
    expect(evaluate(rules, 'us-1')).toEqual({ value: false, source: 'default' });
    expect(new Evaluator(rules, 'development', 'customerId').defaultValue('f')).toBe(false);
    expect(new Evaluator(v, 'development', 'customerId').defaultValue('f')).toBe(true);
  });

  it('follows the SDK: no enabled strategy means true for everyone; disabled ones do not count', () => {
    expect(evaluate(view([]), 'acme')).toEqual({ value: true, source: 'default' });
    expect(evaluate(view([rollout(100, { disabled: true, constraints: [c('IN', 'x')] })]), 'acme')).toEqual({
      value: true,
      source: 'default',
    });
    // A 0 % rollout (Switchboard's emptied on strategy) matches nobody.
    expect(evaluate(view([rollout(0, { title: ON_TITLE })]), 'acme')).toEqual({
      value: false,
      source: 'default',
    });
  });

  it('evaluates segments, sticky partial rollouts and unknown strategy types like the SDK', () => {
    const segment: Segment = { id: 7, name: 'pilot', constraints: [c('IN', 'pilot-1')] };
    const v = view([rollout(100, { segments: [7] })], { segments: [segment] });
    expect(evaluate(v, 'pilot-1')).toEqual({ value: true, source: 'rule' });
    expect(evaluate(v, 'other').value).toBe(false);

    const half = view([
      rollout(50, { parameters: { rollout: '50', stickiness: 'customerId', groupId: 'f' } }),
    ]);
    const values = Array.from({ length: 200 }, (_, i) => evaluate(half, `t${i}`).value);
    const share = values.filter(Boolean).length / values.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.7);
    // Sticky: the same answer every time.
    expect(Array.from({ length: 200 }, (_, i) => evaluate(half, `t${i}`).value)).toEqual(values);

    expect(evaluate(view([{ ...rollout(100), name: 'my-custom-strategy' }]), 'acme').value).toBe(false);
  });

  it('checks parent flags (dependencies)', () => {
    const parent: Feature = {
      name: 'parent',
      type: 'release',
      environments: [
        { name: 'development', enabled: true, strategies: [rollout(100, { constraints: [c('IN', 'ok')] })] },
      ],
    };
    const v = view([rollout(100)], { extra: [parent], dependencies: [{ feature: 'parent', enabled: true }] });
    expect(evaluate(v, 'ok')).toEqual({ value: true, source: 'default' });
    expect(evaluate(v, 'other')).toEqual({ value: false, source: 'rule' });
  });

  it('puts a standard SDK field at the top of the context too', () => {
    const v = view([rollout(100, { constraints: [{ ...c('IN', 'u1'), contextName: 'userId' }] })]);
    expect(evaluate(v, 'u1', 'userId').value).toBe(true);
    expect(evaluate(v, 'u2', 'userId').value).toBe(false);
  });
});
