import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlagProviderError } from '../flags/flag-provider';
import { openFlipFixture } from './testing/flip-fixture';
import { NeedsApprovalError } from './testing/memory-flag-provider';
import { makeTempDir } from './testing/temp-dir';

const reason = 'acme is flooding the broker';

describe('ApprovalService: a refused change becomes an approval request', () => {
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

  async function refusedFlip() {
    fx.provider.failWrites(new NeedsApprovalError('requires approval (405)'));
    return fx.flips.apply({
      flagKey: 'publish-events',
      tenantId: 'acme',
      value: false,
      reason,
      actor: 'dana',
    });
  }

  it('opens a request for the refused tenant change and records it on the same entry, durably', async () => {
    const refused = await refusedFlip();
    const entry = await fx.approvals.request(refused.id, 'sam');

    expect(fx.provider.approvals).toEqual([
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
    await fx.audit.close();
    const { AuditLog } = await import('./audit-log');
    const reopened = await AuditLog.open({ dataDir: dir });
    expect(reopened.get(refused.id)?.approval?.state).toBe('requested');
    await reopened.close();
  });

  it('asks for a flag-wide change as such', async () => {
    fx.provider.failWrites(new NeedsApprovalError('requires approval (405)'));
    const refused = await fx.toggles.apply({
      flagKey: 'publish-events',
      enabled: false,
      reason,
      actor: 'dana',
    });
    await fx.approvals.request(refused.id, 'dana');
    expect(fx.provider.approvals[0]?.change).toEqual({
      kind: 'flag-enabled',
      flagKey: 'publish-events',
      enabled: false,
    });
  });

  it('records a failed request with its cause, and lets the person try again', async () => {
    const refused = await refusedFlip();
    fx.provider.approvalFailure = new FlagProviderError('missing permission createApprovalRequest (403)');
    const failed = await fx.approvals.request(refused.id, 'sam');
    expect(failed.approval).toMatchObject({
      state: 'request-failed',
      requestId: null,
      error: 'missing permission createApprovalRequest (403)',
    });
    const retried = await fx.approvals.request(refused.id, 'sam');
    expect(retried.approval).toMatchObject({ state: 'requested', requestId: 'approval-2' });
  });

  it('refuses a second request, an entry that was not refused, an unknown id and a read-only profile', async () => {
    const refused = await refusedFlip();
    await fx.approvals.request(refused.id, 'sam');
    await expect(fx.approvals.request(refused.id, 'sam')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already open .* \(approval-1\)/),
    });

    const applied = await fx.flips.apply({
      flagKey: 'publish-events',
      tenantId: 'globex',
      value: false,
      reason,
      actor: 'sam',
    });
    await expect(fx.approvals.request(applied.id, 'sam')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/was not refused pending approval/),
    });
    await expect(fx.approvals.request('nope', 'sam')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const another = await refusedFlip();
    fx.state.readOnly = true;
    await expect(fx.approvals.request(another.id, 'sam')).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(fx.provider.approvals).toHaveLength(1);
  });
});
