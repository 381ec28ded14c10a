import { ApiError, type AuditEntry } from '../api';
import { errorText } from '../errors/error-text';
import type { FlagProvider, ProposedChange } from '../flags/flag-provider';
import type { AuditLog } from './audit-log';
import { entrySubject, recordOrRefuse } from './audit-record';
import { type ChangeOrigin, madeIn, NO_ORIGIN, originText } from './change-origin';
import { type Now, systemNow } from './clock';

export interface ApprovalServiceOptions {
  provider: FlagProvider;
  audit: Pick<AuditLog, 'append' | 'get'>;
  isReadOnly(): boolean;
  /** the active profile and environment: an entry made in another is refused (default: none named) */
  origin?: ChangeOrigin;
  now?: Now;
}

/**
 * Turns a change the provider refused pending approval (LaunchDarkly's 405) into an approval request
 * there, on the person's say-so. The request is rebuilt from the audit entry, so it works after a
 * restart too; the outcome is recorded on that same entry.
 */
export class ApprovalService {
  private readonly now: Now;
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: ApprovalServiceOptions) {
    this.now = options.now ?? systemNow;
  }

  async request(auditId: string, actor: string): Promise<AuditEntry> {
    const entry = this.refusedEntry(auditId);
    const { provider } = this.options;
    if (!provider.requestApproval) {
      throw new ApiError('INVALID_INPUT', `${provider.label} has no approval requests`);
    }
    if (this.inFlight.has(auditId))
      throw new ApiError('CONFLICT', `an approval request for ${auditId} is being opened`);
    this.inFlight.add(auditId);
    try {
      const ctx = { actor, reason: entry.reason, auditId };
      const opened = await provider.requestApproval(proposedChange(entry), ctx).then(
        (request) => ({ requestId: request.id, error: null }),
        (error: unknown) => ({ requestId: null, error: errorText(error) }),
      );
      const approval: AuditEntry['approval'] = {
        state: opened.error === null ? 'requested' : 'request-failed',
        ...opened,
        requestedBy: actor,
        requestedAt: new Date(this.now()).toISOString(),
      };
      return await recordOrRefuse(
        this.options.audit,
        { ...entry, approval },
        (cause) => `the approval request's outcome could not be recorded: ${cause}`,
      );
    } finally {
      this.inFlight.delete(auditId);
    }
  }

  private refusedEntry(auditId: string): AuditEntry {
    if (this.options.isReadOnly())
      throw new ApiError('READ_ONLY', 'the profile is read-only: no approval request was opened');
    const entry = this.options.audit.get(auditId);
    if (!entry) throw new ApiError('NOT_FOUND', `unknown audit entry "${auditId}"`);
    const state = entry.approval?.state;
    if (state === 'requested') {
      throw new ApiError(
        'CONFLICT',
        `an approval request is already open for ${entrySubject(entry)} (${entry.approval?.requestId})`,
      );
    }
    if (state !== 'required' && state !== 'request-failed') {
      throw new ApiError(
        'INVALID_INPUT',
        `${entrySubject(entry)} (${auditId}) was not refused pending approval`,
      );
    }
    if (entry.provider !== this.options.provider.kind) {
      throw new ApiError(
        'INVALID_INPUT',
        `${auditId} was refused by ${entry.provider}, not by the active ${this.options.provider.kind} profile`,
      );
    }
    this.refuseOtherOrigin(entry);
    return entry;
  }

  // Two profiles can share a provider kind (LaunchDarkly production and staging): a change refused in
  // one must not become an approval request in the other.
  private refuseOtherOrigin(entry: AuditEntry): void {
    const active = this.options.origin ?? NO_ORIGIN;
    if (madeIn(entry, active)) return;
    const subject = `${entrySubject(entry)} (${entry.id})`;
    if (entry.profile == null) {
      throw new ApiError(
        'INVALID_INPUT',
        `${subject} was recorded without its profile, so it cannot be tied to the active ${originText(active)}: make the change again here to ask for approval`,
      );
    }
    const made = { profile: entry.profile, environment: entry.environment ?? null };
    throw new ApiError(
      'INVALID_INPUT',
      `${subject} was refused in ${originText(made)}, not in the active ${originText(active)}: switch to profile "${entry.profile}" to request its approval`,
    );
  }
}

function proposedChange(entry: AuditEntry): ProposedChange {
  if (entry.tenantId === null) {
    return { kind: 'flag-enabled', flagKey: entry.flagKey, enabled: entry.value === true };
  }
  return { kind: 'tenant-value', flagKey: entry.flagKey, tenantId: entry.tenantId, value: entry.value };
}
