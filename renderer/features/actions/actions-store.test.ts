import { describe, expect, it } from 'vitest';
import type { AuditEntry, CallInput, CallName, CallOutput } from '../../../electron/core/api';
import { MemoryClient } from '../../testing/memory-client';
import { connectAudit, createAuditStore, loadAudit, upsertEntry } from '../audit/audit-store';
import {
  applyAnyway,
  closeChange,
  createActionsStore,
  openChange,
  reasonOk,
  requestApproval,
  submitChange,
  timeboxFrom,
} from './actions-store';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('time box and reason', () => {
  it('maps choices to milliseconds and validates custom minutes', () => {
    expect(timeboxFrom('none', '')).toEqual({ ms: null, error: null });
    expect(timeboxFrom('15m', '')).toEqual({ ms: 900_000, error: null });
    expect(timeboxFrom('1h', '')).toEqual({ ms: 3_600_000, error: null });
    expect(timeboxFrom('4h', '')).toEqual({ ms: 14_400_000, error: null });
    expect(timeboxFrom('custom', ' 90 ')).toEqual({ ms: 5_400_000, error: null });
    expect(timeboxFrom('custom', '0').error).toMatch(/1 to/);
    expect(timeboxFrom('custom', '1.5').error).toMatch(/whole number/);
    expect(timeboxFrom('custom', String(7 * 24 * 60 + 1)).error).toMatch(/one week/);
  });
  it('needs at least three characters of reason', () => {
    expect(reasonOk('  ab ')).toBe(false);
    expect(reasonOk('INC')).toBe(true);
  });
});

describe('submitChange', () => {
  it('flips with reason and time box and keeps the audit entry; the effect arrives later', async () => {
    const client = new MemoryClient({ tenants: 20, effectDelayMs: 20 });
    const actions = createActionsStore();
    const audit = createAuditStore();
    connectAudit(audit, client);
    openChange(actions, { kind: 'flip', tenantId: 'acme', publish: false });
    await submitChange(actions, client, '  INC-1 loop ', 900_000);
    const call = client.calls.find((c) => c.name === 'actions.flip')!;
    expect(call.input).toEqual({
      tenantId: 'acme',
      publish: false,
      reason: 'INC-1 loop',
      timeboxMs: 900_000,
    });
    const s = actions.getState();
    expect(s.phase).toBe('done');
    expect(s.entry).toMatchObject({
      tenantId: 'acme',
      flagKey: 'publish-events',
      value: false,
      outcome: 'applied',
    });
    await wait(50);
    const live = audit.getState().entries.find((e) => e.id === s.entry!.id)!;
    expect(live.effect).toMatchObject({ settled: true });
  });

  it('sends no time box when none is chosen and does nothing without a reason', async () => {
    const client = new MemoryClient({ tenants: 20 });
    const actions = createActionsStore();
    openChange(actions, {
      kind: 'flag',
      tenantId: 'globex',
      flagKey: 'ingest-tier',
      value: 'bulk',
      previous: 'standard',
    });
    await submitChange(actions, client, 'no', null);
    expect(client.calls.filter((c) => c.name.startsWith('actions.'))).toHaveLength(0);
    await submitChange(actions, client, 'customer asked', null);
    expect(client.calls.find((c) => c.name === 'actions.setFlag')!.input).toEqual({
      tenantId: 'globex',
      flagKey: 'ingest-tier',
      value: 'bulk',
      reason: 'customer asked',
    });
  });

  it('shows the error message of a failed flip, word for word', async () => {
    const client = new MemoryClient({ tenants: 20, failFlipsFor: ['acme'] });
    const actions = createActionsStore();
    openChange(actions, { kind: 'flip', tenantId: 'acme', publish: false });
    await submitChange(actions, client, 'stop it', null);
    expect(actions.getState()).toMatchObject({
      phase: 'failed',
      error: 'provider write failed: 503 Service Unavailable from flag store',
    });
    // the operator may try again
    openChange(actions, { kind: 'flip', tenantId: 'acme', publish: false });
    expect(actions.getState().phase).toBe('edit');
    closeChange(actions);
    expect(actions.getState().intent).toBeNull();
  });

  it('a read-only profile refuses with its reason', async () => {
    const client = new MemoryClient({ tenants: 20, readOnly: true });
    const actions = createActionsStore();
    openChange(actions, { kind: 'flip', tenantId: 'acme', publish: false });
    await submitChange(actions, client, 'stop it', null);
    expect(actions.getState()).toMatchObject({ phase: 'failed', error: 'this profile is read-only' });
  });
});

