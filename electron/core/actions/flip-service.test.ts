import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api';
import { FlagProviderError } from '../flags/flag-provider';
import { type FlipRequest, FlipService } from './flip-service';
import { auditLines } from './testing/audit-lines';
import { type FlipFixture, openFlipFixture, useFlipFixture } from './testing/flip-fixture';
import { MemoryFlagProvider, testFlags } from './testing/memory-flag-provider';
import { makeTempDir } from './testing/temp-dir';

const kill: FlipRequest = {
  flagKey: 'publish-events',
  tenantId: 'acme',
  value: false,
  reason: 'acme is flooding the broker',
  actor: 'ops',
};

describe('FlipService', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let fx: FlipFixture;
  beforeEach(async () => {
    ({ dir, remove } = await makeTempDir());
    fx = await openFlipFixture({ dataDir: dir });
  });
  afterEach(async () => {
    await fx.close();
    await remove();
  });

  it('records the intent on disk before the provider is called, then the confirmed outcome', async () => {
    const onDiskAtWrite: AuditEntry[][] = [];
    fx.provider.beforeWrite = () => onDiskAtWrite.push(auditLines(dir));
    const emitted: string[] = [];
    fx.audit.onEntry((e) => emitted.push(e.outcome));

    const entry = await fx.flips.apply(kill);

    expect(onDiskAtWrite).toHaveLength(1);
    expect(onDiskAtWrite[0]).toEqual([
      expect.objectContaining({
        id: entry.id,
        outcome: 'pending',
        value: false,
        previous: true,
        reason: kill.reason,
      }),
    ]);
    expect(fx.provider.writes[0]?.ctx).toEqual({ actor: 'ops', reason: kill.reason, auditId: entry.id });
    expect(entry).toMatchObject({
      outcome: 'applied',
      error: null,
      actor: 'ops',
      action: 'set-tenant-flag',
      provider: 'memory',
      previous: true,
      confirmedAt: new Date(fx.clock.now()).toISOString(),
    });
    expect(auditLines(dir).map((e) => e.outcome)).toEqual(['pending', 'applied']);
    expect(emitted).toEqual(['pending', 'applied']);
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(false);
  });

  describe('refusals change nothing and write no audit', () => {
    async function expectRefused(request: FlipRequest, code: string, message: RegExp) {
      await expect(fx.flips.apply(request)).rejects.toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
      expect(existsSync(join(dir, 'audit.jsonl'))).toBe(false);
      expect(fx.provider.writes).toEqual([]);
    }

    it('read-only comes first', async () => {
      fx.state.readOnly = true;
      await expectRefused({ ...kill, flagKey: 'no-such-flag' }, 'READ_ONLY', /read-only/);
    });

    it('an unknown flag is named', async () => {
      await expectRefused(
        { ...kill, flagKey: 'no-such-flag', tenantId: 'nobody' },
        'NOT_FOUND',
        /"no-such-flag"/,
      );
    });

    it('an unknown tenant is named', async () => {
      await expectRefused({ ...kill, tenantId: 'nobody', value: 'x' }, 'NOT_FOUND', /"nobody"/);
    });

    it('a value the flag cannot take lists the allowed ones', async () => {
      await expectRefused(
        { ...kill, flagKey: 'checkout-flow', value: 'gamma' },
        'INVALID_INPUT',
        /"classic", "beta"/,
      );
      await expectRefused({ ...kill, value: 'false' }, 'INVALID_INPUT', /one of true, false/);
      await expectRefused({ ...kill, flagKey: 'batch-size', value: 42 }, 'INVALID_INPUT', /one of 10, 500/);
    });

    it('a missing reason or an out-of-range time box', async () => {
      await expectRefused({ ...kill, reason: ' ' }, 'INVALID_INPUT', /reason/);
      await expectRefused({ ...kill, timeboxMs: 1_000 }, 'INVALID_INPUT', /timeboxMs/);
    });
  });

  it('records a failed provider write with the provider’s cause, and returns it', async () => {
    fx.provider.failWrites(new FlagProviderError('unleash answered 503: service unavailable', true));
    const entry = await fx.flips.apply({ ...kill, timeboxMs: 15 * 60_000 });
    expect(entry).toMatchObject({ outcome: 'failed', error: 'unleash answered 503: service unavailable' });
    expect(entry.revertAt).toBeNull();
    expect(auditLines(dir).map((e) => [e.outcome, e.error])).toEqual([
      ['pending', null],
      ['failed', 'unleash answered 503: service unavailable'],
    ]);
    expect(fx.timeBox.list()).toEqual([]);
  });

  it('reports a lost race: the provider still serves the old value after the write', async () => {
    fx.provider.serveStale('publish-events', 'acme', true);
    const entry = await fx.flips.apply(kill);
    expect(entry).toMatchObject({
      outcome: 'failed',
      error: 'provider still serves true',
      confirmedAt: null,
    });
    expect(fx.provider.writes).toHaveLength(1);
  });

  it('reports a write it could not confirm', async () => {
    const original = fx.provider.setTenantValue.bind(fx.provider);
    fx.provider.setTenantValue = async (...args) => {
      await original(...args);
      fx.provider.failReads(new Error('connection reset'));
    };
    const entry = await fx.flips.apply(kill);
    expect(entry.outcome).toBe('failed');
    expect(entry.error).toBe('written, but the provider could not confirm it: connection reset');
  });

  it('does not write when the current value cannot be read, and says so in the audit', async () => {
    fx.provider.failReads(new Error('timeout after 5 s'));
    const entry = await fx.flips.apply(kill);
    expect(entry).toMatchObject({ outcome: 'failed', previous: null });
    expect(entry.error).toMatch(/could not read the current value: timeout after 5 s/);
    expect(fx.provider.writes).toEqual([]);
    expect(auditLines(dir).map((e) => e.outcome)).toEqual(['pending', 'failed']);
  });

  it('does not call the provider when the intent cannot be recorded', async () => {
    await mkdir(join(dir, 'audit.jsonl'));
    await expect(fx.flips.apply(kill)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/audit record could not be written.*was not changed/),
    });
    expect(fx.provider.writes).toEqual([]);
  });

  it('runs flips of one switch one at a time', async () => {
    const order: string[] = [];
    fx.provider.beforeWrite = (w) => order.push(`write ${w.value}`);
    fx.audit.onEntry((e) => order.push(`${e.outcome} ${e.value}`));
    await Promise.all([
      fx.flips.apply(kill),
      fx.flips.apply({ ...kill, value: true, reason: 'false alarm' }),
    ]);
    expect(order).toEqual([
      'pending false',
      'write false',
      'applied false',
      'pending true',
      'write true',
      'applied true',
    ]);
  });

  it('starts watching the effect with the rate from just before the write', async () => {
    fx.rates.set('acme', 8_400);
    await fx.flips.apply(kill);
    expect(fx.effects.watching()).toBe(1);
  });

  describe('time boxes', () => {
    const fifteenMinutes = 15 * 60_000;

    it('persists the revert before returning, then reverts through the flip path when it expires', async () => {
      const entry = await fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
      expect(entry.revertAt).toBe(new Date(fx.clock.now() + fifteenMinutes).toISOString());
      const persisted = JSON.parse(await readFile(join(dir, 'pending-reverts.json'), 'utf8'));
      expect(persisted.reverts).toEqual([
        {
          auditId: entry.id,
          flagKey: 'publish-events',
          tenantId: 'acme',
          revertTo: true,
          revertAt: entry.revertAt,
          timeboxMs: fifteenMinutes,
        },
      ]);

      fx.clock.advance(fifteenMinutes - 1);
      await fx.timeBox.idle();
      expect(fx.provider.writes).toHaveLength(1);

      fx.clock.advance(1);
      await fx.timeBox.idle();
      expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(true);
      const revert = fx.audit.query({ tenantId: 'acme' })[0]!;
      expect(revert).toMatchObject({
        actor: 'system',
        action: 'revert',
        value: true,
        previous: false,
        outcome: 'applied',
        reason: `time box expired (15 min) for ${entry.id}`,
      });
      expect(fx.timeBox.list()).toEqual([]);
      const after = JSON.parse(await readFile(join(dir, 'pending-reverts.json'), 'utf8'));
      expect(after.reverts).toEqual([]);
    });

    it('a new flip without a time box cancels the running one', async () => {
      await fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
      await fx.flips.apply({ ...kill, reason: 'keep it off until the fix ships' });
      expect(fx.timeBox.list()).toEqual([]);
      fx.clock.advance(fifteenMinutes);
      await fx.timeBox.idle();
      expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(false);
    });

    it('extending a time box keeps returning to the value before it', async () => {
      await fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
      fx.clock.advance(10 * 60_000);
      const extension = await fx.flips.apply({ ...kill, reason: 'still spiking', timeboxMs: 60 * 60_000 });
      expect(extension.previous).toBe(false);
      expect(fx.timeBox.list()).toEqual([expect.objectContaining({ auditId: extension.id, revertTo: true })]);

      fx.clock.advance(5 * 60_000);
      await fx.timeBox.idle();
      expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(false);

      fx.clock.advance(55 * 60_000);
      await fx.timeBox.idle();
      expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(true);
    });

    it('a failed flip leaves the running time box alone', async () => {
      const first = await fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
      fx.provider.failWrites();
      await fx.flips.apply({ ...kill, value: true, reason: 'try to restore' });
      expect(fx.timeBox.list()).toEqual([expect.objectContaining({ auditId: first.id })]);
    });
  });

  it('records a time box it could not save as a note on the applied entry', async () => {
    const timeBox = {
      pendingFor: () => null,
      schedule: async () => {
        throw new Error('ENOSPC: no space left on device');
      },
      cancel: async () => undefined,
    };
    const flips = new FlipService({
      provider: new MemoryFlagProvider(testFlags),
      audit: fx.audit,
      tenantExists: () => true,
      isReadOnly: () => false,
      reverts: timeBox,
    });
    const entry = await flips.apply({ ...kill, timeboxMs: 15 * 60_000 });
    expect(entry.outcome).toBe('applied');
    expect(entry.error).toMatch(
      /time box could not be saved \(ENOSPC.*runs only while Switchboard stays open/,
    );
  });
});

