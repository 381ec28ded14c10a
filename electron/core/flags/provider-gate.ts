import type { TenantGate } from '../metrics/metrics-source';
import { KILL_SWITCH_FLAG } from './embedded/default-flags';
import type { FlagProvider } from './flag-provider';

/**
 * The simulated workload's gate when the flags live in Unleash or LaunchDarkly: the provider's own
 * view of the kill switch, refreshed on every change it reports. (With the embedded store the
 * workload is a real OFREP client instead.)
 */
export class ProviderGate implements TenantGate {
  private tenantIds: readonly string[] = [];
  private values = new Map<string, boolean>();
  private readonly listeners = new Set<(tenantIds: string[]) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly provider: FlagProvider,
    private readonly flagKey = KILL_SWITCH_FLAG,
  ) {
    this.unsubscribe = provider.onChange(() => this.refresh());
  }

  allowed(tenantId: string): boolean {
    return this.values.get(tenantId) ?? true;
  }

  setTenants(tenantIds: readonly string[]): void {
    this.tenantIds = tenantIds;
    this.refresh();
  }

  onChange(listener: (tenantIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.listeners.clear();
  }

  private refresh(): void {
    const next = new Map<string, boolean>();
    const changed: string[] = [];
    for (const [id, value] of this.provider.valuesFor(this.flagKey, this.tenantIds)) {
      next.set(id, value !== false);
      if (this.allowed(id) !== (value !== false)) changed.push(id);
    }
    this.values = next;
    if (changed.length > 0) for (const listener of this.listeners) listener(changed);
  }
}
