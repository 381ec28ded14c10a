import type { FlagEnvironmentState, FlagInfo, FlagValue, ProviderEvent, TenantFlag } from '../api';

/** Who asked for a write, and why: it reaches the provider's own audit trail where it has one. */
export interface WriteContext {
  actor: string;
  reason: string;
  /** Switchboard's audit id for this action */
  auditId: string;
  /**
   * Apply even though it conflicts with changes pending at the provider (LaunchDarkly's
   * `ignoreConflicts`): set only when a person chose to, after the provider refused over them.
   */
  ignoreConflicts?: boolean;
}

/** A change a provider refused pending approval, as Switchboard's audit entry describes it. */
export type ProposedChange =
  | { kind: 'tenant-value'; flagKey: string; tenantId: string; value: FlagValue }
  | { kind: 'flag-enabled'; flagKey: string; enabled: boolean };

/** An approval request opened at the provider. */
export interface ApprovalRequest {
  id: string;
  status: string;
}

/** A per-tenant view over one flag system (embedded flagd file, Unleash, LaunchDarkly, ...). */
export interface FlagProvider {
  readonly kind: string;
  readonly label: string;
  listFlags(): Promise<FlagInfo[]>;
  /**
   * One flag as the provider has it now, or null when it has no such flag: what a write checks
   * against, without listing every flag. Absent where listing is cheap (a local file): `listFlags` then.
   */
  readFlag?(flagKey: string): Promise<FlagInfo | null>;
  /**
   * Each flag's on/off in every environment the provider has, by flag key. Absent where the provider
   * has one environment (the embedded flagd file).
   */
  environmentStates?(): Promise<Record<string, FlagEnvironmentState[]>>;
  /** Every flag with this tenant's value and where it comes from. */
  tenantFlags(tenantId: string): Promise<TenantFlag[]>;
  /** One flag's value for many tenants at once (the table's switch column). Cheap: no I/O per tenant. */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue>;
  /** Make `value` this tenant's value (an override, or removing one when the default already gives it). */
  setTenantValue(flagKey: string, tenantId: string, value: FlagValue, ctx: WriteContext): Promise<void>;
  /** Read back what the provider now serves to this tenant (the confirmation after a write). */
  servedValue(flagKey: string, tenantId: string): Promise<FlagValue>;
  /** Turn a flag on or off for everyone in the provider's environment. */
  setFlagEnabled(flagKey: string, enabled: boolean, ctx: WriteContext): Promise<void>;
  /**
   * Let the provider revert a tenant's value itself at `revertAt` (LaunchDarkly's expiring targets).
   * Resolves false when the provider has no such feature: Switchboard then keeps the time box.
   */
  scheduleNativeRevert(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    revertAt: number,
  ): Promise<boolean>;
  /**
   * Withdraw a revert the provider would do by itself (a LaunchDarkly expiring target) for this tenant:
   * a change without a time box, or one whose time box Switchboard keeps alone, must not be undone
   * later by an older schedule. Resolves true when one was withdrawn, false when there was none.
   * Absent where the provider has no such feature.
   */
  cancelNativeRevert?(flagKey: string, tenantId: string): Promise<boolean>;
  /**
   * Ask the provider's reviewers to approve a change it refused with an approval-required error
   * (LaunchDarkly's approval requests). Absent where the provider has no approvals.
   */
  requestApproval?(change: ProposedChange, ctx: WriteContext): Promise<ApprovalRequest>;
  /** The provider's own change history (its audit trail), newest first; [] when it keeps none. */
  history(query: { flagKey?: string; limit: number }): Promise<ProviderEvent[]>;
  /** Why the provider cannot be trusted right now (an invalid flags file, an unreachable server), or null. */
  problem?(): string | null;
  /** Fires after any change to the flags, ours or someone else's. */
  onChange(listener: (change: { flagKeys: string[]; etag: string }) => void): () => void;
  close(): Promise<void>;
}

/** A provider failure with a cause a human can act on. */
export class FlagProviderError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'FlagProviderError';
  }

  /** The provider refused the change until someone approves it: `requestApproval` can ask for that. */
  get approvalRequired(): boolean {
    return false;
  }

  /**
   * Non-null when the provider refused the change because it conflicts with changes pending there
   * (scheduled changes, approval requests): their descriptions, possibly none. Writing again with
   * `WriteContext.ignoreConflicts` overrides them.
   */
  get conflicts(): readonly string[] | null {
    return null;
  }
}