describe('a flag for everyone, and approvals', () => {
  it('turns a flag off for everyone with a reason and a time box, naming the flag on a production profile', async () => {
    const client = new MemoryClient({ tenants: 20, production: true });
    const actions = createActionsStore();
    const flag = (await client.call('flags.list', {})).find((f) => f.key === 'new-checkout')!;
    openChange(actions, { kind: 'flag-enabled', flag, enabled: false });
    await submitChange(actions, client, 'INC-4 checkout errors', 900_000, 'new-checkout');
    expect(client.calls.find((c) => c.name === 'actions.setFlagEnabled')!.input).toEqual({
      flagKey: 'new-checkout',
      enabled: false,
      reason: 'INC-4 checkout errors',
      timeboxMs: 900_000,
      confirm: 'new-checkout',
    });
    expect(actions.getState()).toMatchObject({
      phase: 'done',
      entry: { action: 'set-flag-enabled', tenantId: null, value: false, previous: true, timeboxMs: 900_000 },
    });
    expect((await client.call('flags.list', {})).find((f) => f.key === 'new-checkout')!.enabled).toBe(false);
  });

  it('a change refused pending approval fails saying so; requesting approval updates the same entry', async () => {
    const client = new MemoryClient({ tenants: 20, approvalFor: ['acme'] });
    const actions = createActionsStore();
    const audit = createAuditStore();
    connectAudit(audit, client);
    openChange(actions, { kind: 'flip', tenantId: 'acme', publish: false });
    await submitChange(actions, client, 'stop it', null);
    const refused = actions.getState().entry!;
    expect(actions.getState()).toMatchObject({
      phase: 'failed',
      error: expect.stringMatching(/requires approval/),
    });
    expect(refused.approval?.state).toBe('required');

    expect(await requestApproval(client, refused.id)).toBeNull();
    await wait(0);
    const live = audit.getState().entries.find((e) => e.id === refused.id)!;
    expect(live.approval).toMatchObject({ state: 'requested', requestedBy: 'oncall' });
    expect(await requestApproval(client, refused.id)).toMatch(/not refused pending approval/);
  });
});

/**
 * LaunchDarkly as the core reports it: a flip refused over a conflicting scheduled change is a failed
 * entry listing it, unless the call asks to override (`ignoreConflicts`); then the memory client applies.
 */
class ConflictingClient extends MemoryClient {
  private refusals = 0;

  override async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    const flip = name === 'actions.flip' ? (input as CallInput<'actions.flip'>) : null;
    if (!flip || flip.ignoreConflicts) return super.call(name, input);
    this.calls.push({ name, input });
    const refused: AuditEntry = {
      id: `refused-${++this.refusals}`,
      at: new Date().toISOString(),
      actor: 'oncall',
      action: 'set-tenant-flag',
      flagKey: 'publish-events',
      tenantId: flip.tenantId,
      value: flip.publish,
      previous: true,
      reason: flip.reason,
      timeboxMs: flip.timeboxMs ?? null,
      revertAt: null,
      provider: 'launchdarkly',
      outcome: 'failed',
      error: 'LaunchDarkly refused to set publish-events: it conflicts with pending changes on the flag',
      confirmedAt: null,
      effect: null,
      approval: null,
      conflicts: ['scheduled turnFlagOff at 18:00 by alex@example.com'],
    };
    return refused as CallOutput<N>;
  }
}

describe('a change refused over conflicting pending changes', () => {
  it('"apply anyway" repeats it as sent — reason, time box, confirmation — with ignoreConflicts', async () => {
    const client = new ConflictingClient({ tenants: 20, production: true });
    const actions = createActionsStore();
    openChange(actions, { kind: 'flip', tenantId: 'acme', publish: false });
    await submitChange(actions, client, ' INC-7 acme loop ', 900_000, 'acme');
    const refused = actions.getState().entry!;
    expect(actions.getState()).toMatchObject({ phase: 'failed', entry: { conflicts: [expect.any(String)] } });

    await applyAnyway(actions, client);
    const flips = client.calls.filter((c) => c.name === 'actions.flip').map((c) => c.input);
    expect(flips).toEqual([
      { tenantId: 'acme', publish: false, reason: 'INC-7 acme loop', timeboxMs: 900_000, confirm: 'acme' },
      {
        tenantId: 'acme',
        publish: false,
        reason: 'INC-7 acme loop',
        timeboxMs: 900_000,
        confirm: 'acme',
        ignoreConflicts: true,
      },
    ]);
    const s = actions.getState();
    expect(s.phase).toBe('done');
    expect(s.entry).toMatchObject({ outcome: 'applied', tenantId: 'acme', value: false });
    expect(s.entry!.id).not.toBe(refused.id);
  });

  it('sends nothing for a failure that was not over conflicts, nor before any attempt', async () => {
    const client = new MemoryClient({ tenants: 20, failFlipsFor: ['acme'] });
    const actions = createActionsStore();
    openChange(actions, { kind: 'flip', tenantId: 'acme', publish: false });
    await applyAnyway(actions, client);
    await submitChange(actions, client, 'stop it', null);
    expect(actions.getState().phase).toBe('failed');
    await applyAnyway(actions, client);
    expect(client.calls.filter((c) => c.name === 'actions.flip')).toHaveLength(1);
  });
});

describe('audit store', () => {
  const entry = (id: string, at: string, outcome: 'pending' | 'applied' = 'pending') =>
    ({ id, at, outcome }) as Parameters<typeof upsertEntry>[1];

  it('upserts by id and keeps newest first', () => {
    let list = upsertEntry([], entry('1', '2024-01-01T00:00:01Z'));
    list = upsertEntry(list, entry('2', '2024-01-01T00:00:03Z'));
    list = upsertEntry(list, entry('3', '2024-01-01T00:00:02Z'));
    list = upsertEntry(list, entry('1', '2024-01-01T00:00:01Z', 'applied'));
    expect(list.map((e) => e.id)).toEqual(['2', '3', '1']);
    expect(list[2]!.outcome).toBe('applied');
  });

  it('loads the trail and keeps entries pushed meanwhile', async () => {
    const client = new MemoryClient({ tenants: 20 });
    await client.call('actions.flip', { tenantId: 'acme', publish: false, reason: 'first' });
    const audit = createAuditStore();
    connectAudit(audit, client);
    await loadAudit(audit, client);
    expect(audit.getState().entries.map((e) => e.reason)).toEqual(['first']);
    expect(audit.getState().loaded).toBe(true);
  });
});
