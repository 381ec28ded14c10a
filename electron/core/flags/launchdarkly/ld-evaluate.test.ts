import { describe, expect, it } from 'vitest';
import { evaluateLocally } from './ld-evaluate';
import { flagView } from './ld-flag-view';
import { flagSchema, type LdFlag } from './ld-schemas';

const tenant = (key: string) => ({ kind: 'tenant', key });

function flag(
  key: string,
  production: Record<string, unknown>,
  variations: unknown[] = [false, true],
): LdFlag {
  return flagSchema.parse({
    key,
    _version: 1,
    variations: variations.map((value, i) => ({ _id: `${key}-${i}`, value })),
    environments: { production: { on: true, fallthrough: { variation: 0 }, offVariation: 0, ...production } },
  });
}

const clause = (extra: Record<string, unknown>) => ({
  contextKind: 'tenant',
  attribute: 'key',
  op: 'in',
  values: ['acme'],
  ...extra,
});

describe('local LaunchDarkly evaluation (certain where it can be, says so where not)', () => {
  it('follows off → targets → rules → fallthrough', () => {
    const f = flag('f', {
      contextTargets: [{ contextKind: 'tenant', values: ['acme'], variation: 1 }],
      rules: [{ variation: 1, clauses: [clause({ values: ['globex'] })] }],
    });
    expect(evaluateLocally(f, 'production', tenant('acme'))).toMatchObject({
      certain: true,
      variation: 1,
      source: 'tenant-override',
    });
    expect(evaluateLocally(f, 'production', tenant('globex'))).toMatchObject({
      certain: true,
      variation: 1,
      source: 'rule',
    });
    expect(evaluateLocally(f, 'production', tenant('initech'))).toMatchObject({
      certain: true,
      variation: 0,
      source: 'default',
    });
    const off = flag('off', { on: false, offVariation: 1 });
    expect(evaluateLocally(off, 'production', tenant('acme'))).toMatchObject({
      certain: true,
      variation: 1,
      source: 'flag-off',
    });
  });

  it('decides clauses on another context kind (never match) and negation; not other attributes or segments', () => {
    const otherKind = flag('k', { rules: [{ variation: 1, clauses: [clause({ contextKind: 'user' })] }] });
    expect(evaluateLocally(otherKind, 'production', tenant('acme'))).toMatchObject({
      certain: true,
      variation: 0,
    });
    const implicitUser = flag('u', {
      rules: [{ variation: 1, clauses: [clause({ contextKind: undefined })] }],
    });
    expect(evaluateLocally(implicitUser, 'production', tenant('acme'))).toMatchObject({
      certain: true,
      variation: 0,
    });
    const negated = flag('n', { rules: [{ variation: 1, clauses: [clause({ negate: true })] }] });
    expect(evaluateLocally(negated, 'production', tenant('acme'))).toMatchObject({
      certain: true,
      variation: 0,
    });
    expect(evaluateLocally(negated, 'production', tenant('globex'))).toMatchObject({
      certain: true,
      variation: 1,
    });

    const plan = flag('p', {
      rules: [
        { variation: 1, clauses: [clause({ attribute: 'plan', values: ['enterprise'] })] },
        { variation: 0, clauses: [clause({})] },
      ],
      fallthrough: { variation: 1 },
    });
    // acme matches rule 2 for sure, but rule 1 might match first: uncertain, best guess rule 2
    expect(evaluateLocally(plan, 'production', tenant('acme'))).toMatchObject({
      certain: false,
      guess: { variation: 0, source: 'rule' },
    });
    const segment = flag('s', {
      rules: [
        { variation: 1, clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta'] }] },
      ],
    });
    expect(evaluateLocally(segment, 'production', tenant('acme'))).toMatchObject({
      certain: false,
      guess: { variation: 0 },
    });
  });

  it('treats rollouts as uncertain with the heaviest variation as the guess', () => {
    const f = flag('r', {
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 20_000 },
            { variation: 1, weight: 80_000 },
          ],
        },
      },
    });
    expect(evaluateLocally(f, 'production', tenant('acme'))).toMatchObject({
      certain: false,
      guess: { variation: 1, source: 'default' },
    });
  });

  it('evaluates prerequisites from flags at hand, and is uncertain without them', () => {
    const parent = flag('parent', { fallthrough: { variation: 1 } });
    const child = flag('child', {
      fallthrough: { variation: 1 },
      prerequisites: [{ key: 'parent', variation: 1 }],
    });
    const flags = new Map([
      ['parent', parent],
      ['child', child],
    ]);
    expect(evaluateLocally(child, 'production', tenant('acme'), (k) => flags.get(k))).toMatchObject({
      certain: true,
      variation: 1,
    });
    const parentOff = flag('parent', { on: false, offVariation: 1 });
    expect(evaluateLocally(child, 'production', tenant('acme'), () => parentOff)).toMatchObject({
      certain: true,
      variation: 0,
      source: 'flag-off',
      reason: 'PREREQUISITE_FAILED',
    });
    expect(evaluateLocally(child, 'production', tenant('acme'))).toMatchObject({ certain: false });
    const loop = flag('loop', { prerequisites: [{ key: 'loop', variation: 0 }] });
    expect(evaluateLocally(loop, 'production', tenant('acme'), () => loop)).toMatchObject({ certain: false });
  });
});

describe('LaunchDarkly flag → FlagInfo', () => {
  it('names variants by unique name, else value, and keeps index ↔ _id', () => {
    const f = flagSchema.parse({
      key: 'mode',
      _version: 3,
      tags: ['release'],
      variations: [
        { _id: 'a', value: 'x', name: 'same' },
        { _id: 'b', value: 'y', name: 'same' },
        { _id: 'c', value: 'z' },
      ],
      environments: { production: { on: true, fallthrough: { variation: 2 } } },
    });
    const view = flagView(f, 'production');
    if ('skipped' in view) throw new Error(view.skipped.reason);
    expect(view.names).toEqual(['x', 'y', 'z']);
    expect(view.ids).toEqual(['a', 'b', 'c']);
    expect(view.info).toMatchObject({
      kind: 'release',
      defaultVariant: 'z',
      variants: { x: 'x', y: 'y', z: 'z' },
    });
    expect(flagView(f, 'staging')).toEqual({
      skipped: { key: 'mode', reason: 'no configuration for environment "staging"' },
    });
  });

  it('only a boolean flag can be a kill switch', () => {
    const strings = flag('s', {}, ['a', 'b']);
    const view = flagView({ ...strings, tags: ['kill-switch'] }, 'production');
    expect('skipped' in view ? null : view.info.kind).toBe('operational');
  });
});
