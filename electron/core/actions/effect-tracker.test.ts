import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectText, killDidNotStop, killNotStoppedText } from './effect-text';
import type { EntryWithEffect } from './effect-tracker';
import { type FlipFixture, openFlipFixture } from './testing/flip-fixture';
import { killAcme } from './testing/kill-request';
import { makeTempDir } from './testing/temp-dir';

const kill = killAcme;

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
    expect(fx.audit.get(flip.id)?.measuringFrom).toBeNull();
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

  it("keeps a kill's own watch when another flag of the tenant changes meanwhile", async () => {
    fx.rates.set('acme', 8_400);
    const killed = await fx.flips.apply(kill);
    const other = await fx.flips.apply({ ...kill, flagKey: 'checkout-flow', value: 'beta' });
    expect(fx.effects.watching()).toBe(2);
    await tickAfter(1_000, 0);
    expect(fx.audit.get(killed.id)?.effect).toEqual({ before: 8_400, after: 0, ms: 1_000, settled: true });
    expect(fx.audit.get(other.id)?.effect).toBeNull();
    await tickAfter(4_000, 0);
    expect(fx.audit.get(other.id)?.effect).toMatchObject({ settled: true, after: 0 });
    expect(effects.map((e) => e.id)).toEqual([killed.id, other.id]);
  });

  it('a change of the same switch ends the earlier watch as not measured, saying why', async () => {
    fx.rates.set('acme', 8_400);
    const first = await fx.flips.apply(kill);
    expect(fx.audit.get(first.id)?.measuringFrom).toBe(8_400);
    await tickAfter(2_000, 8_000);
    const second = await fx.flips.apply({ ...kill, value: true, reason: 'false alarm' });
    await fx.effects.onTick(fx.clock.now());
    expect(fx.audit.get(first.id)?.effect).toEqual({
      before: 8_400,
      after: 8_000,
      ms: 2_000,
      settled: false,
      notMeasured: `publish-events for acme was changed again (${second.id}) before this change's effect could be told apart`,
    });
    expect(fx.audit.get(first.id)?.measuringFrom).toBeNull();
    await tickAfter(5_000, 8_300);
    expect(fx.audit.get(second.id)?.effect).toMatchObject({ settled: true, after: 8_300 });
    expect(fx.effects.watching()).toBe(0);
  });

  it('a stopped session completes its running watches as not measured', async () => {
    fx.rates.set('acme', 8_400);
    const flip = await fx.flips.apply(kill);
    await tickAfter(1_000, 5_000);
    await fx.effects.stop();
    expect(fx.audit.get(flip.id)?.effect).toMatchObject({
      before: 8_400,
      after: 5_000,
      ms: 1_000,
      notMeasured: expect.stringMatching(/stopped watching .* before the effect on traffic was measured/),
    });
    expect(effects.map((e) => e.id)).toEqual([flip.id]);
    expect(fx.effects.watching()).toBe(0);
  });

  it('at the next start, a watch the process died during is completed as not measured', async () => {
    fx.rates.set('acme', 8_400);
    const flip = await fx.flips.apply(kill);
    const untouched = await fx.flips.apply({ ...kill, tenantId: 'globex' }); // no rate: not watched
    // the process dies: nothing is stopped, the next one opens the same directory
    const next = await openFlipFixture({ dataDir: dir, clock: fx.clock });
    try {
      const completed: EntryWithEffect[] = [];
      next.effects.onEffect((entry) => completed.push(entry));
      await next.effects.completeUnfinished();
      expect(next.audit.get(flip.id)).toMatchObject({
        measuringFrom: null,
        effect: {
          before: 8_400,
          after: 8_400,
          ms: 0,
          settled: false,
          notMeasured: 'Switchboard stopped before the effect on traffic was measured',
        },
      });
      expect(completed.map((e) => e.id)).toEqual([flip.id]);
      expect(next.audit.get(untouched.id)?.effect).toBeNull();
      await next.effects.completeUnfinished();
      expect(completed).toHaveLength(1);
    } finally {
      await next.close();
    }
  });
});

describe('effectText', () => {
  it('says a kill did not stop the traffic, and why an effect was not measured', () => {
    const stuck = { before: 8_400, after: 8_000, ms: 30_000, settled: false };
    expect(killDidNotStop(stuck)).toBe(true);
    expect(killNotStoppedText('Acme Corp', 'publish-events', stuck)).toBe(
      'Acme Corp: the kill switch did not stop its traffic after 30 s (8,400 → 8,000 ev/s) — check that its publishers read publish-events',
    );
    const lost = { ...stuck, notMeasured: 'the console stopped watching' };
    expect(killDidNotStop(lost)).toBe(false);
    expect(effectText('acme', lost)).toBe('acme: effect not measured — the console stopped watching');
  });

  it('says what happened in one line', () => {
    expect(effectText('acme', { before: 8_400, after: 0, ms: 1_300, settled: true })).toBe(
      'acme: 8,400 → 0 ev/s in 1.3 s',
    );
    expect(effectText('Acme', { before: 12.34, after: 0.4, ms: 30_000, settled: false })).toBe(
      'Acme: 12.3 → 0.4 ev/s, not settled after 30 s',
    );
  });
});
