import { randomUUID } from 'node:crypto';
import { ApiError, type AuditAction, type AuditEntry, type FlagInfo } from '../api';
import type { FlagProvider } from '../flags/flag-provider';
import type { AuditLog } from './audit-log';
import { recordOrRefuse } from './audit-record';
import {
  checkReasonAndTimebox,
  failed,
  findFlag,
  pendingEntry,
  type RevertScheduler,
  refuseReplacedRevert,
  updateTimeBox,
  writeError,
} from './change-steps';
import { type Now, systemNow } from './clock';
import { durationText } from './duration-text';
import { errorText } from './error-text';
import { KeyedQueue } from './keyed-queue';
import type { PendingRevert } from './pending-revert';

export interface FlagToggleRequest {
  flagKey: string;
  enabled: boolean;
  reason: string;
  /** turn it back automatically after this long */
  timeboxMs?: number | null;
  actor: string;
  action?: AuditAction;
  /** Set by time-box reverts: the time-boxed change's audit id. Refused when that time box was replaced. */
  revertOf?: string;
}

export interface FlagToggleServiceOptions {
  provider: FlagProvider;
  audit: Pick<AuditLog, 'append'>;
  /** the active profile is read-only */
  isReadOnly(): boolean;
  /** the same time box as tenant switches, under tenant null */
  reverts: RevertScheduler;
  now?: Now;
  newId?: () => string;
}

/**
 * Turns a flag on or off for everyone in the provider's environment, the same safe way as a tenant
 * flip: refuse bad requests changing nothing, record the intent durably, write, read back, record
 * the outcome, then arm or cancel the time box (kept by Switchboard: no provider expires an on/off).
 */
export class FlagToggleService {
  private readonly queue = new KeyedQueue();
  private readonly now: Now;
  private readonly newId: () => string;

  constructor(private readonly options: FlagToggleServiceOptions) {
    this.now = options.now ?? systemNow;
    this.newId = options.newId ?? randomUUID;
  }

  apply(request: FlagToggleRequest): Promise<AuditEntry> {
    return this.queue.run(request.flagKey, () => this.applyInOrder(request));
  }

  /** Run an expired flag-wide time box's revert through the same path (TimeBox calls this). */
  revert(pending: PendingRevert): Promise<AuditEntry> {
    return this.apply({
      flagKey: pending.flagKey,
      enabled: pending.revertTo === true,
      reason: `time box expired (${durationText(pending.timeboxMs)}) for ${pending.auditId}`,
      actor: 'system',
      action: 'revert',
      revertOf: pending.auditId,
    });
  }

  private async applyInOrder(request: FlagToggleRequest): Promise<AuditEntry> {
    refuseReplacedRevert(this.options.reverts, request.flagKey, null, request.revertOf);
    // read before the write: a provider may hand out the very object it then changes
    const wasEnabled = (await this.validate(request)).enabled;
    const intent = await this.recordIntent(request, wasEnabled);
    const { flagKey, enabled, actor, reason } = request;
    try {
      await this.options.provider.setFlagEnabled(flagKey, enabled, { actor, reason, auditId: intent.id });
    } catch (error) {
      const { error: text, approvalRequired } = writeError(error);
      return this.conclude(intent, failed(text, approvalRequired));
    }
    const confirmation = await this.confirm(request);
    if (confirmation !== null) return this.conclude(intent, failed(confirmation));
    const confirmedAt = new Date(this.now()).toISOString();
    const timeBoxNote = await updateTimeBox(this.options.reverts, intent, wasEnabled);
    return this.conclude(intent, { outcome: 'applied', error: timeBoxNote, confirmedAt, approval: null });
  }

  private async validate(request: FlagToggleRequest): Promise<FlagInfo> {
    const { flagKey, enabled } = request;
    const state = enabled ? 'on' : 'off';
    if (this.options.isReadOnly()) {
      throw new ApiError('READ_ONLY', `the profile is read-only: ${flagKey} was not turned ${state}`);
    }
    checkReasonAndTimebox(request);
    return findFlag(this.options.provider, flagKey);
  }

  private recordIntent(request: FlagToggleRequest, previous: boolean): Promise<AuditEntry> {
    const intent = pendingEntry<AuditEntry>(
      {
        id: this.newId(),
        actor: request.actor,
        action: request.action ?? 'set-flag-enabled',
        flagKey: request.flagKey,
        tenantId: null,
        value: request.enabled,
        previous,
        reason: request.reason,
        provider: this.options.provider.kind,
      },
      this.now(),
      request.timeboxMs ?? null,
    );
    return recordOrRefuse(
      this.options.audit,
      intent,
      (cause) => `the audit record could not be written (${cause}): ${request.flagKey} was not changed`,
    );
  }

  /** null when the provider now reports the flag in the asked state, else why not. */
  private async confirm(request: FlagToggleRequest): Promise<string | null> {
    try {
      const flag = (await this.options.provider.listFlags()).find((f) => f.key === request.flagKey);
      if (flag?.enabled === request.enabled) return null;
      const now = flag ? (flag.enabled ? 'on' : 'off') : 'missing';
      return `the provider reports ${request.flagKey} ${now} after the write: someone else changed it at the same time`;
    } catch (error) {
      return `written, but the provider could not confirm it: ${errorText(error)}`;
    }
  }

  private conclude(intent: AuditEntry, outcome: Partial<AuditEntry>): Promise<AuditEntry> {
    return recordOrRefuse(
      this.options.audit,
      { ...intent, ...outcome },
      (cause) =>
        `${intent.flagKey} for everyone ended ${outcome.outcome}, but the audit could not record it: ${cause}`,
    );
  }
}
