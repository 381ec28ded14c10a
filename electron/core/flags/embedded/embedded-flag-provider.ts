/**
 * The default provider: flags in `<dataDir>/flags.json` (flagd format), tenant overrides as
 * targeting lists, served to services by the OFREP flag server from the same store.
 */
import type { FlagInfo, FlagValue, ProviderEvent, TenantFlag } from '../../api';
import { type FlagProvider, FlagProviderError, type WriteContext } from '../flag-provider';
import { tenantFlag, tenantValue } from './evaluate-flag';
import { FlagStore, type FlagStoreOptions, type FlagsChange } from './flag-store';
import { tenantValueChange } from './tenant-value-change';

export class EmbeddedFlagProvider implements FlagProvider {
  readonly kind = 'embedded';
  readonly label = 'embedded (flagd file)';

  /** Open (or create) the flag file and own the store: closing the provider closes it. */
  static async open(options: FlagStoreOptions): Promise<EmbeddedFlagProvider> {
    return new EmbeddedFlagProvider(await FlagStore.open(options), true);
  }

  constructor(
    readonly store: FlagStore,
    private readonly ownsStore = false,
  ) {}

  async listFlags(): Promise<FlagInfo[]> {
    return [...this.store.snapshot().flags.values()].map((flag) => flag.info);
  }

  async tenantFlags(tenantId: string): Promise<TenantFlag[]> {
    return [...this.store.snapshot().flags.values()].map((flag) => tenantFlag(flag, tenantId));
  }

  /** An unknown flag yields an empty map: callers treat a missing tenant as "default". */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    const values = new Map<string, FlagValue>();
    const flag = this.store.snapshot().flags.get(flagKey);
    if (!flag) return values;
    for (const tenantId of tenantIds) values.set(tenantId, tenantValue(flag, tenantId));
    return values;
  }

  /**
   * The flag file has no audit trail of its own, so `ctx` is not written anywhere: Switchboard's
   * audit log is the record for the embedded provider.
   */
  async setTenantValue(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    _ctx: WriteContext,
  ): Promise<void> {
    await this.store.update((current) => tenantValueChange(current, flagKey, tenantId, value));
  }

  /** Evaluates the stored state exactly as the OFREP server does for this tenant. */
  async servedValue(flagKey: string, tenantId: string): Promise<FlagValue> {
    const flag = this.store.snapshot().flags.get(flagKey);
    if (!flag) throw new FlagProviderError(`unknown flag "${flagKey}"`);
    return tenantValue(flag, tenantId);
  }

  /** flagd's `state`: DISABLED serves the default variant to everyone. */
  async setFlagEnabled(flagKey: string, enabled: boolean, _ctx: WriteContext): Promise<void> {
    await this.store.update((current) => {
      const document = structuredClone(current.document);
      const flag = document.flags[flagKey];
      if (!flag) throw new FlagProviderError(`unknown flag "${flagKey}"`);
      const state = enabled ? 'ENABLED' : 'DISABLED';
      if (flag.state === state) return null;
      flag.state = state;
      return document;
    });
  }

  problem(): string | null {
    return this.store.error?.message ?? null;
  }

  /** The flag file cannot revert anything by itself: Switchboard keeps the time box. */
  async scheduleNativeRevert(): Promise<boolean> {
    return false;
  }

  /** The flag file keeps no history: Switchboard's audit log is the record. */
  async history(): Promise<ProviderEvent[]> {
    return [];
  }

  onChange(listener: (change: FlagsChange) => void): () => void {
    return this.store.onChange(listener);
  }

  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close();
  }
}
