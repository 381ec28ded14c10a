import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type AuditAction,
  type AuditEntry,
  type FlagInfo,
  type FlagValue,
  type TenantAuditEntry,
} from '../api';
import { errorText } from '../errors/error-text';
import type { FlagProvider } from '../flags/flag-provider';
import { type ArmedTimeBox, armTimeBox, cancelTimeBox, failedWithTimeBox } from './armed-time-box';
import type { AuditLog } from './audit-log';
import { recordOrRefuse } from './audit-record';
import { type ChangeOrigin, madeOnStore, NO_ORIGIN } from './change-origin';
import {
  checkReasonAndTimebox,
  failed,
  findFlag,
  guardReadOnly,
  type Outcome,
  pendingEntry,
  type RevertScheduler,
  recordedReason,
  refuseReplacedRevert,
  writeContext,
} from './change-steps';
import { whileInFlight } from './changes-in-flight';
import { type Now, systemNow } from './clock';
import { durationText } from './duration-text';
import type { EffectWatch } from './effect-tracker';
import { checkFlagValue } from './flag-value-check';
import { flagValueText } from './flag-value-text';
import { type InterruptedChangeSettler, settleInterrupted } from './interrupted-changes';
import { KeyedQueue } from './keyed-queue';
import type { PendingRevert } from './pending-revert';
import { switchKey } from './tenant-switch';
import { settleWriteError } from './write-verdict';

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
  /** apply over changes pending at the provider that conflict with this one (a person chose to) */
  ignoreConflicts?: boolean;
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
  /** the active profile and environment, recorded on every entry (default: none named) */
  origin?: ChangeOrigin;
  now?: Now;
  newId?: () => string;
}

type Served = { value: FlagValue; error: null } | { value: null; error: string };

/**
 * Sets one flag for one tenant with a reason, the safe way: validate (changing nothing), record the
 * intent durably and arm its time box beside it, write to the provider, read back what it serves,
 * record the outcome — a failure is recorded with its cause, never dropped; a write that raised but
 * landed is recorded as applied, with the error as a warning — then settle the time boxes (Switchboard's
 * and the provider's own) and watch the effect. Flips of the same tenant switch run one at a time.
 */
export class FlipService implements InterruptedChangeSettler {
  private readonly queue = new KeyedQueue();
  private readonly now: Now;
  private readonly newId: () => string;
  readonly origin: ChangeOrigin;

