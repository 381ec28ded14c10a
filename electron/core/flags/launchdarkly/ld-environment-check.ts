/**
 * Does the configured environment exist? LaunchDarkly lists a project's flags for any `env=` key: with
 * a mistyped one every flag merely lacks a configuration, so the console would show nothing and call
 * it fine. One documented GET (`/projects/{p}/environments/{e}`) tells a typo from an empty project.
 */
import { environmentPath, environmentsPath } from './ld-api-paths';
import type { LdClient } from './ld-client';
import { isLdFailure, LaunchDarklyError } from './ld-errors';
import { environmentSchema, environmentsSchema } from './ld-schemas';
import type { LdScope } from './ld-scope';

/**
 * Resolves null when the environment exists, or a reason it could not be checked (a token whose role
 * may not read environments: its flags may still be readable, so that is no reason to stop). Rejects
 * with a `not-found` LaunchDarklyError naming the project's environments when it does not exist.
 * Asked after the project's flags were listed: the project exists, so a 404 here is the environment.
 */
export async function checkEnvironment(client: LdClient, scope: LdScope): Promise<string | null> {
  try {
    await client.request(
      {
        method: 'GET',
        path: environmentPath(scope),
        what: `read environment ${scope.environment} of project ${scope.project}`,
        safe: true,
      },
      environmentSchema,
    );
    return null;
  } catch (error) {
    if (isLdFailure(error, 'forbidden')) {
      return `could not check that environment "${scope.environment}" exists: ${error.message}`;
    }
    if (!isLdFailure(error, 'not-found')) throw error;
    const known = await environmentKeys(client, scope);
    throw new LaunchDarklyError(
      `environment "${scope.environment}" does not exist in LaunchDarkly project "${scope.project}"${known}: check the environment key of the profile`,
      'not-found',
      { status: 404 },
    );
  }
}

/** " (its environments: production, staging)" to spot the typo by, or "" when they cannot be read. */
async function environmentKeys(client: LdClient, scope: LdScope): Promise<string> {
  try {
    const answer = await client.request(
      {
        method: 'GET',
        path: environmentsPath(scope),
        what: `list the environments of project ${scope.project}`,
        safe: true,
      },
      environmentsSchema,
    );
    if (answer.items.length === 0) return ' (it has no environments)';
    const more = (answer.totalCount ?? 0) > answer.items.length ? ', …' : '';
    return ` (its environments: ${answer.items.map((env) => env.key).join(', ')}${more})`;
  } catch {
    // the check already failed clearly; the list is only a hint
    return '';
  }
}
