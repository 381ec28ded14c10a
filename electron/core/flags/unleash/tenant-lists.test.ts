import { describe, expect, it } from 'vitest';
import {
  applyDelta,
  deltaHolds,
  isUnconditional,
  ON_TITLE,
  planTenantChange,
  REST_TITLE,
  stableJson,
  withoutTenant,
} from './tenant-lists';
import { Evaluator } from './unleash-evaluate';
import type { Constraint, Feature, FeatureEnvironment, Strategy } from './unleash-schemas';

const CTX = 'customerId';
let ids = 0;

function strategy(partial: Partial<Strategy> & { constraints?: Constraint[] }): Strategy {
  return {
    id: `s${++ids}`,
    name: 'flexibleRollout',
    title: null,
    disabled: false,
    parameters: { rollout: '100', stickiness: 'default', groupId: 'f' },
    segments: [],
    constraints: [],
    ...partial,
  };
}

const notIn = (...values: string[]): Constraint => ({
  contextName: CTX,
  operator: 'NOT_IN',
  values,
  caseInsensitive: false,
  inverted: false,
});
const inList = (...values: string[]): Constraint => ({
  contextName: CTX,
  operator: 'IN',
  values,
  caseInsensitive: false,
  inverted: false,
});
const onStrategy = (...tenants: string[]) =>
  strategy({
    title: ON_TITLE,
    constraints: tenants.length ? [inList(...tenants)] : [],
    parameters: { rollout: tenants.length ? '100' : '0', stickiness: 'default', groupId: 'f' },
  });

/** Plan with the SDK's evaluation (through Evaluator), as the provider does. */
function plan(strategies: Strategy[], tenant: string, value: boolean, enabled = true) {
  const environment: FeatureEnvironment = { name: 'development', enabled, strategies };
  const feature: Feature = { name: 'f', type: 'kill-switch', environments: [environment] };
  const evaluator = new Evaluator(
    { features: new Map([['f', feature]]), segments: new Map() },
    'development',
    CTX,
  );
  return planTenantChange(environment, CTX, tenant, value, (s) => evaluator.isEnabledWith('f', tenant, s));
}

const describeSteps = (steps: ReturnType<typeof plan>) =>
  steps.map((s) =>
    s.kind === 'create'
      ? `create "${s.title}" ${s.delta.list} ${s.delta.tenant}`
      : `${s.delta.op} ${s.delta.tenant} ${s.delta.list} @${s.strategy.title ?? s.strategy.id}`,
  );

describe('applyDelta', () => {
  it('adds to the first case-sensitive off list, or appends one, keeping other constraints', () => {
    const other: Constraint = { contextName: 'appName', operator: 'IN', values: ['web'] };
    const s = strategy({ constraints: [other, notIn('a')] });
    expect(applyDelta(s, CTX, { list: 'off', op: 'add', tenant: 'b' })).toEqual({
      constraints: [other, notIn('a', 'b')],
      rollout: null,
    });
    expect(
      applyDelta(strategy({ constraints: [other] }), CTX, { list: 'off', op: 'add', tenant: 'b' }),
    ).toEqual({
      constraints: [other, notIn('b')],
      rollout: null,
    });
    // Already there: unchanged.
    expect(applyDelta(s, CTX, { list: 'off', op: 'add', tenant: 'a' }).constraints).toEqual(s.constraints);
  });

  it('removes from every off list and drops the emptied ones (NOT_IN [] would mean everyone)', () => {
    const ci: Constraint = { ...notIn('ACME', 'x'), caseInsensitive: true };
    const s = strategy({ constraints: [notIn('acme'), ci] });
    expect(applyDelta(s, CTX, { list: 'off', op: 'remove', tenant: 'acme' }).constraints).toEqual([
      { ...ci, values: ['x'] },
    ]);
  });

  it('starts an emptied on strategy again at 100 % and takes it to 0 % when its last tenant leaves', () => {
    const empty = onStrategy();
    expect(applyDelta(empty, CTX, { list: 'on', op: 'add', tenant: 'a' })).toEqual({
      constraints: [inList('a')],
      rollout: '100',
    });
    expect(applyDelta(onStrategy('a', 'b'), CTX, { list: 'on', op: 'add', tenant: 'c' })).toEqual({
      constraints: [inList('a', 'b', 'c')],
      rollout: null,
    });
    expect(applyDelta(onStrategy('a'), CTX, { list: 'on', op: 'remove', tenant: 'a' })).toEqual({
      constraints: [],
      rollout: '0',
    });
  });

  it('knows when a delta holds', () => {
    expect(
      deltaHolds(strategy({ constraints: [notIn('a')] }), CTX, { list: 'off', op: 'add', tenant: 'a' }),
    ).toBe(true);
    expect(
      deltaHolds(strategy({ constraints: [notIn('a')] }), CTX, { list: 'off', op: 'remove', tenant: 'a' }),
    ).toBe(false);
    // An IN list on someone else's strategy is not Switchboard's on list.
    expect(
      deltaHolds(strategy({ constraints: [inList('a')] }), CTX, { list: 'on', op: 'add', tenant: 'a' }),
    ).toBe(false);
  });
});

