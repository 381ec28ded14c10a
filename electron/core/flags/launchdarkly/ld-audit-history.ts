/**
 * LaunchDarkly's audit log as the provider's change history: entries for the environment (or one
 * flag), newest first, 20 per page, with who acted and the comment a write carried.
 */
import type { ProviderEvent } from '../../api';
import { auditLogPath } from './ld-api-paths';
import type { LdClient } from './ld-client';
import { auditLogSchema, type LdAuditLog } from './ld-schemas';
import type { LdScope } from './ld-scope';

const AUDIT_PAGE = 20;
/** A log that pages on past this is LaunchDarkly misbehaving: stop with what was read. */
const MAX_PAGES = 500;

export async function readAuditHistory(
  client: LdClient,
  scope: LdScope,
  query: { flagKey?: string; limit: number },
): Promise<ProviderEvent[]> {
  const spec = `proj/${scope.project}:env/${scope.environment}:flag/${query.flagKey ?? '*'}`;
  let path: string | null = auditLogPath(spec, Math.min(AUDIT_PAGE, Math.max(1, query.limit)));
  const events = new Map<string, ProviderEvent>();
  for (let page = 0; path !== null && events.size < query.limit && page < MAX_PAGES; page++) {
    const answer: LdAuditLog = await client.request(
      { method: 'GET', path, what: `read LaunchDarkly's audit log (${spec})`, safe: true },
      auditLogSchema,
    );
    for (const entry of answer.items) {
      if (!events.has(entry._id)) events.set(entry._id, providerEvent(entry, query.flagKey ?? null));
    }
    path = answer.items.length > 0 ? answer._links.next : null;
  }
  return [...events.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, query.limit);
}

type AuditItem = LdAuditLog['items'][number];

function providerEvent(entry: AuditItem, flagKey: string | null): ProviderEvent {
  const resources = [
    ...(entry.target?.resources ?? []),
    ...(entry.accesses ?? []).map((access) => access.resource ?? ''),
  ];
  const fromResource = resources
    .map((resource) => /(?:^|:)flag\/([^:;/]+)/.exec(resource)?.[1])
    .find(Boolean);
  const member = entry.member;
  const memberName = [member?.firstName, member?.lastName].filter(Boolean).join(' ');
  return {
    id: entry._id,
    at: new Date(entry.date).toISOString(),
    provider: 'launchdarkly',
    actor: member?.email || memberName || entry.token?.name || entry.app?.name || 'LaunchDarkly',
    flagKey: fromResource && fromResource !== '*' ? fromResource : flagKey,
    summary: plainText(
      entry.title || entry.shortDescription || entry.description || entry.titleVerb || entry.kind || 'change',
    ),
    comment: entry.comment || null,
  };
}

/** LaunchDarkly's titles are markdown: "[Alex](mailto:…) updated the flag [X](/…) in `Production`". */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .trim();
}
