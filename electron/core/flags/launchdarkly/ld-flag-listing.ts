/**
 * The project's flag listing, page by page (100 each): with full targeting in the configured
 * environment (`summary=0`) for the polled state, or the unfiltered summary for on/off everywhere.
 * Items are validated one by one: one odd flag is skipped (and said), never hides all the others.
 */
import type { z } from 'zod';
import type { FlagEnvironmentState } from '../../api';
import { flagListPath } from './ld-api-paths';
import type { LdClient } from './ld-client';
import { LaunchDarklyError } from './ld-errors';
import { flagEnvironmentsSchema, flagListSchema, flagSchema, type LdFlag } from './ld-schemas';
import type { LdScope } from './ld-scope';
import type { SkippedFlag } from './ld-skipped-flags';

const PAGE = 100;
/** A listing that pages on past this is LaunchDarkly misbehaving, not a project this large. */
const MAX_PAGES = 500;

export interface FlagListing {
  flags: LdFlag[];
  /** items whose shape was not a flag's */
  skipped: SkippedFlag[];
}

/** Every flag with its targeting in the configured environment. */
export async function listEnvironmentFlags(client: LdClient, scope: LdScope): Promise<FlagListing> {
  const flags = new Map<string, LdFlag>();
  const skipped: SkippedFlag[] = [];
  const query = `env=${encodeURIComponent(scope.environment)}&summary=0`;
  await eachListedFlag(client, scope, query, (item) => {
    const parsed = flagSchema.safeParse(item);
    if (parsed.success) flags.set(parsed.data.key, parsed.data);
    else {
      const key = typeof item === 'object' && item && 'key' in item ? String(item.key) : '(no key)';
      skipped.push({ key, reason: `unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'})` });
    }
  });
  return { flags: [...flags.values()], skipped };
}

/**
 * On/off in every environment: the summary listing without an environment filter, asked only when
 * someone looks (the Flags view) — the polled listing stays filtered to one environment.
 */
export async function listEnvironmentStates(
  client: LdClient,
  scope: LdScope,
): Promise<Record<string, FlagEnvironmentState[]>> {
  const states: Record<string, FlagEnvironmentState[]> = {};
  await eachListedFlag(client, scope, 'summary=1', (item) => {
    const parsed = flagEnvironmentsSchema.safeParse(item);
    if (!parsed.success) return;
    states[parsed.data.key] = Object.entries(parsed.data.environments).map(([environment, config]) => ({
      environment,
      enabled: config.on,
      current: environment === scope.environment,
    }));
  });
  return states;
}

/** Every item of the project's flag listing, following `_links.next` (else the offset) to the end. */
async function eachListedFlag(
  client: LdClient,
  scope: LdScope,
  query: string,
  take: (item: unknown) => void,
): Promise<void> {
  const pagePath = (offset: number) => flagListPath(scope, `${query}&limit=${PAGE}&offset=${offset}`);
  let path: string | null = pagePath(0);
  for (let page = 0; path !== null; page++) {
    if (page >= MAX_PAGES)
      throw new LaunchDarklyError(`LaunchDarkly kept paging past ${MAX_PAGES} pages`, 'bad-answer');
    const answer: z.output<typeof flagListSchema> = await client.request(
      {
        method: 'GET',
        path,
        what: `list the flags of project ${scope.project} (page ${page + 1})`,
        safe: true,
      },
      flagListSchema,
    );
    for (const item of answer.items) take(item);
    const fetched = (page + 1) * PAGE;
    const total = answer.totalCount ?? null;
    path =
      answer.items.length === 0
        ? null
        : (answer._links.next ?? (total !== null && fetched < total ? pagePath(fetched) : null));
  }
}
