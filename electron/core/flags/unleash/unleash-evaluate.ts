/**
 * What Unleash serves a tenant, decided by the Node SDK's own code (unleash-client's UnleashClient
 * and its built-in strategies), fed with the admin API's view of one environment turned into what
 * `/api/client/features` would send: disabled strategies dropped, parameters as strings, segments
 * by id. So the console shows exactly what a service using the SDK gets, strategy types, operators
 * and dependencies included.
 *
 * The SDK's context for a tenant is `{ properties: { <contextField>: tenantId } }` (plus the
 * top-level field when the context field is one of the SDK's standard ones), as the demo gate and
 * a service would pass it. Constraints on other context fields (appName, environment, ...) see them
 * unset.
 */

import * as clientModule from 'unleash-client/lib/client.js';
import type { Context } from 'unleash-client/lib/context.js';
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import type { RepositoryInterface } from 'unleash-client/lib/repository/index.js';
import { defaultStrategies } from 'unleash-client/lib/strategy/index.js';
import type {
  Constraint as SdkConstraint,
  StrategyTransportInterface,
} from 'unleash-client/lib/strategy/strategy.js';
import type { FlagValueSource } from '../../api';
import { inList, isOnStrategy, isUnconditional } from './tenant-lists';
import type { Feature, Segment, Strategy } from './unleash-schemas';

type ClientClass = typeof clientModule.default;
// The package is CommonJS with `exports.default`: Node's ESM loader hands us the module object as
// `default`, a bundler the class itself.
const moduleDefault = clientModule.default as unknown as ClientClass | { default: ClientClass };
const UnleashClient: ClientClass =
  typeof moduleDefault === 'function' ? moduleDefault : (moduleDefault as { default: ClientClass }).default;

const STANDARD_FIELDS = new Set(['userId', 'sessionId', 'remoteAddress']);

/** One environment of one project as last read from the admin API. */
export interface ProjectView {
  features: ReadonlyMap<string, Feature>;
  segments: ReadonlyMap<number, Segment>;
}

export interface TenantEvaluation {
  value: boolean;
  source: FlagValueSource;
}

export class Evaluator {
  private readonly toggles = new Map<string, FeatureInterface>();
  private readonly client: InstanceType<ClientClass>;

  constructor(
    private readonly view: ProjectView,
    private readonly environment: string,
    private readonly contextField: string,
  ) {
    const repository = {
      getToggle: (name: string) => this.toggle(name),
      getSegment: (id: number) => {
        const segment = view.segments.get(id);
        return segment ? { id: segment.id, constraints: segment.constraints as SdkConstraint[] } : undefined;
      },
    } as unknown as RepositoryInterface;
    this.client = new UnleashClient(repository, defaultStrategies);
    // The SDK emits these for unknown strategy types and malformed data; it must never throw.
    this.client.on('error', () => {});
    this.client.on('warn', () => {});
  }

  /** The environment of a flag, or undefined when the flag or the environment is unknown. */
  environmentOf(flagKey: string) {
    return this.view.features.get(flagKey)?.environments.find((e) => e.name === this.environment);
  }

  context(tenantId: string): Context {
    const context: Context = { properties: { [this.contextField]: tenantId } };
    if (STANDARD_FIELDS.has(this.contextField))
      (context as Record<string, unknown>)[this.contextField] = tenantId;
    return context;
  }

  /** What the SDK answers for the tenant; false for an unknown flag (the SDK's default fallback). */
  isEnabled(flagKey: string, tenantId: string): boolean {
    return this.client.isEnabled(flagKey, this.context(tenantId), () => false);
  }

  /**
   * The flag's answer with other strategies in place of the environment's and the environment taken
   * as enabled: "what would the tenant get by itself" when planning a change.
   */
  isEnabledWith(flagKey: string, tenantId: string, strategies: readonly Strategy[]): boolean {
    const feature = this.view.features.get(flagKey);
    if (!feature) return false;
    const toggle: FeatureInterface = { ...toClientToggle(feature, undefined), enabled: true };
    toggle.strategies = clientStrategies(strategies);
    return this.client.isFeatureEnabled(toggle, this.context(tenantId), () => false).enabled;
  }

