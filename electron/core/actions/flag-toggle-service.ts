import { randomUUID } from 'node:crypto';
import { ApiError, type AuditAction, type AuditEntry, type FlagInfo } from '../api';
import { errorText } from '../errors/error-text';
import type { FlagProvider } from '../flags/flag-provider';
import { type ArmedTimeBox, armTimeBox, cancelTimeBox, failedWithTimeBox } from './armed-time-box';
import type { AuditLog } from './audit-log';
import { recordOrRefuse } from './audit-record';
import { type ChangeOrigin, madeOnStore, NO_ORIGIN } from './change-origin';
import {
  checkReasonAndTimebox,
  currentFlag,
  findFlag,
  guardReadOnly,
  pendingEntry,
  type RevertScheduler,
  recordedReason,
  refuseReplacedRevert,
  writeContext,
} from './change-steps';
import { whileInFlight } from './changes-in-flight';
import { type Now, systemNow } from './clock';
import { durationText } from './duration-text';
import { type InterruptedChangeSettler, settleInterrupted } from './interrupted-changes';
import { KeyedQueue } from './keyed-queue';
import type { PendingRevert } from './pending-revert';
import { settleWriteError } from './write-verdict';

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
  /** apply over changes pending at the provider that conflict with this one (a person chose to) */
  ignoreConflicts?: boolean;
}

export interface FlagToggleServiceOptions {
  provider: FlagProvider;
  audit: Pick<AuditLog, 'append'>;
  /** the active profile is read-only */
  isReadOnly(): boolean;
  /** the same time box as tenant switches, under tenant null */
  reverts: RevertScheduler;
  /** the active profile and environment, recorded on every entry (default: none named) */
  origin?: ChangeOrigin;
  now?: Now;
  newId?: () => string;
}

/**
 * Turns a flag on or off for everyone in the provider's environment, the same safe way as a tenant
 * flip: refuse bad requests changing nothing, record the intent durably with its time box armed
 * beside it (kept by Switchboard: no provider expires an on/off), write, read back, record the
 * outcome — a write that raised but landed is applied, with the error as a warning.
 */
export class FlagToggleService implements InterruptedChangeSettler {
  private readonly queue = new KeyedQueue();
  private readonly now: Now;
  private readonly newId: () => string;
  readonly origin: ChangeOrigin;

  constructor(private readonly options: FlagToggleServiceOptions) {
    this.now = options.now ?? systemNow;
    this.newId = options.newId ?? randomUUID;
    this.origin = options.origin ?? NO_ORIGIN;
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

  /** Settle a flag-wide entry an earlier run left 'pending'; null when it is not this flag store's. */
  settleInterrupted(entry: AuditEntry): Promise<AuditEntry> | null {
    const { provider, reverts, audit } = this.options;
    if (entry.tenantId !== null || !madeOnStore(entry, provider.kind, this.origin)) return null;
    return this.queue.run(entry.flagKey, () =>
      settleInterrupted(entry, {
        served: () => this.enabledNow(entry.flagKey),
        label: provider.label,
        reverts,
        audit,
        now: this.now,
      }),
    );
  }

  private async applyInOrder(asked: FlagToggleRequest): Promise<AuditEntry> {
    refuseReplacedRevert(this.options.reverts, asked.flagKey, null, asked.revertOf);
    const state = asked.enabled ? 'on' : 'off';
    const request = guardReadOnly(
      asked,
      this.options.isReadOnly(),
      () => new ApiError('READ_ONLY', `the profile is read-only: ${asked.flagKey} was not turned ${state}`),
    );
    // read before the write: a provider may hand out the very object it then changes
    const wasEnabled = (await this.validate(request)).enabled;
    const intent = await this.recordIntent(request, wasEnabled);
    return whileInFlight(intent.id, async () => {
      const armed = await armTimeBox(this.options.reverts, intent, wasEnabled);
      const landed = await this.writeAndReadBack(request, intent, armed);
      if ('outcome' in landed) return landed;
      const notes = [
        landed.note,
        armed?.note ?? null,
        armed ? null : await cancelTimeBox(this.options.reverts, intent),
      ];
      return this.conclude(intent, {
        outcome: 'applied',
        error: notes.filter((note) => note !== null).join('; ') || null,
        confirmedAt: new Date(this.now()).toISOString(),
        approval: null,
      });
    });
  }

  /** `{note}` when the flag is now in the asked state, else the concluded failed entry. */
  private async writeAndReadBack(
    request: FlagToggleRequest,
    intent: AuditEntry,
    armed: ArmedTimeBox | null,
  ): Promise<{ note: string | null } | AuditEntry> {
    const { flagKey, enabled } = request;
    try {
      await this.options.provider.setFlagEnabled(flagKey, enabled, writeContext(request, intent.id));
    } catch (error) {
      const settled = await settleWriteError(error, enabled, () => this.enabledNow(flagKey), armed);
      return 'note' in settled ? settled : this.conclude(intent, settled.failure);
    }
    const confirmation = await this.confirm(request);
    if (confirmation === null) return { note: null };
    return this.conclude(intent, await failedWithTimeBox(armed, confirmation.error, confirmation.unsure));
  }

  /** The flag's on/off as the provider has it now (one flag read where it can). */
  private async enabledNow(flagKey: string): Promise<boolean> {
    const flag = await currentFlag(this.options.provider, flagKey);
    if (!flag) throw new Error(`${flagKey} is no longer in ${this.options.provider.label}`);
    return flag.enabled;
  }

  private async validate(request: FlagToggleRequest): Promise<FlagInfo> {
    checkReasonAndTimebox(request);
    return findFlag(this.options.provider, request.flagKey);
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
        reason: recordedReason(request),
        provider: this.options.provider.kind,
        ...this.origin,
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
  private async confirm(request: FlagToggleRequest): Promise<{ error: string; unsure: boolean } | null> {
    try {
      const flag = await currentFlag(this.options.provider, request.flagKey);
      if (flag?.enabled === request.enabled) return null;
      const now = flag ? (flag.enabled ? 'on' : 'off') : 'missing';
      return {
        error: `the provider reports ${request.flagKey} ${now} after the write: someone else changed it at the same time`,
        unsure: false,
      };
    } catch (error) {
      return { error: `written, but the provider could not confirm it: ${errorText(error)}`, unsure: true };
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
