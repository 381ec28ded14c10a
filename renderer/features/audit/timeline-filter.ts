/**
 * Narrowing the merged audit timeline: the filter box (every word must appear somewhere in the row,
 * whichever log it came from) and one tenant's rows for the tenant panel.
 */
import type { TimelineRow } from './audit-timeline';

/** The words typed in the filter box, lower-cased; empty: everything matches. */
export function filterTerms(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * The text a row is searched in. `sourceName` is the provider's display name ("Unleash"), so that
 * typing it finds its rows and our changes it recorded.
 */
export function searchText(row: TimelineRow, sourceName: (providerKind: string) => string): string {
  if (row.source === 'switchboard') {
    const e = row.entry;
    const recordedIn = row.records.length > 0 ? sourceName(row.records[0]!.provider) : '';
    return `switchboard ${recordedIn} ${e.actor} ${e.flagKey} ${e.tenantId ?? 'everyone'} ${e.reason} ${e.outcome} ${e.error ?? ''}`.toLowerCase();
  }
  const ev = row.event;
  return `${sourceName(ev.provider)} ${ev.actor} ${ev.flagKey ?? ''} ${row.tenantId ?? ''} ${ev.summary} ${ev.comment ?? ''}`.toLowerCase();
}

export function matchesTerms(
  row: TimelineRow,
  terms: readonly string[],
  sourceName: (providerKind: string) => string,
): boolean {
  if (terms.length === 0) return true;
  const hay = searchText(row, sourceName);
  return terms.every((t) => hay.includes(t));
}

/**
 * One tenant's rows: our entries for it, and the provider's events whose note names it or whose
 * words mention it (an edit made in Unleash's own UI says nothing else about whom it touched).
 */
export function rowsForTenant(rows: readonly TimelineRow[], tenantId: string): TimelineRow[] {
  const mentions = mentionPattern(tenantId);
  return rows.filter((row) => {
    if (row.source === 'switchboard') return row.entry.tenantId === tenantId;
    if (row.tenantId !== null) return row.tenantId === tenantId;
    return (
      mentions.test(row.event.summary) || (row.event.comment !== null && mentions.test(row.event.comment))
    );
  });
}

/** The id as a word of its own: "acme" in "removed acme from the list", not in "acme-eu" or "notacme". */
function mentionPattern(tenantId: string): RegExp {
  const escaped = tenantId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[^A-Za-z0-9_-])${escaped}(?:$|[^A-Za-z0-9_-])`);
}
