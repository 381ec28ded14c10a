import { describe, expect, it } from 'vitest';
import { FlagProviderError } from '../flags/flag-provider';
import { ApprovalService } from './approval-service';
import { openFlipFixture, useFlipFixture } from './testing/flip-fixture';
import { NeedsApprovalError } from './testing/memory-flag-provider';

const reason = 'acme is flooding the broker';

describe('ApprovalService: a refused change becomes an approval request', () => {
  const t = useFlipFixture();

  async function refusedFlip() {
    t.fx.provider.failWrites(new NeedsApprovalError('requires approval (405)'));
    return t.fx.flips.apply({
      flagKey: 'publish-events',
      tenantId: 'acme',
      value: false,
      reason,
      actor: 'dana',
    });
  }

  it('opens a request for the refused tenant change and records it on the same entry, durably', async () => {
    const refused = await refusedFlip();
    const entry = await t.fx.approvals.request(refused.id, 'sam');

    expect(t.fx.provider.approvals).toEqual([
      {
        change: { kind: 'tenant-value', flagKey: 'publish-events', tenantId: 'acme', value: false },
        ctx: { actor: 'sam', reason, auditId: refused.id },
      },
    ]);
    expect(entry).toMatchObject({
      id: refused.id,
      outcome: 'failed',
      approval: { state: 'requested', requestId: 'approval-1', requestedBy: 'sam', error: null },
    });
    await t.fx.audit.close();
    const { AuditLog } = await import('./audit-log');
    const reopened = await AuditLog.open({ dataDir: t.dir });
    expect(reopened.get(refused.id)?.approval?.state).toBe('requested');
    await reopened.close();
  });

  it('asks for a flag-wide change as such', async () => {
    t.fx.provider.failWrites(new NeedsApprovalError('requires approval (405)'));
    const refused = await t.fx.toggles.apply({
      flagKey: 'publish-events',
      enabled: false,
      reason,
      actor: 'dana',
    });
    await t.fx.approvals.request(refused.id, 'dana');
    expect(t.fx.provider.approvals[0]?.change).toEqual({
      kind: 'flag-enabled',
      flagKey: 'publish-events',
      enabled: false,
    });
  });

  it('records a failed request with its cause, and lets the person try again', async () => {
    const refused = await refusedFlip();
    t.fx.provider.approvalFailure = new FlagProviderError('missing permission createApprovalRequest (403)');
    const failed = await t.fx.approvals.request(refused.id, 'sam');
    expect(failed.approval).toMatchObject({
      state: 'request-failed',
      requestId: null,
      error: 'missing permission createApprovalRequest (403)',
    });
    const retried = await t.fx.approvals.request(refused.id, 'sam');
    expect(retried.approval).toMatchObject({ state: 'requested', requestId: 'approval-2' });
  });

  it('refuses a second request, an entry that was not refused, an unknown id and a read-only profile', async () => {
    const refused = await refusedFlip();
    await t.fx.approvals.request(refused.id, 'sam');
    await expect(t.fx.approvals.request(refused.id, 'sam')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already open .* \(approval-1\)/),
    });

    const applied = await t.fx.flips.apply({
      flagKey: 'publish-events',
      tenantId: 'globex',
      value: false,
      reason,
      actor: 'sam',
    });
    await expect(t.fx.approvals.request(applied.id, 'sam')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/was not refused pending approval/),
    });
    await expect(t.fx.approvals.request('nope', 'sam')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const another = await refusedFlip();
    t.fx.state.readOnly = true;
    await expect(t.fx.approvals.request(another.id, 'sam')).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(t.fx.provider.approvals).toHaveLength(1);
  });
});

describe('ApprovalService: a request goes only to the profile the change was refused in', () => {
  const t = useFlipFixture();
  const prod = { profile: 'ld-prod', environment: 'production' };

  async function refusedIn(origin: typeof prod) {
    await t.fx.close();
    t.fx = await openFlipFixture({ dataDir: t.dir, origin });
    t.fx.provider.failWrites(new NeedsApprovalError('requires approval (405)'));
    return t.fx.flips.apply({
      flagKey: 'publish-events',
      tenantId: 'acme',
      value: false,
      reason,
      actor: 'dana',
    });
  }

  it('refuses an entry refused in another profile or environment of the same provider kind', async () => {
    const refused = await refusedIn(prod);
    expect(refused).toMatchObject({ profile: 'ld-prod', environment: 'production' });
    const staging = new ApprovalService({
      provider: t.fx.provider,
      audit: t.fx.audit,
      isReadOnly: () => false,
      origin: { profile: 'ld-staging', environment: 'staging' },
    });
    await expect(staging.request(refused.id, 'sam')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `publish-events for acme (${refused.id}) was refused in profile "ld-prod" (environment production), not in the active profile "ld-staging" (environment staging): switch to profile "ld-prod" to request its approval`,
    });
    expect(t.fx.provider.approvals).toEqual([]);
    // the profile it came from may
    expect((await t.fx.approvals.request(refused.id, 'sam')).approval?.state).toBe('requested');
  });

  it('refuses an entry that does not name its profile (recorded by an older version)', async () => {
    const refused = await refusedIn(prod);
    await t.fx.audit.append({ ...refused, id: 'old-entry', profile: null, environment: null });
    await expect(t.fx.approvals.request('old-entry', 'sam')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/recorded without its profile.*make the change again here/),
    });
    expect(t.fx.provider.approvals).toEqual([]);
  });
});