  /** Value and where it comes from (see the provider's module comment for the rules). */
  evaluate(flagKey: string, tenantId: string): TenantEvaluation {
    const environment = this.environmentOf(flagKey);
    if (!environment?.enabled) return { value: false, source: 'flag-off' };
    const value = this.isEnabled(flagKey, tenantId);
    const active = environment.strategies.filter((s) => !s.disabled);
    if (value) {
      const matching = active.filter((s) => this.strategyMatches(flagKey, s, tenantId));
      if (matching.some((s) => isOnStrategy(s) && inList(s, this.contextField, 'on', tenantId))) {
        return { value, source: 'tenant-override' };
      }
      if (active.length === 0 || matching.some((s) => isUnconditional(s, this.contextField))) {
        return { value, source: 'default' };
      }
      return { value, source: 'rule' };
    }
    if (active.some((s) => inList(s, this.contextField, 'off', tenantId)))
      return { value, source: 'tenant-override' };
    const toggle = this.toggle(flagKey);
    if (toggle && !this.client.isParentDependencySatisfied(toggle, this.context(tenantId))) {
      return { value, source: 'rule' };
    }
    return { value, source: 'default' };
  }

  /**
   * The value for a tenant on no list and matched by no rule: `true` when the environment is on and
   * has no enabled strategy, or one that serves everyone (Switchboard's off lists aside).
   */
  defaultValue(flagKey: string): boolean {
    const environment = this.environmentOf(flagKey);
    if (!environment?.enabled) return false;
    const active = environment.strategies.filter((s) => !s.disabled);
    return active.length === 0 || active.some((s) => isUnconditional(s, this.contextField));
  }

  private strategyMatches(flagKey: string, strategy: Strategy, tenantId: string): boolean {
    const feature = this.view.features.get(flagKey);
    if (!feature) return false;
    const toggle: FeatureInterface = {
      ...toClientToggle(feature, undefined),
      enabled: true,
      dependencies: [],
    };
    toggle.strategies = clientStrategies([strategy]);
    return this.client.isFeatureEnabled(toggle, this.context(tenantId), () => false).enabled;
  }

  private toggle(name: string): FeatureInterface | undefined {
    let toggle = this.toggles.get(name);
    if (!toggle) {
      const feature = this.view.features.get(name);
      if (!feature) return undefined;
      toggle = toClientToggle(feature, this.environment);
      this.toggles.set(name, toggle);
    }
    return toggle;
  }
}

/** The admin view of a flag as `/api/client/features` sends it for one environment. */
export function toClientToggle(feature: Feature, environment: string | undefined): FeatureInterface {
  const env =
    environment === undefined ? undefined : feature.environments.find((e) => e.name === environment);
  return {
    name: feature.name,
    type: feature.type ?? undefined,
    project: feature.project ?? undefined,
    enabled: env?.enabled ?? false,
    stale: feature.stale ?? false,
    impressionData: false,
    strategies: clientStrategies(env?.strategies ?? []),
    variants: [],
    dependencies: (feature.dependencies ?? []).map((d) => ({
      feature: d.feature,
      enabled: d.enabled ?? true,
      ...(d.variants?.length ? { variants: d.variants } : {}),
    })),
  };
}

function clientStrategies(strategies: readonly Strategy[]): StrategyTransportInterface[] {
  return [...strategies]
    .filter((s) => !s.disabled)
    .sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0))
    .map((s) => ({
      name: s.name,
      parameters: Object.fromEntries(Object.entries(s.parameters).map(([k, v]) => [k, String(v)])),
      constraints: s.constraints.map((c) => ({
        ...c,
        values: c.values ?? [],
        inverted: c.inverted ?? false,
      })) as SdkConstraint[],
      segments: s.segments ?? [],
      variants: [],
    }));
}
