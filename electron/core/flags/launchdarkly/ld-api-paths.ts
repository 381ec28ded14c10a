/**
 * The LaunchDarkly REST API v2 paths the provider calls, every key URL-encoded: a project, environment
 * or flag key is the user's text and must not reshape the path.
 */
import type { LdScope } from './ld-scope';

const enc = encodeURIComponent;

/** The project's flag listing, with these query parameters. */
export function flagListPath(scope: LdScope, query: string): string {
  return `/api/v2/flags/${enc(scope.project)}?${query}`;
}

/** One flag, with the configured environment's targeting. */
export function flagReadPath(scope: LdScope, flagKey: string): string {
  return `${flagPath(scope, flagKey)}?env=${enc(scope.environment)}`;
}

/** One flag, as semantic patches address it. */
export function flagPath(scope: LdScope, flagKey: string): string {
  return `/api/v2/flags/${enc(scope.project)}/${enc(flagKey)}`;
}

export function expiringTargetsPath(scope: LdScope, flagKey: string): string {
  return `${flagPath(scope, flagKey)}/expiring-targets/${enc(scope.environment)}`;
}

/** GET: the configured environment (404 when the project has no such environment). */
export function environmentPath(scope: LdScope): string {
  return `${environmentsPath(scope)}/${enc(scope.environment)}`;
}

/** GET: the project's environments, the first page (20). */
export function environmentsPath(scope: LdScope): string {
  return `/api/v2/projects/${enc(scope.project)}/environments`;
}

export function evaluatePath(scope: LdScope): string {
  return `${environmentPath(scope)}/flags/evaluate`;
}

export function approvalRequestsPath(scope: LdScope, flagKey: string): string {
  return `/api/v2/projects/${enc(scope.project)}/flags/${enc(flagKey)}/environments/${enc(scope.environment)}/approval-requests`;
}

/** LaunchDarkly's audit log filtered by a resource specifier (`proj/p:env/e:flag/f`). */
export function auditLogPath(spec: string, limit: number): string {
  return `/api/v2/auditlog?spec=${enc(spec)}&limit=${limit}`;
}