describe('FlipService: a write error is judged by what the provider serves afterwards', () => {
  const t = useFlipFixture();
  const fifteenMinutes = 15 * 60_000;

  /** The provider applies the write, then throws (Unleash's "applied, but…", a timed-out LaunchDarkly PATCH). */
  function applyThenThrow(message: string): void {
    const write = t.fx.provider.setTenantValue.bind(t.fx.provider);
    t.fx.provider.setTenantValue = async (...args) => {
      await write(...args);
      throw new FlagProviderError(message);
    };
  }

  it('saves the time box with the intent, before the provider is called', async () => {
    let onDiskAtWrite: unknown = null;
    t.fx.provider.beforeWrite = () => {
      onDiskAtWrite = JSON.parse(readFileSync(join(t.dir, 'pending-reverts.json'), 'utf8'));
    };
    const entry = await t.fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    expect(onDiskAtWrite).toEqual({
      reverts: [expect.objectContaining({ auditId: entry.id, revertTo: true, revertAt: entry.revertAt })],
    });
  });

  it('a write that raised but landed is applied, with the error as a warning, and its time box runs', async () => {
    applyThenThrow('publish-events: applied, but the flag kept changing: check that it stuck');
    const entry = await t.fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    expect(entry).toMatchObject({
      outcome: 'applied',
      confirmedAt: new Date(t.fx.clock.now()).toISOString(),
      revertAt: new Date(t.fx.clock.now() + fifteenMinutes).toISOString(),
    });
    expect(entry.error).toBe(
      'the write reported an error, yet false is served as asked: publish-events: applied, but the flag kept changing: check that it stuck',
    );
    expect(t.fx.timeBox.list()).toEqual([expect.objectContaining({ auditId: entry.id, revertTo: true })]);

    t.fx.clock.advance(fifteenMinutes);
    await t.fx.timeBox.idle();
    expect(await t.fx.provider.servedValue('publish-events', 'acme')).toBe(true);
  });

  it('a write that did not land fails, and the time box it replaced is put back', async () => {
    const first = await t.fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    t.fx.provider.failWrites(new FlagProviderError('LaunchDarkly failed (503)'));
    const trial = await t.fx.flips.apply({
      ...kill,
      value: true,
      reason: 'let acme try again for an hour',
      timeboxMs: 60 * 60_000,
    });
    expect(trial).toMatchObject({ outcome: 'failed', error: 'LaunchDarkly failed (503)', revertAt: null });
    expect(t.fx.timeBox.list()).toEqual([expect.objectContaining({ auditId: first.id, revertTo: true })]);
    const onDisk = JSON.parse(readFileSync(join(t.dir, 'pending-reverts.json'), 'utf8'));
    expect(onDisk.reverts).toEqual([expect.objectContaining({ auditId: first.id })]);

    t.fx.clock.advance(fifteenMinutes);
    await t.fx.timeBox.idle();
    expect(await t.fx.provider.servedValue('publish-events', 'acme')).toBe(true);
  });

  it('when the read-back fails too, the flip is failed but its time box stays armed in case it landed', async () => {
    const write = t.fx.provider.setTenantValue.bind(t.fx.provider);
    t.fx.provider.setTenantValue = async (...args) => {
      await write(...args);
      t.fx.provider.failReads(new Error('socket hang up'));
      throw new FlagProviderError(
        'did not answer within 10000 ms; the change may or may not have been applied',
      );
    };
    const entry = await t.fx.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    expect(entry.outcome).toBe('failed');
    expect(entry.error).toBe(
      'did not answer within 10000 ms; the change may or may not have been applied; whether it was applied could not be read back (socket hang up); its time box stays armed in case it was applied',
    );
    expect(entry.revertAt).toBe(new Date(t.fx.clock.now() + fifteenMinutes).toISOString());
    expect(t.fx.timeBox.list()).toEqual([expect.objectContaining({ auditId: entry.id })]);

    t.fx.provider.setTenantValue = write;
    t.fx.provider.failReads(null);
    t.fx.clock.advance(fifteenMinutes);
    await t.fx.timeBox.idle();
    expect(await t.fx.provider.servedValue('publish-events', 'acme')).toBe(true);
  });

  it('records the profile and environment it acted in on every version of the entry', async () => {
    await t.fx.close();
    const origin = { profile: 'ld-prod', environment: 'production' };
    t.fx = await openFlipFixture({ dataDir: t.dir, origin });
    const entry = await t.fx.flips.apply(kill);
    expect(auditLines(t.dir).map((e) => [e.outcome, e.profile, e.environment])).toEqual([
      ['pending', 'ld-prod', 'production'],
      ['applied', 'ld-prod', 'production'],
    ]);
    expect(entry).toMatchObject(origin);
  });
});
