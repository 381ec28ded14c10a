/**
 * Unleash (open source, 7.x) as a per-tenant flag provider, over the admin API with an admin token or
 * an admin's personal access token. The token stays in this (main) process: it goes into the
 * Authorization header and nowhere else — never into a message, a log line or an event.
 *
 * The model (details in tenant-lists.ts): in one project and one environment, a flag's tenant
 * overrides are Switchboard's lists — an ON strategy `<contextField> IN [...]` and an OFF list
 * `<contextField> NOT_IN [...]` on every other strategy. Unleash booleans are on/off, shown as the
 * variants {on: true, off: false}.
 *
 * Values and sources, for a tenant (decided by unleash-client's own evaluation, see unleash-evaluate):
 * - 'flag-off': the environment is off (Unleash serves false to everyone);
 * - 'tenant-override': true through Switchboard's ON strategy, or false while on an OFF list;
 * - 'default': true through a strategy that serves everyone (or no strategy at all), or false
 *   because nothing matched;
 * - 'rule': true through any other strategy (constraints, segments, partial rollouts, user ids...),
 *   or false because a parent flag (dependency) is not satisfied.
 *
 * The parts, each in its own module:
 * - FeatureReader reads the project (a GET per feature, ETags make unchanged ones a 304) or one flag;
 * - ProjectViewCache keeps the last state read, answers valuesFor() from it without I/O, and
 *   announces every flag whose state changed, whoever read the change;
 * - TenantListWriter writes (plan, tested patches, settle, roll back; see its comment for why a
 *   write is safe against other writers), with StrategyEditor, WritePreconditions, checkForeignEdits;
 * - ChangePoller watches the event log every `pollIntervalMs` (1 s) while someone listens;
 * - UnleashEventLog reads Unleash's event log: the poller's head, a write's checks, history().
 * A flip reads only its flag (readFlag: one GET, plus its parents and segments when it has them).
 *
 * What reaches Unleash's own audit trail (its event log): every strategy event carries the token's
 * name (admin token) or the user (personal access token) as `createdBy`, the constraints before and
 * after, and — because Unleash's strategy API takes no comment — Switchboard's actor, reason and
 * audit id in the strategy parameter `switchboardReason`, written with the same patch (so the very
 * event that changed a list says who and why; `history()` reads it back as the comment). Turning the
 * environment on/off takes no body in Unleash: those events have only `createdBy`.
 */
import type {
  FlagEnvironmentState,
  FlagInfo,
  FlagKind,
  FlagValue,
  ProviderEvent,
  TenantFlag,
} from '../../api';
import type { FlagProvider, WriteContext } from '../flag-provider';
import { type ChangeListener, ChangeListeners } from './change-listeners';
import { ChangePoller } from './change-poller';
import { FeatureReader } from './feature-reader';
import { ProjectViewCache } from './project-view-cache';
import { StrategyEditor } from './strategy-editor';
import { TenantListWriter } from './tenant-list-writer';
import type { Evaluator } from './unleash-evaluate';
import { UnleashEventLog } from './unleash-event-log';
import { UnleashHttp } from './unleash-http';
import type { Feature } from './unleash-schemas';
import { UnleashScope } from './unleash-scope';
import { WritePreconditions } from './write-preconditions';

export interface UnleashFlagProviderOptions {
  /** Unleash's base URL, e.g. https://unleash.example.com or http://127.0.0.1:4242 */
  url: string;
  /** an admin API token or an admin's personal access token; stays in the main process */
  token: string;
  /** default "default" */
  project?: string;
  /** default "development" */
  environment?: string;
  /** the Unleash context field that carries the tenant id (default "customerId") */
  contextField?: string;
  /** per HTTP request (default 10 s) */
  timeoutMs?: number;
  /** change polling while someone listens (default 1000 ms); also how long a whole read stays fresh */
  pollIntervalMs?: number;
  /**
   * After a write, how long the flag's event log must stay quiet before the write counts as settled
   * (default 300 ms; see StrategyEditor.settle).
   */
  settleMs?: number;
  fetch?: typeof fetch;
}

const VARIANTS = { on: true, off: false } as const;

export class UnleashFlagProvider implements FlagProvider {
  readonly kind = 'unleash';
  readonly label: string;

  private readonly scope: UnleashScope;
  private readonly cache: ProjectViewCache;
  private readonly log: UnleashEventLog;
  private readonly writer: TenantListWriter;
  private readonly poller: ChangePoller;

