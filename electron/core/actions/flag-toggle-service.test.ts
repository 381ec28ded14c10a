import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api';
import { FlagProviderError } from '../flags/flag-provider';
import type { FlagToggleRequest } from './flag-toggle-service';
import { auditLines } from './testing/audit-lines';
import { openFlipFixture, useFlipFixture } from './testing/flip-fixture';
import { NeedsApprovalError } from './testing/memory-flag-provider';

const allOff: FlagToggleRequest = {
  flagKey: 'publish-events',
  enabled: false,
  reason: 'INC-9: broker at its watermark, stop everyone',
  actor: 'ops',
};

describe('FlagToggleService: a flag on or off for everyone', () => {
  const t = useFlipFixture();

  it('records the intent before the write, then the confirmed outcome, with the reason passed on', async () => {
    let onDiskAtWrite: AuditEntry[] = [];
    const write = t.fx.provider.setFlagEnabled.bind(t.fx.provider);
    t.fx.provider.setFlagEnabled = (...args) => {
      onDiskAtWrite = auditLines(t.dir);
      return write(...args);
    };

    const entry = await t.fx.toggles.apply(allOff);

    expect(onDiskAtWrite).toEqual([expect.objectContaining({ id: entry.id, outcome: 'pending' })]);
    expect(entry).toMatchObject({
      action: 'set-flag-enabled',
      flagKey: 'publish-events',
      tenantId: null,
      value: false,
      previous: true,
      outcome: 'applied',
      error: null,
      timeboxMs: null,
      confirmedAt: new Date(t.fx.clock.now()).toISOString(),
    });
    expect(t.fx.provider.toggles).toEqual([
      {
        flagKey: 'publish-events',
        enabled: false,
        ctx: { actor: 'ops', reason: allOff.reason, auditId: entry.id },
      },
    ]);
    expect((await t.fx.provider.listFlags()).find((f) => f.key === 'publish-events')?.enabled).toBe(false);
    expect(auditLines(t.dir).map((e) => e.outcome)).toEqual(['pending', 'applied']);
  });

  it('refuses a read-only profile, an unknown flag and a missing reason, writing nothing', async () => {
    t.fx.state.readOnly = true;
    await expect(t.fx.toggles.apply(allOff)).rejects.toMatchObject({ code: 'READ_ONLY' });
    t.fx.state.readOnly = false;
    await expect(t.fx.toggles.apply({ ...allOff, flagKey: 'ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'unknown flag "ghost"',
    });
    await expect(t.fx.toggles.apply({ ...allOff, reason: ' ' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(t.fx.provider.toggles).toEqual([]);
    expect(auditLines(t.dir)).toEqual([]);
  });

  it('records a failed write with its cause, and marks one that needs approval', async () => {
    t.fx.provider.failWrites(new FlagProviderError('Unleash answered 503'));
    const failed = await t.fx.toggles.apply(allOff);
    expect(failed).toMatchObject({ outcome: 'failed', error: 'Unleash answered 503', approval: null });

    t.fx.provider.failWrites(new NeedsApprovalError('production requires approval (405)'));
    const refused = await t.fx.toggles.apply(allOff);
    expect(refused).toMatchObject({ outcome: 'failed', approval: { state: 'required', requestId: null } });
    expect(t.fx.audit.get(refused.id)?.approval?.state).toBe('required');
  });

  it('keeps a flag-wide time box that survives a restart and turns the flag back on when it expires', async () => {
    const entry = await t.fx.toggles.apply({ ...allOff, timeboxMs: 15 * 60_000 });
    expect(entry).toMatchObject({ outcome: 'applied', timeboxMs: 900_000, error: null });
    expect(entry.revertAt).toBe(new Date(t.fx.clock.now() + 900_000).toISOString());
    expect(t.fx.timeBox.pendingFor('publish-events', null)).toMatchObject({
      auditId: entry.id,
      revertTo: true,
    });
    expect(t.fx.timeBox.pendingFor('publish-events', 'acme')).toBeNull();
    const onDisk = JSON.parse(readFileSync(join(t.dir, 'pending-reverts.json'), 'utf8'));
    expect(onDisk.reverts).toEqual([expect.objectContaining({ tenantId: null, revertTo: true })]);

    // a restart: a new fixture over the same data directory picks the time box up
    await t.fx.close();
    t.fx = await openFlipFixture({ dataDir: t.dir, clock: t.fx.clock, provider: t.fx.provider });
    t.fx.clock.advance(15 * 60_000);
    await expect.poll(() => t.fx.provider.toggles.length).toBe(2);
    expect(t.fx.provider.toggles[1]).toMatchObject({ enabled: true, ctx: { actor: 'system' } });
    const revert = t.fx.audit.query({ flagKey: 'publish-events', limit: 1 })[0]!;
    expect(revert).toMatchObject({ action: 'revert', tenantId: null, value: true, outcome: 'applied' });
    expect(t.fx.timeBox.pendingFor('publish-events', null)).toBeNull();
  });

  it('a flag-wide change without a time box cancels the running one', async () => {
    await t.fx.toggles.apply({ ...allOff, timeboxMs: 60 * 60_000 });
    await t.fx.toggles.apply({ ...allOff, enabled: true, reason: 'alarm cleared early' });
    expect(t.fx.timeBox.pendingFor('publish-events', null)).toBeNull();
    await expect(t.fx.toggles.apply({ ...allOff, timeboxMs: 5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('reports a lost race: the provider shows another state after the write', async () => {
    t.fx.provider.staleEnabled = true;
    const entry = await t.fx.toggles.apply(allOff);
    expect(entry.outcome).toBe('failed');
    expect(entry.error).toMatch(/reports publish-events on after the write: someone else changed it/);
  });
});

describe('FlagToggleService: a write error is judged by the flag state afterwards', () => {
  const t = useFlipFixture();

  it('a toggle that raised but landed is applied, with the error as a warning and its time box armed', async () => {
    const write = t.fx.provider.setFlagEnabled.bind(t.fx.provider);
    t.fx.provider.setFlagEnabled = async (...args) => {
      await write(...args);
      throw new FlagProviderError('Unleash did not answer in time');
    };
    const entry = await t.fx.toggles.apply({ ...allOff, timeboxMs: 15 * 60_000 });
    expect(entry).toMatchObject({
      outcome: 'applied',
      error: 'the write reported an error, yet false is served as asked: Unleash did not answer in time',
    });
    expect(t.fx.timeBox.pendingFor('publish-events', null)).toMatchObject({
      auditId: entry.id,
      revertTo: true,
    });
  });

  it('a toggle that did not land withdraws the time box armed before the write', async () => {
    let armedAtWrite: unknown = null;
    const write = t.fx.provider.setFlagEnabled.bind(t.fx.provider);
    t.fx.provider.setFlagEnabled = (...args) => {
      armedAtWrite = t.fx.timeBox.pendingFor('publish-events', null);
      return write(...args);
    };
    t.fx.provider.failWrites(new FlagProviderError('Unleash answered 503'));
    const entry = await t.fx.toggles.apply({ ...allOff, timeboxMs: 15 * 60_000 });
    expect(armedAtWrite).toMatchObject({ auditId: entry.id });
    expect(entry).toMatchObject({ outcome: 'failed', error: 'Unleash answered 503', revertAt: null });
    expect(t.fx.timeBox.pendingFor('publish-events', null)).toBeNull();
  });
});
