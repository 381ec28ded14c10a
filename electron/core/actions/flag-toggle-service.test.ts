import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api';
import { FlagProviderError } from '../flags/flag-provider';
import type { FlagToggleRequest } from './flag-toggle-service';
import { openFlipFixture } from './testing/flip-fixture';
import { NeedsApprovalError } from './testing/memory-flag-provider';
import { makeTempDir } from './testing/temp-dir';

const allOff: FlagToggleRequest = {
  flagKey: 'publish-events',
  enabled: false,
  reason: 'INC-9: broker at its watermark, stop everyone',
  actor: 'ops',
};

function auditLines(dir: string): AuditEntry[] {
  const path = join(dir, 'audit.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('FlagToggleService: a flag on or off for everyone', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let fx: Awaited<ReturnType<typeof openFlipFixture>>;
  beforeEach(async () => {
    ({ dir, remove } = await makeTempDir());
    fx = await openFlipFixture({ dataDir: dir });
  });
  afterEach(async () => {
    await fx.close();
    await remove();
  });

  it('records the intent before the write, then the confirmed outcome, with the reason passed on', async () => {
    let onDiskAtWrite: AuditEntry[] = [];
    const write = fx.provider.setFlagEnabled.bind(fx.provider);
    fx.provider.setFlagEnabled = (...args) => {
      onDiskAtWrite = auditLines(dir);
      return write(...args);
    };

    const entry = await fx.toggles.apply(allOff);

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
      confirmedAt: new Date(fx.clock.now()).toISOString(),
    });
    expect(fx.provider.toggles).toEqual([
      {
        flagKey: 'publish-events',
        enabled: false,
        ctx: { actor: 'ops', reason: allOff.reason, auditId: entry.id },
      },
    ]);
    expect((await fx.provider.listFlags()).find((f) => f.key === 'publish-events')?.enabled).toBe(false);
    expect(auditLines(dir).map((e) => e.outcome)).toEqual(['pending', 'applied']);
  });

  it('refuses a read-only profile, an unknown flag and a missing reason, writing nothing', async () => {
    fx.state.readOnly = true;
    await expect(fx.toggles.apply(allOff)).rejects.toMatchObject({ code: 'READ_ONLY' });
    fx.state.readOnly = false;
    await expect(fx.toggles.apply({ ...allOff, flagKey: 'ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'unknown flag "ghost"',
    });
    await expect(fx.toggles.apply({ ...allOff, reason: ' ' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(fx.provider.toggles).toEqual([]);
    expect(auditLines(dir)).toEqual([]);
  });

  it('records a failed write with its cause, and marks one that needs approval', async () => {
    fx.provider.failWrites(new FlagProviderError('Unleash answered 503'));
    const failed = await fx.toggles.apply(allOff);
    expect(failed).toMatchObject({ outcome: 'failed', error: 'Unleash answered 503', approval: null });

    fx.provider.failWrites(new NeedsApprovalError('production requires approval (405)'));
    const refused = await fx.toggles.apply(allOff);
    expect(refused).toMatchObject({ outcome: 'failed', approval: { state: 'required', requestId: null } });
    expect(fx.audit.get(refused.id)?.approval?.state).toBe('required');
  });

  it('keeps a flag-wide time box that survives a restart and turns the flag back on when it expires', async () => {
    const entry = await fx.toggles.apply({ ...allOff, timeboxMs: 15 * 60_000 });
    expect(entry).toMatchObject({ outcome: 'applied', timeboxMs: 900_000, error: null });
    expect(entry.revertAt).toBe(new Date(fx.clock.now() + 900_000).toISOString());
    expect(fx.timeBox.pendingFor('publish-events', null)).toMatchObject({
      auditId: entry.id,
      revertTo: true,
    });
    expect(fx.timeBox.pendingFor('publish-events', 'acme')).toBeNull();
    const onDisk = JSON.parse(readFileSync(join(dir, 'pending-reverts.json'), 'utf8'));
    expect(onDisk.reverts).toEqual([expect.objectContaining({ tenantId: null, revertTo: true })]);

    // a restart: a new fixture over the same data directory picks the time box up
    await fx.close();
    fx = await openFlipFixture({ dataDir: dir, clock: fx.clock, provider: fx.provider });
    fx.clock.advance(15 * 60_000);
    await expect.poll(() => fx.provider.toggles.length).toBe(2);
    expect(fx.provider.toggles[1]).toMatchObject({ enabled: true, ctx: { actor: 'system' } });
    const revert = fx.audit.query({ flagKey: 'publish-events', limit: 1 })[0]!;
    expect(revert).toMatchObject({ action: 'revert', tenantId: null, value: true, outcome: 'applied' });
    expect(fx.timeBox.pendingFor('publish-events', null)).toBeNull();
  });

  it('a flag-wide change without a time box cancels the running one', async () => {
    await fx.toggles.apply({ ...allOff, timeboxMs: 60 * 60_000 });
    await fx.toggles.apply({ ...allOff, enabled: true, reason: 'alarm cleared early' });
    expect(fx.timeBox.pendingFor('publish-events', null)).toBeNull();
    await expect(fx.toggles.apply({ ...allOff, timeboxMs: 5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('reports a lost race: the provider shows another state after the write', async () => {
    fx.provider.staleEnabled = true;
    const entry = await fx.toggles.apply(allOff);
    expect(entry.outcome).toBe('failed');
    expect(entry.error).toMatch(/reports publish-events on after the write: someone else changed it/);
  });
});