  constructor(options: UnleashFlagProviderOptions) {
    const http = new UnleashHttp({
      url: options.url,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? fetch,
    });
    const scope = new UnleashScope(
      http,
      options.project ?? 'default',
      options.environment ?? 'development',
      options.contextField ?? 'customerId',
    );
    const pollIntervalMs = options.pollIntervalMs ?? 1_000;
    const listeners = new ChangeListeners();
    const reader = new FeatureReader(scope);
    const log = new UnleashEventLog(scope, this.kind);
    const cache = new ProjectViewCache(scope, reader, listeners, pollIntervalMs);
    const editor = new StrategyEditor(scope, reader, log, options.settleMs ?? 300);
    const preconditions = new WritePreconditions(scope);
    this.scope = scope;
    this.cache = cache;
    this.log = log;
    this.writer = new TenantListWriter({ scope, cache, reader, log, editor, preconditions });
    this.poller = new ChangePoller(cache, log, listeners, pollIntervalMs);
    this.label = `Unleash ${new URL(http.base).host} (${scope.environment})`;
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────────

  async listFlags(): Promise<FlagInfo[]> {
    const view = await this.cache.fresh();
    const evaluator = this.cache.evaluatorFor(view);
    return [...view.features.values()].map((feature) => this.flagInfo(feature, evaluator));
  }

  /** The flag fresh from Unleash (one GET, no listing of the project); null when there is no such flag. */
  async readFlag(flagKey: string): Promise<FlagInfo | null> {
    const view = await this.cache.rereadFlag(flagKey);
    if (!view) return null;
    return this.flagInfo(view.features.get(flagKey)!, this.cache.evaluatorFor(view));
  }

  /** From the features already read: Unleash returns every environment of a feature with it. */
  async environmentStates(): Promise<Record<string, FlagEnvironmentState[]>> {
    const view = await this.cache.fresh();
    return Object.fromEntries(
      [...view.features.values()].map((feature) => [
        feature.name,
        feature.environments.map((e) => ({
          environment: e.name,
          enabled: e.enabled,
          current: e.name === this.scope.environment,
        })),
      ]),
    );
  }

  async tenantFlags(tenantId: string): Promise<TenantFlag[]> {
    const view = await this.cache.fresh();
    const evaluator = this.cache.evaluatorFor(view);
    return [...view.features.values()].map((feature) => {
      const { value, source } = evaluator.evaluate(feature.name, tenantId);
      return { ...this.flagInfo(feature, evaluator), value, variant: value ? 'on' : 'off', source };
    });
  }

  /** From the last state read: no I/O. An unknown flag (or nothing read yet) gives an empty map. */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    return this.cache.valuesFor(flagKey, tenantIds);
  }

  /** Read the flag from the admin API now and evaluate it for the tenant as the SDK would. */
  async servedValue(flagKey: string, tenantId: string): Promise<FlagValue> {
    const view = await this.cache.withFreshFlag(flagKey);
    await this.cache.adoptFlag(view);
    return this.cache.evaluatorFor(view).evaluate(flagKey, tenantId).value;
  }

  history(query: { flagKey?: string; limit: number }): Promise<ProviderEvent[]> {
    return this.log.history(query);
  }

  /**
   * While Unleash cannot be read (down, token revoked, ...): the console shows the last flags read
   * and refuses writes. Cleared by the next successful read (polled every second while watched).
   */
  problem(): string | null {
    return this.cache.problem();
  }

  // ── writes ─────────────────────────────────────────────────────────────────────────────────────

  setTenantValue(flagKey: string, tenantId: string, value: FlagValue, ctx: WriteContext): Promise<void> {
    return this.writer.setTenantValue(flagKey, tenantId, value, ctx);
  }

  /** Unleash's on/off endpoints take no body: the reason stays in Switchboard's audit. */
  setFlagEnabled(flagKey: string, enabled: boolean, _ctx: WriteContext): Promise<void> {
    return this.writer.setFlagEnabled(flagKey, enabled);
  }

  /** Unleash has no expiring targets: Switchboard keeps the time box. */
  async scheduleNativeRevert(): Promise<boolean> {
    return false;
  }

  // ── changes ────────────────────────────────────────────────────────────────────────────────────

  onChange(listener: ChangeListener): () => void {
    return this.poller.subscribe(listener);
  }

  async close(): Promise<void> {
    this.poller.close();
  }

  private flagInfo(feature: Feature, evaluator: Evaluator): FlagInfo {
    return {
      key: feature.name,
      kind: flagKind(feature.type),
      description: feature.description ?? '',
      enabled: evaluator.environmentOf(feature.name)?.enabled ?? false,
      valueType: 'boolean',
      variants: { ...VARIANTS },
      defaultVariant: evaluator.defaultValue(feature.name) ? 'on' : 'off',
      // a feature that is off in the environment answers isEnabled = false to everyone
      offValue: false,
    };
  }
}

function flagKind(type: string | null | undefined): FlagKind {
  switch (type) {
    case 'kill-switch':
      return 'kill-switch';
    case 'operational':
    case 'permission':
      return 'operational';
    default:
      // 'release', 'experiment' and types of a team's own
      return 'release';
  }
}
