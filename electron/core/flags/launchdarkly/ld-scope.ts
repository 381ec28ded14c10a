import type { LdContext } from './ld-evaluate';

/** Where the provider works in LaunchDarkly: one project, one environment, tenants as one context kind. */
export interface LdScope {
  readonly project: string;
  readonly environment: string;
  /** the context kind tenants are targeted as (`tenant` by default) */
  readonly contextKind: string;
}

/** The context LaunchDarkly targets and evaluates a tenant as. */
export function tenantContext(scope: LdScope, tenantId: string): LdContext {
  return { kind: scope.contextKind, key: tenantId };
}
