/**
 * The kill switch as a service using Unleash would read it: the Node SDK (unleash-client) polling
 * `/api/client/features` with a backend token (every `refreshIntervalMs`, 1 s here; the SDK's own
 * default is 15 s), and deciding locally with the tenant in the context (`properties.customerId`).
 * `allowed(id)` is a Map lookup: the values of the known tenants are computed again whenever the SDK
 * receives new flag data, and the tenants whose value changed are announced.
 *
 * Before the first answer, and for a flag Unleash does not have, tenants are allowed (as with the
 * OFREP gate: the switch fails open; a dead flag service must not stop every publisher). When the
 * SDK cannot poll (network, 401), it keeps the last values and `state().error` says why.
 */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import type { TenantGate } from '../../electron/core/metrics/metrics-source';

export interface UnleashGateOptions {
  /** Unleash's base URL, e.g. http://127.0.0.1:4242 (the SDK talks to <url>/api) */
  url: string;
  /** a backend (SDK) token for the environment, e.g. "*:development.<secret>" */
  token: string;
  /** default "publish-events" (true = may publish) */
  flagKey?: string;
  /** the context field that carries the tenant (default "customerId") */
  contextField?: string;
  /** shown in Unleash's applications list (default "switchboard-demo-publisher") */
  appName?: string;
  /** how often the SDK polls (default 1000 ms) */
  refreshIntervalMs?: number;
}

export interface UnleashGateState {
  /** the SDK has its first flag data */
  ready: boolean;
  /** the last polling error, or null */
  error: string | null;
  /** tenants with a computed value */
  evaluated: number;
}

export class UnleashGate implements TenantGate {
  private readonly client: Unleash;
  private readonly flagKey: string;
  private readonly contextField: string;
  private readonly token: string;
  private tenants = new Set<string>();
  private readonly values = new Map<string, boolean>();
  private readonly listeners = new Set<(tenantIds: string[]) => void>();
  private readonly readyWaiters: (() => void)[] = [];
  private ready = false;
  private error: string | null = null;
  private closed = false;

  constructor(options: UnleashGateOptions) {
    this.flagKey = options.flagKey ?? 'publish-events';
    this.contextField = options.contextField ?? 'customerId';
    this.token = options.token;
    this.client = new Unleash({
      url: `${options.url.replace(/\/+$/, '')}/api`,
      appName: options.appName ?? 'switchboard-demo-publisher',
      customHeaders: { Authorization: options.token },
      refreshInterval: options.refreshIntervalMs ?? 1_000,
      disableMetrics: true,
      // No backup file in the temp dir: the gate starts from "allowed", not from an old copy.
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
    });
    this.client.on('error', (error: Error) => {
      this.error = this.redact(error?.message ?? String(error));
    });
    this.client.on('warn', (message: unknown) => {
      this.error = this.redact(String(message));
    });
    this.client.on('changed', () => {
      this.error = null;
      this.recompute();
    });
    this.client.on('synchronized', () => {
      this.ready = true;
      this.recompute();
      for (const resolve of this.readyWaiters.splice(0)) resolve();
    });
  }

  allowed(tenantId: string): boolean {
    const known = this.values.get(tenantId);
    if (known !== undefined) return known;
    if (!this.ready) return true;
    const value = this.evaluate(tenantId);
    this.values.set(tenantId, value);
    return value;
  }

  setTenants(tenantIds: readonly string[]): void {
    const next = new Set(tenantIds);
    const changed: string[] = [];
    for (const id of this.tenants) {
      if (next.has(id)) continue;
      // A tenant that leaves the set is "allowed until evaluated" again.
      if (this.values.get(id) === false) changed.push(id);
      this.values.delete(id);
    }
    this.tenants = next;
    if (this.ready) {
      for (const id of next) {
        if (this.values.has(id)) continue;
        const value = this.evaluate(id);
        this.values.set(id, value);
        if (!value) changed.push(id);
      }
    }
    this.announce(changed);
  }

  onChange(listener: (tenantIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the SDK has its first flag data (or after `timeoutMs`, still allowing everyone). */
  whenReady(timeoutMs = 5_000): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  state(): UnleashGateState {
    return { ready: this.ready, error: this.error, evaluated: this.values.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.client.destroy();
  }

  private evaluate(tenantId: string): boolean {
    // An unknown flag (the fallback) allows: the switch fails open.
    return this.client.isEnabled(this.flagKey, { properties: { [this.contextField]: tenantId } }, () => true);
  }

  /** New flag data: compute every known tenant again and announce those whose value moved. */
  private recompute(): void {
    if (!this.ready || this.closed) return;
    const changed: string[] = [];
    for (const id of new Set([...this.tenants, ...this.values.keys()])) {
      const value = this.evaluate(id);
      const before = this.values.get(id) ?? true;
      this.values.set(id, value);
      if (value !== before) changed.push(id);
    }
    this.announce(changed);
  }

  private announce(tenantIds: string[]): void {
    if (tenantIds.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(tenantIds);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private redact(text: string): string {
    return this.token ? text.split(this.token).join('<token>') : text;
  }
}
