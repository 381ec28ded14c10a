import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectText } from './effect-text';
import type { EntryWithEffect } from './effect-tracker';
import { type FlipFixture, openFlipFixture } from './testing/flip-fixture';
import { makeTempDir } from './testing/temp-dir';

const kill = {
  flagKey: 'publish-events',
  tenantId: 'acme',
  value: false,
  reason: 'acme is flooding the broker',
  actor: 'ops',
};

describe('EffectTracker', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let fx: FlipFixture;
  let effects: EntryWithEffect[];
  beforeEach(async () => {
    ({ dir, remove } = await makeTempDir());
    fx = await openFlipFixture({ dataDir: dir });
    effects = [];
    fx.effects.onEffect((entry) => effects.push(entry));
  });
  afterEach(async () => {
    await fx.close();
    await remove();
  });

  async function tickAfter(ms: number, rate: number | null) {
    fx.clock.advance(ms);
    if (rate === null) fx.rates.delete('acme');
    else fx.rates.set('acme', rate);
    await fx.effects.onTick(fx.clock.now());
  }

  it('settles a kill when the rate falls to ~0 and records the effect in the audit', async () => {
    fx.rates.set('acme', 8_400);
    const flip = await fx.flips.apply(kill);
    await tickAfter(500, 3_000);
    await tickAfter(500, null); // a missed sample is not a verdict
    expect(effects).toEqual([]);
    await tickAfter(300, 40); // within 1 % of 8,400
    const effect = { before: 8_400, after: 40, ms: 1_300, settled: true };
    expect(effects).toEqual([expect.objectContaining({ id: flip.id, effect })]);
    expect(fx.audit.get(flip.id)?.effect).toEqual(effect);
    expect(fx.effects.watching()).toBe(0);
  });

  it('gives up on a kill that has not brought traffic down after 30 s', async () => {
    fx.rates.set('acme', 8_400);
    const flip = await fx.flips.apply(kill);
    await tickAfter(29_999, 8_100);
    expect(effects).toEqual([]);
    await tickAfter(1, 8_000);
    expect(fx.audit.get(flip.id)?.effect).toEqual({
      before: 8_400,
      after: 8_000,
      ms: 30_000,
      settled: false,
    });
  });

  it('judges other flips after a fixed 5 s, whatever the rate', async () => {
    fx.rates.set('acme', 300);
    const flip = await fx.flips.apply({ ...kill, flagKey: 'checkout-flow', value: 'beta' });
    await tickAfter(4_000, 310);
    expect(effects).toEqual([]);
    await tickAfter(1_000, 320);
    expect(fx.audit.get(flip.id)?.effect).toEqual({ before: 300, after: 320, ms: 5_000, settled: true });
  });

  it('does not watch a failed flip, nor a tenant without a rate', async () => {
    fx.rates.set('acme', 8_400);
    fx.provider.failWrites();
    await fx.flips.apply(kill);
    fx.rates.clear();
    await fx.flips.apply(kill);
    expect(fx.effects.watching()).toBe(0);
  });

  it('a newer flip of the tenant replaces the watch of the older one', async () => {
    fx.rates.set('acme', 8_400);
    const first = await fx.flips.apply(kill);
    const second = await fx.flips.apply({ ...kill, value: true, reason: 'false alarm' });
    await tickAfter(5_000, 8_300);
    expect(fx.audit.get(first.id)?.effect).toBeNull();
    expect(fx.audit.get(second.id)?.effect).toMatchObject({ settled: true, after: 8_300 });
  });
});

describe('effectText', () => {
  it('says what happened in one line', () => {
    expect(effectText('acme', { before: 8_400, after: 0, ms: 1_300, settled: true })).toBe(
      'acme: 8,400 → 0 ev/s in 1.3 s',
    );
    expect(effectText('Acme', { before: 12.34, after: 0.4, ms: 30_000, settled: false })).toBe(
      'Acme: 12.3 → 0.4 ev/s, not settled after 30 s',
    );
  });
});
