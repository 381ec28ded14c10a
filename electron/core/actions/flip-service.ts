import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type AuditAction,
  type AuditEntry,
  type FlagInfo,
  type FlagValue,
  type TenantAuditEntry,
} from '../api';
import type { FlagProvider } from '../flags/flag-provider';
import type { AuditLog } from './audit-log';
import { recordOrRefuse } from './audit-record';
import {
  checkReasonAndTimebox,
  failed,
  findFlag,
  type Outcome,
  pendingEntry,
  type RevertScheduler,
  refuseReplacedRevert,
  updateTimeBox,
  type WriteError,
  writeError,
} from './change-steps';
import { type Now, systemNow } from './clock';
import { durationText } from './duration-text';
import type { EffectWatch } from './effect-tracker';
import { errorText } from './error-text';
import { checkFlagValue } from './flag-value-check';
import { flagValueText } from './flag-value-text';
import { KeyedQueue } from './keyed-queue';
import type { PendingRevert } from './pending-revert';
import { switchKey } from './tenant-switch';

export interface FlipRequest {
  flagKey: string;
  tenantId: string;
  value: FlagValue;
  reason: string;
  /** revert automatically after this long */
  timeboxMs?: number | null;
  actor: string;
  action?: AuditAction;
  /** Set by time-box reverts: the time-boxed flip's audit id. Refused when that time box was replaced. */
  revertOf?: string;
}

/** The part of the effect tracker the flip path drives (EffectTracker implements it). */
export interface EffectWatcher {
  rateNow(tenantId: string): number | null;
  watch(entry: TenantAuditEntry, watch: EffectWatch): void;
}

export interface FlipServiceOptions {
  provider: FlagProvider;
  audit: Pick<AuditLog, 'append'>;
  tenantExists(tenantId: string): boolean;
  /** the active profile is read-only */
  isReadOnly(): boolean;
  reverts: RevertScheduler;
  effects?: EffectWatcher;
  now?: Now;
  newId?: () => string;
}

type Served = { value: FlagValue; error: null } | { value: null; error: string };

/**
 * Sets one flag for one tenant with a reason, the safe way: validate (changing nothing), record the
 * intent durably, write to the provider, read back what it serves, record the outcome — a failure is
 * recorded with its cause, never dropped — then arm or cancel the time box and watch the effect.
 * Flips of the same tenant switch run one at a time.
 */
export class FlipService {
  private readonly queue = new KeyedQueue();
  private readonly now: Now;
  private readonly newId: () => string;

  constructor(private readonly options: FlipServiceOptions) {
    this.now = options.now ?? systemNow;
    this.newId = options.newId ?? randomUUID;
  }

  /**
   * Rejects with an ApiError (and writes nothing) when the request is refused, or when the intent
   * cannot be recorded; otherwise resolves with the final entry, 'applied' or 'failed'.
   */
  apply(request: FlipRequest): Promise<AuditEntry> {
    return this.queue.run(switchKey(request.flagKey, request.tenantId), () => this.applyInOrder(request));
  }

  /** Run an expired time box's revert through the same path (TimeBox calls this for tenant switches). */
  revert(pending: PendingRevert & { tenantId: string }): Promise<AuditEntry> {
    return this.apply({
      flagKey: pending.flagKey,
      tenantId: pending.tenantId,
      value: pending.revertTo,
      reason: `time box expired (${durationText(pending.timeboxMs)}) for ${pending.auditId}`,
      actor: 'system',
      action: 'revert',
      revertOf: pending.auditId,
    });
  }

  private async applyInOrder(request: FlipRequest): Promise<AuditEntry> {
    this.refuseReplacedRevert(request);
    const flag = await this.validate(request);
    const before = this.options.effects?.rateNow(request.tenantId) ?? null;
    const served = await this.readServed(request);
    const intent = await this.recordIntent(request, served.value);
    if (served.error !== null) {
      return this.conclude(
        intent,
        failed(`could not read the current value: ${served.error}; the flag was not changed`),
      );
    }
    const flipAt = this.now();
    const writeError = await this.write(request, intent.id);
    if (writeError !== null)
      return this.conclude(intent, failed(writeError.error, writeError.approvalRequired));
    const confirmation = await this.confirm(request);
    if (confirmation.error !== null) return this.conclude(intent, failed(confirmation.error));
    const timeBoxNote = await this.updateTimeBox(intent, served.value);
    const entry = await this.conclude(intent, {
      outcome: 'applied',
      error: timeBoxNote,
      confirmedAt: confirmation.confirmedAt,
      revertAt: intent.revertAt,
      approval: null,
    });
    if (before !== null)
      this.options.effects?.watch(entry, { before, flipAt, expectZero: stopsTraffic(flag, request.value) });
    return entry;
  }

