/**
 * LaunchDarkly's evaluate endpoint for one tenant context: every flag's value and reason, for the
 * flags the provider cannot evaluate locally (rules on attributes the console does not know,
 * percentage rollouts). Values other than booleans, strings and numbers are left out.
 */
import type { FlagValue, TenantFlag } from '../../api';
import { evaluatePath } from './ld-api-paths';
import type { LdClient } from './ld-client';
import { sourceOfReason } from './ld-evaluate';
import { evaluationsSchema } from './ld-schemas';
import { type LdScope, tenantContext } from './ld-scope';

export type RemoteEvaluations = Map<string, { value: FlagValue; source: TenantFlag['source'] }>;

export async function evaluateRemotely(
  client: LdClient,
  scope: LdScope,
  tenantId: string,
): Promise<RemoteEvaluations> {
  const answer = await client.request(
    {
      method: 'POST',
      path: evaluatePath(scope),
      body: tenantContext(scope, tenantId),
      what: `evaluate the flags for tenant "${tenantId}"`,
      safe: true,
    },
    evaluationsSchema,
  );
  const results: RemoteEvaluations = new Map();
  for (const item of answer.items) {
    const value = item._value;
    if (typeof value !== 'boolean' && typeof value !== 'string' && typeof value !== 'number') continue;
    results.set(item.key, { value, source: sourceOfReason(item.reason?.kind) });
  }
  return results;
}
