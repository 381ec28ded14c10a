/**
 * For a change the provider refused pending approval (LaunchDarkly's 405): say so, and offer to ask
 * its reviewers. The state comes from the audit entry itself, so it survives a reload.
 */
import { useState } from 'react';
import type { AuditEntry } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { formatDateTime } from '../../app/format';
import { requestApproval } from './actions-store';

export function ApprovalAction({ entry }: { entry: AuditEntry }) {
  const { client } = useApp();
  const readOnly = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.readOnly ?? false,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const approval = entry.approval;
  if (!approval) return null;
  if (approval.state === 'requested') {
    return (
      <div className="approval approval--requested" data-testid="approval-state" data-state="requested">
        <span>
          Approval requested by {approval.requestedBy}
          {approval.requestedAt ? ` at ${formatDateTime(Date.parse(approval.requestedAt))}` : ''}: a reviewer
          applies it at {entry.provider}.{' '}
          <span className="dim" title="the provider's id of the approval request">
            Request <span className="mono">{approval.requestId}</span>
          </span>
        </span>
      </div>
    );
  }
  const ask = async () => {
    setBusy(true);
    setError(await requestApproval(client, entry.id));
    setBusy(false);
  };
  const failure = error ?? (approval.state === 'request-failed' ? approval.error : null);
  return (
    <div className="approval" data-testid="approval-state" data-state={approval.state}>
      <span>This change needs approval at {entry.provider}.</span>{' '}
      <button
        type="button"
        className="btn btn--small"
        data-testid="approval-request"
        disabled={busy || readOnly}
        onClick={ask}
      >
        {busy ? 'Requesting…' : failure ? 'Try again: request approval' : 'Request approval'}
      </button>
      {failure ? <div className="audit-item__error">Approval request failed: {failure}</div> : null}
    </div>
  );
}
