import { randomUUID } from 'node:crypto';
import { ApiError, type AuditEntry, type FlagInfo, reasonSchema } from '../api';
import type { FlagProvider } from '../flags/flag-provider';
import type { AuditLog } from './audit-log';
import { recordOrRefuse } from './audit-record';
import { type Now, systemNow } from './clock';
import { errorText } from './error-text';
import { failed, writeError } from './flip-service';
import { KeyedQueue } from './keyed-queue';

export interface FlagToggleRequest {
  flagKey: string;
  enabled: boolean;
  reason: string;
  actor: string;
}

export interface FlagToggleServiceOptions {
  provider: FlagProvider;
  audit: Pick<AuditLog, 'append'>;
  /** the active profile is read-only */
  isReadOnly(): boolean;
  now?: Now;
  newId?: () => string;
}

/**
 * Turns a flag on or off for everyone in the provider's environment, the same safe way as a tenant
 * flip: refuse bad requests changing nothing, record the intent durably, write, read back, record
 * the outcome. No time box here: a flag-wide change is an incident decision that someone undoes on
 * purpose, and a silent automatic re-enable of every tenant would be the worse surprise.
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

  private async applyInOrder(request: FlagToggleRequest): Promise<AuditEntry> {
    const flag = await this.validate(request);
    const intent = await this.recordIntent(request, flag.enabled);
    const { flagKey, enabled, actor, reason } = request;
    try {
      await this.options.provider.setFlagEnabled(flagKey, enabled, { actor, reason, auditId: intent.id });
    } catch (error) {
      const { error: text, approvalRequired } = writeError(error);
      return this.conclude(intent, failed(text, approvalRequired));
    }
    const confirmation = await this.confirm(request);
    if (confirmation !== null) return this.conclude(intent, failed(confirmation));
    return this.conclude(intent, {
      outcome: 'applied',
      error: null,
      confirmedAt: new Date(this.now()).toISOString(),
      revertAt: null,
      approval: null,
    });
  }

  private async validate(request: FlagToggleRequest): Promise<FlagInfo> {
    const { flagKey, enabled } = request;
    const state = enabled ? 'on' : 'off';
    if (this.options.isReadOnly()) {
      throw new ApiError('READ_ONLY', `the profile is read-only: ${flagKey} was not turned ${state}`);
    }
    const reason = reasonSchema.safeParse(request.reason);
    if (!reason.success) {
      const issues = reason.error.issues.map((i) => `reason: ${i.message}`);
      throw new ApiError('INVALID_INPUT', `invalid change: ${issues.join('; ')}`, issues);
    }
    const flag = (await this.listFlags()).find((candidate) => candidate.key === flagKey);
    if (!flag) throw new ApiError('NOT_FOUND', `unknown flag "${flagKey}"`);
    return flag;
  }

  private async listFlags(): Promise<FlagInfo[]> {
    try {
      return await this.options.provider.listFlags();
    } catch (error) {
      throw new ApiError('PROVIDER_ERROR', `could not list flags: ${errorText(error)}; nothing was changed`);
    }
  }

  private recordIntent(request: FlagToggleRequest, previous: boolean): Promise<AuditEntry> {
    const intent: AuditEntry = {
      id: this.newId(),
      at: new Date(this.now()).toISOString(),
      actor: request.actor,
      action: 'set-flag-enabled',
      flagKey: request.flagKey,
      tenantId: null,
      value: request.enabled,
      previous,
      reason: request.reason,
      timeboxMs: null,
      revertAt: null,
      provider: this.options.provider.kind,
      outcome: 'pending',
      error: null,
      confirmedAt: null,
      effect: null,
      approval: null,
    };
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
