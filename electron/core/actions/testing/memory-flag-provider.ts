import type { FlagInfo, FlagValue, ProviderEvent, TenantFlag } from '../../api';
import {
  type ApprovalRequest,
  type FlagProvider,
  FlagProviderError,
  type ProposedChange,
  type WriteContext,
} from '../../flags/flag-provider';

export interface RecordedWrite {
  flagKey: string;
  tenantId: string;
  value: FlagValue;
  ctx: WriteContext;
}

/** A refusal that an approval request could get through (LaunchDarkly's 405, in the real world). */
export class NeedsApprovalError extends FlagProviderError {
  override get approvalRequired(): boolean {
    return true;
  }
}

/**
 * A FlagProvider double for the actions' tests: per-tenant overrides in memory, with switches to fail
 * writes or reads and to keep serving a stale value after a write (a lost race).
 */
export class MemoryFlagProvider implements FlagProvider {
  readonly kind = 'memory';
  readonly label = 'in-memory test provider';
  readonly writes: RecordedWrite[] = [];
  readonly toggles: { flagKey: string; enabled: boolean; ctx: WriteContext }[] = [];
  readonly approvals: { change: ProposedChange; ctx: WriteContext }[] = [];
  /** The next approval request fails with this error. */
  approvalFailure: Error | null = null;
  /** The flag-wide state listFlags reports after a toggle, whatever was asked (someone else won). */
  staleEnabled: boolean | null = null;
  /** Runs inside setTenantValue, before anything changes: tests look at the world from there. */
  beforeWrite: ((write: RecordedWrite) => void) | null = null;
  private readonly overrides = new Map<string, FlagValue>();
  private readonly stale = new Map<string, FlagValue>();
  private readonly failingWrites: Error[] = [];
  private readFailure: Error | null = null;
  private readonly listeners = new Set<(change: { flagKeys: string[]; etag: string }) => void>();

  constructor(private readonly flags: FlagInfo[]) {}

  /** The next `count` writes fail with this error. */
  failWrites(error: Error = new FlagProviderError('provider unavailable', true), count = 1): void {
    for (let i = 0; i < count; i++) this.failingWrites.push(error);
  }

  /** servedValue fails until cleared with null. */
  failReads(error: Error | null): void {
    this.readFailure = error;
  }

  /** Keep serving this value for the switch whatever is written (someone else won the race). */
  serveStale(flagKey: string, tenantId: string, value: FlagValue | null): void {
    if (value === null) this.stale.delete(key(flagKey, tenantId));
    else this.stale.set(key(flagKey, tenantId), value);
  }

  /** Set a value behind Switchboard's back (another console, a script). */
  setDirectly(flagKey: string, tenantId: string, value: FlagValue): void {
    this.overrides.set(key(flagKey, tenantId), value);
  }

  async listFlags(): Promise<FlagInfo[]> {
    if (this.staleEnabled === null) return this.flags;
    return this.flags.map((flag) => ({ ...flag, enabled: this.staleEnabled! }));
  }

  async tenantFlags(tenantId: string): Promise<TenantFlag[]> {
    return this.flags.map((flag) => {
      const override = this.overrides.get(key(flag.key, tenantId));
      const value = override ?? defaultValue(flag);
      return {
        ...flag,
        value,
        variant: null,
        source: override === undefined ? 'default' : 'tenant-override',
      };
    });
  }

  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    const flag = this.flag(flagKey);
    return new Map(tenantIds.map((id) => [id, this.overrides.get(key(flagKey, id)) ?? defaultValue(flag)]));
  }

  async setTenantValue(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    ctx: WriteContext,
  ): Promise<void> {
    const write = { flagKey, tenantId, value, ctx };
    this.beforeWrite?.(write);
    this.writes.push(write);
    const failure = this.failingWrites.shift();
    if (failure) throw failure;
    this.overrides.set(key(flagKey, tenantId), value);
    for (const listener of this.listeners)
      listener({ flagKeys: [flagKey], etag: String(this.writes.length) });
  }

  async servedValue(flagKey: string, tenantId: string): Promise<FlagValue> {
    if (this.readFailure) throw this.readFailure;
    const k = key(flagKey, tenantId);
    return this.stale.get(k) ?? this.overrides.get(k) ?? defaultValue(this.flag(flagKey));
  }

  async setFlagEnabled(flagKey: string, enabled: boolean, ctx: WriteContext): Promise<void> {
    const flag = this.flag(flagKey);
    this.toggles.push({ flagKey, enabled, ctx });
    const failure = this.failingWrites.shift();
    if (failure) throw failure;
    flag.enabled = enabled;
  }

  async requestApproval(change: ProposedChange, ctx: WriteContext): Promise<ApprovalRequest> {
    this.approvals.push({ change, ctx });
    const failure = this.approvalFailure;
    this.approvalFailure = null;
    if (failure) throw failure;
    return { id: `approval-${this.approvals.length}`, status: 'pending' };
  }

  async scheduleNativeRevert(): Promise<boolean> {
    return false;
  }

  async history(): Promise<ProviderEvent[]> {
    return [];
  }

  onChange(listener: (change: { flagKeys: string[]; etag: string }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}

  private flag(flagKey: string): FlagInfo {
    const flag = this.flags.find((f) => f.key === flagKey);
    if (!flag) throw new FlagProviderError(`no flag ${flagKey}`);
    return flag;
  }
}

function key(flagKey: string, tenantId: string): string {
  return `${flagKey} ${tenantId}`;
}

function defaultValue(flag: FlagInfo): FlagValue {
  return flag.variants[flag.defaultVariant]!;
}

/** The flags the actions' tests use: a kill switch, a release flag with string variants, a number. */
export const testFlags: FlagInfo[] = [
  {
    key: 'publish-events',
    kind: 'kill-switch',
    description: 'tenant may publish events',
    enabled: true,
    valueType: 'boolean',
    variants: { on: true, off: false },
    defaultVariant: 'on',
    offValue: true,
  },
  {
    key: 'checkout-flow',
    kind: 'release',
    description: 'which checkout a tenant gets',
    enabled: true,
    valueType: 'string',
    variants: { classic: 'classic', beta: 'beta' },
    defaultVariant: 'classic',
    offValue: 'classic',
  },
  {
    key: 'batch-size',
    kind: 'operational',
    description: 'publisher batch size',
    enabled: true,
    valueType: 'number',
    variants: { small: 10, large: 500 },
    defaultVariant: 'small',
    offValue: 10,
  },
];
