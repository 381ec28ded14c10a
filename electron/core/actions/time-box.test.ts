import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../api';
import type { PendingRevert } from './pending-revert';
import { FakeClock } from './testing/fake-clock';
import { openFlipFixture } from './testing/flip-fixture';
import { killAcme } from './testing/kill-request';
import { MemoryFlagProvider, testFlags } from './testing/memory-flag-provider';
import { makeTempDir } from './testing/temp-dir';
import { TimeBox } from './time-box';

const fifteenMinutes = 15 * 60_000;
const kill = { ...killAcme, timeboxMs: fifteenMinutes };

describe('TimeBox', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it('survives a restart: new instances on the same directory revert when the box expires', async () => {
    const clock = new FakeClock();
    const provider = new MemoryFlagProvider(testFlags);
    const first = await openFlipFixture({ dataDir: dir, clock, provider });
    const flip = await first.flips.apply(kill);
    await first.close();

    clock.advance(5 * 60_000);
    const second = await openFlipFixture({ dataDir: dir, clock, provider });
    expect(second.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id, revertTo: true })]);
    expect(second.audit.get(flip.id)?.outcome).toBe('applied');

    clock.advance(10 * 60_000 - 1);
    await second.timeBox.idle();
    expect(await provider.servedValue('publish-events', 'acme')).toBe(false);
    clock.advance(1);
    await second.timeBox.idle();
    expect(await provider.servedValue('publish-events', 'acme')).toBe(true);
    expect(second.audit.query({ limit: 1 })[0]).toMatchObject({
      action: 'revert',
      actor: 'system',
      outcome: 'applied',
    });
    await second.close();
  });

  it('announces the running time boxes whenever they change: loaded, scheduled, replaced, done', async () => {
    const clock = new FakeClock();
    const provider = new MemoryFlagProvider(testFlags);
    const first = await openFlipFixture({ dataDir: dir, clock, provider });
    expect(first.timeBoxChanges).toEqual([]); // start: nothing persisted, nothing to say
    const flip = await first.flips.apply(kill);
    expect(first.timeBoxChanges.at(-1)).toEqual([
      expect.objectContaining({
        auditId: flip.id,
        flagKey: 'publish-events',
        tenantId: 'acme',
        revertTo: true,
      }),
    ]);
    await first.close();

    const second = await openFlipFixture({ dataDir: dir, clock, provider });
    expect(second.timeBoxChanges).toEqual([[expect.objectContaining({ auditId: flip.id })]]);
    const longer = await second.flips.apply({ ...kill, timeboxMs: 2 * fifteenMinutes });
    expect(second.timeBoxChanges.at(-1)).toEqual([expect.objectContaining({ auditId: longer.id })]);
    clock.advance(2 * fifteenMinutes);
    await second.timeBox.idle();
    expect(second.timeBoxChanges.at(-1)).toEqual([]);
    await second.close();
  });

  it('runs an overdue revert at start', async () => {
    const clock = new FakeClock();
    const provider = new MemoryFlagProvider(testFlags);
    const first = await openFlipFixture({ dataDir: dir, clock, provider });
    const flip = await first.flips.apply(kill);
    await first.close();

    clock.advance(2 * 3_600_000); // the app was closed past the end of the box
    const second = await openFlipFixture({ dataDir: dir, clock, provider });
    clock.advance(0);
    await second.timeBox.idle();
    expect(await provider.servedValue('publish-events', 'acme')).toBe(true);
    expect(second.audit.query({ limit: 1 })[0]?.reason).toBe(`time box expired (15 min) for ${flip.id}`);
    expect(JSON.parse(await readFile(join(dir, 'pending-reverts.json'), 'utf8')).reverts).toEqual([]);
    await second.close();
  });

  it('keeps a failed revert pending, reports it and retries with backoff until it succeeds', async () => {
    const fx = await openFlipFixture({ dataDir: dir });
    const flip = await fx.flips.apply(kill);
    fx.provider.failWrites(new Error('unleash answered 503'), 2);

    fx.clock.advance(fifteenMinutes);
    await fx.timeBox.idle();
    expect(fx.failures).toEqual([
      expect.objectContaining({ attempt: 1, error: 'unleash answered 503', retryAt: fx.clock.now() + 5_000 }),
    ]);
    expect(fx.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id })]);
    const persisted = JSON.parse(await readFile(join(dir, 'pending-reverts.json'), 'utf8'));
    expect(persisted.reverts).toHaveLength(1);

    fx.clock.advance(5_000);
    await fx.timeBox.idle();
    expect(fx.failures.map((f) => [f.attempt, f.retryAt - fx.clock.now()])).toEqual([
      [1, 0],
      [2, 15_000],
    ]);
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(false);

    fx.clock.advance(15_000);
    await fx.timeBox.idle();
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(true);
    expect(fx.timeBox.list()).toEqual([]);
    const outcomes = fx.audit.query({ tenantId: 'acme' }).map((e: AuditEntry) => `${e.action} ${e.outcome}`);
    expect(outcomes).toEqual(['revert applied', 'revert failed', 'revert failed', 'set-tenant-flag applied']);
    await fx.close();
  });

  it('keeps retrying a revert while the provider cannot be read, and it lands once it can', async () => {
    const fx = await openFlipFixture({ dataDir: dir });
    await fx.flips.apply(kill);
    fx.provider.failReads(new Error('connect ECONNREFUSED'));
    fx.clock.advance(fifteenMinutes);
    await fx.timeBox.idle();
    expect(fx.failures).toEqual([
      expect.objectContaining({ attempt: 1, error: expect.stringMatching(/ECONNREFUSED/) }),
    ]);
    fx.provider.failReads(null);
    fx.clock.advance(5_000);
    await fx.timeBox.idle();
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(true);
    await fx.close();
  });

  it('retryNow runs an overdue revert waiting out its backoff at once, and leaves boxes not yet due alone', async () => {
    const fx = await openFlipFixture({ dataDir: dir });
    await fx.flips.apply(kill);
    await fx.flips.apply({ ...kill, tenantId: 'globex', timeboxMs: 2 * fifteenMinutes });
    fx.provider.failReads(new Error('connect ECONNREFUSED'));
    fx.clock.advance(fifteenMinutes);
    await fx.timeBox.idle();
    fx.clock.advance(5_000);
    await fx.timeBox.idle();
    expect(fx.failures.map((f) => [f.attempt, f.retryAt - fx.clock.now()])).toEqual([
      [1, 0],
      [2, 15_000],
    ]);

    // the flag system is back: acme's revert does not wait the 15 s out
    fx.provider.failReads(null);
    fx.timeBox.retryNow();
    fx.clock.advance(0);
    await fx.timeBox.idle();
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(true);
    expect(await fx.provider.servedValue('publish-events', 'globex')).toBe(false);
    expect(fx.timeBox.list()).toEqual([expect.objectContaining({ tenantId: 'globex' })]);
    expect(fx.failures).toHaveLength(2);
    await fx.close();
  });

  it('retryNow leaves a revert that is running to finish: a failure is tried (and reported) once', async () => {
    const fx = await openFlipFixture({ dataDir: dir });
    await fx.flips.apply(kill);
    const write = fx.provider.setTenantValue.bind(fx.provider);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    fx.provider.setTenantValue = async () => {
      await held;
      throw new Error('unleash answered 503');
    };
    fx.clock.advance(fifteenMinutes);
    await vi.waitFor(() => expect(fx.audit.query({ tenantId: 'acme', limit: 1 })[0]?.action).toBe('revert'));
    fx.timeBox.retryNow();
    fx.clock.advance(0);
    release();
    await fx.timeBox.idle();
    fx.provider.setTenantValue = write;
    expect(fx.failures).toEqual([expect.objectContaining({ attempt: 1, error: 'unleash answered 503' })]);
    const actions = fx.audit.query({ tenantId: 'acme' }).map((e: AuditEntry) => `${e.action} ${e.outcome}`);
    expect(actions).toEqual(['revert failed', 'set-tenant-flag applied']);
    await fx.close();
  });

  it('reverts on a read-only profile — the earlier change promised it — and the audit says so', async () => {
    const fx = await openFlipFixture({ dataDir: dir });
    const flip = await fx.flips.apply(kill);
    const wide = await fx.toggles.apply({
      flagKey: 'checkout-flow',
      enabled: false,
      reason: 'checkout broken for everyone',
      actor: 'ops',
      timeboxMs: fifteenMinutes,
    });
    fx.state.readOnly = true;
    await expect(fx.flips.apply({ ...kill, value: true, reason: 'by hand' })).rejects.toMatchObject({
      code: 'READ_ONLY',
    });

    fx.clock.advance(fifteenMinutes);
    await fx.timeBox.idle();
    expect(fx.failures).toEqual([]);
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(true);
    expect((await fx.provider.listFlags()).find((f) => f.key === 'checkout-flow')?.enabled).toBe(true);
    const note =
      '(ran although the profile is read-only: a time box restores what an earlier change promised)';
    const reverts = fx.audit.query().filter((e) => e.action === 'revert');
    expect(Object.fromEntries(reverts.map((e) => [e.flagKey, [e.outcome, e.actor, e.reason]]))).toEqual({
      'checkout-flow': ['applied', 'system', `time box expired (15 min) for ${wide.id} ${note}`],
      'publish-events': ['applied', 'system', `time box expired (15 min) for ${flip.id} ${note}`],
    });
    expect(fx.timeBox.list()).toEqual([]);
    await fx.close();
  });

  it('reverts at start for a tenant that is not in the tenants file nor seen in traffic yet', async () => {
    const clock = new FakeClock();
    const provider = new MemoryFlagProvider(testFlags);
    const first = await openFlipFixture({ dataDir: dir, clock, provider, tenants: ['acme', 'hooli'] });
    await first.flips.apply({ ...kill, tenantId: 'hooli' });
    await first.close();

    clock.advance(2 * fifteenMinutes);
    // hooli was only seen in traffic: after the restart, before the first tick, nobody knows it yet
    const second = await openFlipFixture({ dataDir: dir, clock, provider, tenants: ['acme'] });
    await expect(second.flips.apply({ ...kill, tenantId: 'hooli' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    clock.advance(0);
    await second.timeBox.idle();
    expect(second.failures).toEqual([]);
    expect(await provider.servedValue('publish-events', 'hooli')).toBe(true);
    await second.close();
  });

  it('leaves an invalid pending-reverts.json untouched, reports it, and refuses to save over it', async () => {
    const path = join(dir, 'pending-reverts.json');
    const original =
      '{"reverts":[{"auditId":"a1","flagKey":"publish-events","tenantId":"acme","revertTo":true}]}\n';
    await writeFile(path, original);
    const ran: PendingRevert[] = [];
    const clock = new FakeClock();
    const timeBox = new TimeBox({
      dataDir: dir,
      now: clock.now,
      timers: clock,
      revert: async (p) => {
        ran.push(p);
        throw new Error('not expected');
      },
    });
    await timeBox.start();
    expect(timeBox.problem()).toMatchObject({ path, where: 'reverts[0].revertAt' });

    const revert: PendingRevert = {
      auditId: 'a2',
      flagKey: 'publish-events',
      tenantId: 'globex',
      revertTo: true,
      revertAt: new Date(clock.now() + fifteenMinutes).toISOString(),
      timeboxMs: fifteenMinutes,
    };
    await expect(timeBox.schedule(revert)).rejects.toThrow(/left untouched/);
    expect(timeBox.list()).toEqual([revert]);
    expect(await readFile(path, 'utf8')).toBe(original);
    await timeBox.stop();
    expect(ran).toEqual([]);
  });

  it('does not run a revert whose time box was replaced while it waited', async () => {
    const fx = await openFlipFixture({ dataDir: dir });
    const flip = await fx.flips.apply(kill);
    const stale = fx.timeBox.pendingFor('publish-events', 'acme')!;
    await fx.flips.apply({ ...kill, reason: 'longer', timeboxMs: 60 * 60_000 });
    await expect(fx.flips.revert({ ...stale, tenantId: 'acme' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(stale.auditId).toBe(flip.id);
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(false);
    await fx.close();
  });
});