describe('planTenantChange', () => {
  it('kills a tenant on every other strategy, disabled ones too, then takes it off the on list', () => {
    const everyone = strategy({ title: 'everyone' });
    const disabled = strategy({ title: 'later', disabled: true });
    const on = onStrategy('acme', 'globex');
    expect(describeSteps(plan([everyone, disabled, on], 'acme', false))).toEqual([
      'add acme off @everyone',
      'add acme off @later',
      'remove acme on @switchboard: tenants on',
    ]);
  });

  it('adds "everyone else" where no enabled strategy exists (Unleash then serves true to all)', () => {
    expect(describeSteps(plan([], 'acme', false))).toEqual([`create "${REST_TITLE}" off acme`]);
    expect(describeSteps(plan([strategy({ title: 'paused', disabled: true })], 'acme', false))).toEqual([
      'add acme off @paused',
      `create "${REST_TITLE}" off acme`,
    ]);
  });

  it('plans the off override even while the environment is off, so it holds when it is on again', () => {
    expect(describeSteps(plan([strategy({ title: 'everyone' })], 'acme', false, false))).toEqual([
      'add acme off @everyone',
    ]);
  });

  it('turns a tenant on with the on strategy only when the flag does not give it true anyway', () => {
    const beta = strategy({ title: 'beta', constraints: [inList('beta-1')] });
    expect(describeSteps(plan([beta], 'acme', true))).toEqual([`create "${ON_TITLE}" on acme`]);
    expect(describeSteps(plan([beta, onStrategy()], 'acme', true))).toEqual([
      'add acme on @switchboard: tenants on',
    ]);
    expect(plan([beta], 'beta-1', true)).toEqual([]);
  });

  it('un-kills by removing the tenant from the off lists (no on entry when the default is true)', () => {
    const everyone = strategy({ title: 'everyone', constraints: [notIn('acme')] });
    const rule = strategy({ title: 'rule', constraints: [inList('x'), notIn('acme', 'b')] });
    expect(describeSteps(plan([everyone, rule], 'acme', true))).toEqual([
      'remove acme off @everyone',
      'remove acme off @rule',
    ]);
  });

  it('removes overrides that the flag makes unnecessary', () => {
    // false anyway (only a rule for others): the off entry is just dropped.
    const rule = strategy({ title: 'rule', constraints: [inList('x'), notIn('acme')] });
    expect(describeSteps(plan([rule], 'acme', false))).toEqual(['remove acme off @rule']);
    // true anyway: the on entry goes.
    expect(describeSteps(plan([strategy({ title: 'everyone' }), onStrategy('acme')], 'acme', true))).toEqual([
      'remove acme on @switchboard: tenants on',
    ]);
    expect(plan([strategy({ title: 'everyone', constraints: [notIn('acme')] })], 'acme', false)).toEqual([]);
  });

  it('evaluates what the tenant gets by itself with the tenant on no list', () => {
    const strategies = withoutTenant(
      [strategy({ constraints: [notIn('acme', 'b')] }), onStrategy('acme')],
      CTX,
      'acme',
    );
    expect(strategies[0]!.constraints).toEqual([notIn('b')]);
    expect(strategies[1]).toMatchObject({ constraints: [], parameters: { rollout: '0' } });
  });
});

describe('helpers', () => {
  it('calls a strategy unconditional when only off lists limit it at 100 %', () => {
    expect(isUnconditional(strategy({ constraints: [notIn('a')] }), CTX)).toBe(true);
    expect(isUnconditional(strategy({ name: 'default', parameters: {} }), CTX)).toBe(true);
    expect(isUnconditional(strategy({ parameters: { rollout: '50' } }), CTX)).toBe(false);
    expect(isUnconditional(strategy({ constraints: [inList('a')] }), CTX)).toBe(false);
    expect(isUnconditional(strategy({ segments: [1] }), CTX)).toBe(false);
    expect(isUnconditional(onStrategy('a'), CTX)).toBe(false);
  });

  it('compares JSON regardless of key order', () => {
    expect(stableJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe(stableJson({ a: [{ c: 2, d: 1 }], b: 1 }));
    expect(stableJson({ a: undefined, b: 1 })).toBe(stableJson({ b: 1 }));
  });
});