  constructor(private readonly options: FlipServiceOptions) {
    this.now = options.now ?? systemNow;
    this.newId = options.newId ?? randomUUID;
    this.origin = options.origin ?? NO_ORIGIN;
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

  /**
   * Settle an entry an earlier run left 'pending' (see interrupted-changes.ts), in the switch's queue;
   * null when it is not a tenant change on this flag store.
   */
  settleInterrupted(entry: AuditEntry): Promise<AuditEntry> | null {
    const { tenantId } = entry;
    if (tenantId === null || !this.owns(entry)) return null;
    const { provider, reverts, audit } = this.options;
    return this.queue.run(switchKey(entry.flagKey, tenantId), () =>
      settleInterrupted(entry, {
        served: () => provider.servedValue(entry.flagKey, tenantId),
        label: provider.label,
        reverts,
        audit,
        now: this.now,
        afterApplied: (settled) =>
          this.settleNativeRevert({ ...settled, tenantId }, reverts.pendingFor(entry.flagKey, tenantId)),
      }),
    );
  }

  private owns(entry: AuditEntry): boolean {
    return madeOnStore(entry, this.options.provider.kind, this.origin);
  }

  private async applyInOrder(asked: FlipRequest): Promise<AuditEntry> {
    this.refuseReplacedRevert(asked);
    const request = guardReadOnly(
      asked,
      this.options.isReadOnly(),
      () =>
        new ApiError(
          'READ_ONLY',
          `the profile is read-only: ${asked.flagKey} for ${asked.tenantId} was not changed`,
        ),
    );
    const flag = await this.validate(request);
    const before = this.options.effects?.rateNow(request.tenantId) ?? null;
    const served = await this.readServed(request);
    const intent = await this.recordIntent(request, served.value);
    return whileInFlight(intent.id, async () => {
      if (served.error !== null) {
        return this.conclude(
          intent,
          failed(`could not read the current value: ${served.error}; the flag was not changed`),
        );
      }
      const flipAt = this.now();
      const entry = await this.carryOut(request, intent, served.value, before);
      if (before !== null && entry.outcome === 'applied') {
        this.options.effects?.watch(entry, { before, flipAt, expectZero: stopsTraffic(flag, request.value) });
      }
      return entry;
    });
  }

  /**
   * Time box, write, read-back, outcome: the part after the intent is on disk. An applied entry whose
   * effect will be watched (the tenant's rate `before` is known) says so, so that a restart can tell.
   */
  private async carryOut(
    request: FlipRequest,
    intent: TenantAuditEntry,
    previous: FlagValue,
    before: number | null,
  ): Promise<TenantAuditEntry> {
    const armed = await armTimeBox(this.options.reverts, intent, previous);
    const landed = await this.writeAndReadBack(request, intent, armed);
    if ('outcome' in landed) return landed;
    const notes = [
      landed.note,
      armed?.note ?? null,
      armed ? null : await cancelTimeBox(this.options.reverts, intent),
      await this.settleNativeRevert(intent, armed?.revert ?? null),
    ];
    return this.conclude(intent, {
      outcome: 'applied',
      error: notes.filter((note) => note !== null).join('; ') || null,
      confirmedAt: new Date(this.now()).toISOString(),
      revertAt: intent.revertAt,
      approval: null,
      ...(before === null ? {} : { measuringFrom: before }),
    });
  }

  /**
   * Write, then judge by what the provider serves: `{note}` when the tenant is served the value (note:
   * a warning, or null), else the concluded failed entry — its time box withdrawn unless the change
   * may have landed after all.
   */
  private async writeAndReadBack(
    request: FlipRequest,
    intent: TenantAuditEntry,
    armed: ArmedTimeBox | null,
  ): Promise<{ note: string | null } | TenantAuditEntry> {
    const writeError = await this.write(request, intent.id);
    if (writeError !== null) {
      const settled = await settleWriteError(
        writeError,
        request.value,
        () => this.options.provider.servedValue(request.flagKey, request.tenantId),
        armed,
      );
      return 'note' in settled ? settled : this.conclude(intent, settled.failure);
    }
    const confirmation = await this.confirm(request);
    if (confirmation.error === null) return { note: null };
    return this.conclude(intent, await failedWithTimeBox(armed, confirmation.error, confirmation.unsure));
  }

  private refuseReplacedRevert(request: FlipRequest): void {
    refuseReplacedRevert(this.options.reverts, request.flagKey, request.tenantId, request.revertOf);
  }

  /** Flag, tenant, value — in that order (read-only came before); nothing is written when any fails. */
  private async validate(request: FlipRequest): Promise<FlagInfo> {
    const { flagKey, tenantId } = request;
    const flag = await findFlag(this.options.provider, flagKey);
    // A revert's tenant was accepted when its time box was set; at a start it may not have been seen
    // in traffic yet (tenants only the traffic names), and refusing would only delay the revert.
    if (request.revertOf === undefined && !this.options.tenantExists(tenantId)) {
      throw new ApiError('NOT_FOUND', `unknown tenant "${tenantId}"`);
    }
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
    const { actor, flagKey, tenantId, value } = request;
    const intent = pendingEntry<TenantAuditEntry>(
      {
        id: this.newId(),
        actor,
        action: request.action ?? 'set-tenant-flag',
        flagKey,
        tenantId,
        value,
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
      (cause) =>
        `the audit record could not be written (${cause}): ${request.flagKey} for ${request.tenantId} was not changed`,
    );
  }

  /** null when written, else what the provider threw. */
  private async write(request: FlipRequest, auditId: string): Promise<unknown> {
    const { flagKey, tenantId, value } = request;
    try {
      await this.options.provider.setTenantValue(flagKey, tenantId, value, writeContext(request, auditId));
      return null;
    } catch (error) {
      return error ?? new Error('the provider failed without a reason');
    }
  }

  // The write resolving is not proof: another writer may have won the race, or a rule may shadow
  // the override. Only what the provider serves counts, and a mismatch is reported, never hidden.
  private async confirm(request: FlipRequest): Promise<{ error: null } | { error: string; unsure: boolean }> {
    try {
      const served = await this.options.provider.servedValue(request.flagKey, request.tenantId);
      if (served === request.value) return { error: null };
      return { error: `provider still serves ${flagValueText(served)}`, unsure: false };
    } catch (error) {
      return { error: `written, but the provider could not confirm it: ${errorText(error)}`, unsure: true };
    }
  }

  /**
   * The provider's own revert, where it has one (LaunchDarkly's expiring targets): it reverts even
   * while Switchboard is closed, and our time box then finds nothing to do. With a time box, schedule
   * (or move) it; without one — or when the provider cannot do this one — withdraw any earlier
   * schedule, which would otherwise undo this change at its old time. null when done, else a note.
   */
  private async settleNativeRevert(
    entry: TenantAuditEntry,
    revert: PendingRevert | null,
  ): Promise<string | null> {
    const { provider } = this.options;
    const { flagKey, tenantId } = entry;
    let scheduleError: string | null = null;
    if (revert) {
      try {
        const at = Date.parse(revert.revertAt);
        if (await provider.scheduleNativeRevert(flagKey, tenantId, revert.revertTo, at)) return null;
      } catch (error) {
        scheduleError = `${provider.label} could not schedule its own revert (${errorText(error)}); Switchboard's time box reverts it while Switchboard runs`;
      }
    }
    if (!provider.cancelNativeRevert) return scheduleError;
    try {
      await provider.cancelNativeRevert(flagKey, tenantId);
      return scheduleError;
    } catch (error) {
      const when = revert ? 'at its earlier time' : 'although this change has no time box';
      const cancelError = `an earlier revert scheduled in ${provider.label} could not be withdrawn (${errorText(error)}): it may still revert ${tenantId} ${when} — remove it there`;
      return scheduleError === null ? cancelError : `${scheduleError}; ${cancelError}`;
    }
  }

  private conclude(
    intent: TenantAuditEntry,
    outcome: Outcome & Pick<AuditEntry, 'measuringFrom'>,
  ): Promise<TenantAuditEntry> {
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
