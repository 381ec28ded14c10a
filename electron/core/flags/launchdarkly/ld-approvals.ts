/**
 * LaunchDarkly's approval requests: where an environment requires approval, a write is refused with
 * 405 and the same semantic patch can be sent for review instead; a reviewer approves and applies it
 * in LaunchDarkly.
 */
import type { ProposedChange, WriteContext } from '../flag-provider';
import { approvalRequestsPath } from './ld-api-paths';
import type { LdClient } from './ld-client';
import { LaunchDarklyError } from './ld-errors';
import type { LdFlagView } from './ld-flag-view';
import { commentOf } from './ld-flag-writes';
import { approvalRequestSchema, type LdInstruction } from './ld-schemas';
import { type LdScope, tenantContext } from './ld-scope';
import { planTenantValue } from './ld-tenant-plan';

export interface ApprovalRequestResult {
  id: string;
  status: string;
  reviewStatus: string;
}

/**
 * The refused change planned again from the flag as it is now, sent for approval with the reason as
 * its comment. Refused when the flag already serves what was asked (there is nothing to approve).
 */
export async function requestApprovalOf(
  client: LdClient,
  scope: LdScope,
  change: ProposedChange,
  ctx: WriteContext,
  readFlag: (flagKey: string) => Promise<LdFlagView>,
): Promise<ApprovalRequestResult> {
  const instructions: LdInstruction[] =
    change.kind === 'flag-enabled'
      ? [{ kind: change.enabled ? 'turnFlagOn' : 'turnFlagOff' }]
      : planTenantValue(
          await readFlag(change.flagKey),
          scope.environment,
          tenantContext(scope, change.tenantId),
          change.value,
        ).instructions;
  if (instructions.length === 0) {
    throw new LaunchDarklyError(
      `${change.flagKey} already serves what was asked in ${scope.environment}: no approval is needed`,
      'invalid',
    );
  }
  return openApprovalRequest(client, scope, change.flagKey, instructions, commentOf(ctx));
}

/** Open an approval request for these instructions (those of a write refused with 405). */
export async function openApprovalRequest(
  client: LdClient,
  scope: LdScope,
  flagKey: string,
  instructions: readonly LdInstruction[],
  comment: string,
  options: { description?: string; notifyMemberIds?: string[] } = {},
): Promise<ApprovalRequestResult> {
  const answer = await client.request(
    {
      method: 'POST',
      path: approvalRequestsPath(scope, flagKey),
      body: {
        description: options.description ?? `Switchboard: ${comment}`.slice(0, 5_000),
        comment,
        instructions,
        notifyMemberIds: options.notifyMemberIds ?? [],
      },
      what: `open an approval request for ${flagKey} in ${scope.environment}`,
      permission: 'createApprovalRequest',
      flagKey,
    },
    approvalRequestSchema,
  );
  return { id: answer._id, status: answer.status, reviewStatus: answer.reviewStatus };
}