  private refuseReplacedRevert(request: FlipRequest): void {
    refuseReplacedRevert(this.options.reverts, request.flagKey, request.tenantId, request.revertOf);
  }

  /** Read-only, flag, tenant, value — in that order; nothing is written when any fails. */
  private async validate(request: FlipRequest): Promise<FlagInfo> {
    const { flagKey, tenantId } = request;
    if (this.options.isReadOnly()) {
      throw new ApiError('READ_ONLY', `the profile is read-only: ${flagKey} for ${tenantId} was not changed`);
    }
    const flag = await findFlag(this.options.provider, flagKey);
    if (!this.options.tenantExists(tenantId)) throw new ApiError('NOT_FOUND', `unknown tenant "${tenantId}"`);
    checkFlagValue(flag, request.value);
    checkReasonAndTimebox(request);
    return flag;
  }

  private async readServed(request: FlipRequest): Promise<Served> {
    try {
      return {
        value: await this.options.provider.servedValue(request.flagKey, request.tenantId),
        error: null,
      };
    } catch (error) {
      return { value: null, error: errorText(error) };
    }
  }

  /** Durable before anything else happens; if the intent cannot be recorded, the provider is not called. */
  private async recordIntent(request: FlipRequest, previous: FlagValue | null): Promise<TenantAuditEntry> {
    const { actor, flagKey, tenantId, value, reason } = request;
    const intent = pendingEntry<TenantAuditEntry>(
      {
        id: this.newId(),
        actor,
        action: request.action ?? 'set-tenant-flag',
        flagKey,
        tenantId,
        value,
        previous,
        reason,
        provider: this.options.provider.kind,
      },
      this.now(),
      request.timeboxMs ?? null,
    );
    return recordOrRefuse(
      this.options.audit,
      intent,
      (cause) =>
        `the audit record could not be written (${cause}): ${request.flagKey} for ${request.tenantId} was not changed`,
    );
  }

  /** null when written, else the provider's reason. */
  private async write(request: FlipRequest, auditId: string): Promise<WriteError | null> {
    const { flagKey, tenantId, value, actor, reason } = request;
    try {
      await this.options.provider.setTenantValue(flagKey, tenantId, value, { actor, reason, auditId });
      return null;
    } catch (error) {
      return writeError(error);
    }
  }

  // The write resolving is not proof: another writer may have won the race, or a rule may shadow
  // the override. Only what the provider serves counts, and a mismatch is reported, never hidden.
  private async confirm(
    request: FlipRequest,
  ): Promise<{ confirmedAt: string; error: null } | { error: string }> {
    try {
      const served = await this.options.provider.servedValue(request.flagKey, request.tenantId);
      if (served === request.value) return { confirmedAt: new Date(this.now()).toISOString(), error: null };
      return { error: `provider still serves ${flagValueText(served)}` };
    } catch (error) {
      return { error: `written, but the provider could not confirm it: ${errorText(error)}` };
    }
  }

  /** Arm (or replace) the time box, or cancel a running one; null when done, else a note for the entry. */
  private updateTimeBox(intent: TenantAuditEntry, previous: FlagValue): Promise<string | null> {
    const { provider } = this.options;
    const { flagKey, tenantId, revertAt } = intent;
    return updateTimeBox(this.options.reverts, intent, previous, (revertTo) =>
      // Where the provider can expire the change itself (LaunchDarkly), it reverts even while
      // Switchboard is closed; our own time box still runs, records the revert, and is then a no-op.
      provider.scheduleNativeRevert(flagKey, tenantId, revertTo, Date.parse(revertAt!)).catch(() => false),
    );
  }

  private conclude(intent: TenantAuditEntry, outcome: Outcome): Promise<TenantAuditEntry> {
    return recordOrRefuse(
      this.options.audit,
      { ...intent, ...outcome },
      (cause) =>
        `${intent.flagKey} for ${intent.tenantId} ended ${outcome.outcome}, but the audit could not record it: ${cause}`,
    );
  }
}

/** A kill switch turned off: the tenant's traffic should fall to zero. */
function stopsTraffic(flag: FlagInfo, value: FlagValue): boolean {
  return flag.kind === 'kill-switch' && value === false;
}
