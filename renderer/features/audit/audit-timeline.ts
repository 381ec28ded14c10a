/**
 * Switchboard's audit entries and the flag provider's own log (Unleash's events, LaunchDarkly's audit
 * log) as one timeline, newest first. A provider event that is the provider's record of one of our
 * changes is folded into that Switchboard row ("also in Unleash's log") instead of being shown twice;
 * everything else the provider logged — edits made directly in Unleash or LaunchDarkly, another
 * Switchboard's changes — is a row of its own.
 *
 * How a provider event is tied to one of our entries, strongest first:
 * 1. it carries our audit id (every tenant write to Unleash, every write to LaunchDarkly): that entry,
 *    and no other — an id we do not hold is someone else's change (or older than what we loaded);
 * 2. otherwise the same provider and flag, within a few seconds of our request, and
 *    - a time-box comment Switchboard wrote for the same tenant (LaunchDarkly's expiring targets), or
 *    - a comment that holds our reason, or
 *    - for a provider whose on/off switch takes no comment (Unleash), no comment at all, when our entry
 *      is that flag turned on/off for everyone, the event says the same direction, and it was made by
 *      the identity our own recorded writes use (when any of them is in the log).
 * A failed change made nothing at the provider, so only rule 1 can tie an event to it.
 */
import type { AuditEntry, ProviderEvent } from '../../../electron/core/api';
import { onOffOf, type ProviderEventNote, readNote } from './provider-event-notes';

export interface SwitchboardRow {
  source: 'switchboard';
  key: string;
  /** epoch ms, for ordering */
  at: number;
  entry: AuditEntry;
  /** the provider's own record(s) of this change (several when a write was repaired), newest first */
  records: ProviderEvent[];
}

export interface ProviderRow {
  source: 'provider';
  key: string;
  at: number;
  event: ProviderEvent;
  /** the tenant the event's note names, when it has one */
  tenantId: string | null;
}

export type TimelineRow = SwitchboardRow | ProviderRow;

/** The provider's clock and ours may differ a little; its event can be logged just before our request time. */
export const MATCH_BEFORE_MS = 2_000;
/** A write lands within a few seconds of the request (or of its confirmation). */
export const MATCH_AFTER_MS = 5_000;

/** Providers whose on/off for everyone takes no comment, so their event of our toggle carries no note. */
const TOGGLES_WITHOUT_COMMENT = new Set(['unleash']);

interface Reading {
  event: ProviderEvent;
  at: number;
  note: ProviderEventNote;
}

export function mergeTimeline(
  entries: readonly AuditEntry[],
  events: readonly ProviderEvent[],
): TimelineRow[] {
  const records = new Map<string, ProviderEvent[]>();
  const record = (entry: AuditEntry, event: ProviderEvent) => {
    const list = records.get(entry.id);
    if (list) list.push(event);
    else records.set(entry.id, [event]);
  };
  const byId = new Map(entries.map((e) => [e.id, e]));
  const providerRows: ProviderRow[] = [];
  const loose: Reading[] = [];
  // the provider identity (token name, member) that Switchboard's writes are logged under
  const ourActors = new Set<string>();

  for (const reading of distinctReadings(events)) {
    const { event, note } = reading;
    if (note.auditId === null) {
      loose.push(reading);
      continue;
    }
    const entry = byId.get(note.auditId);
    if (entry && (event.flagKey === null || event.flagKey === entry.flagKey)) {
      record(entry, event);
      ourActors.add(event.actor);
    } else {
      providerRows.push(providerRow(reading));
    }
  }
  for (const reading of loose) {
    const entry = closestOwnEntry(reading, entries, ourActors);
    if (entry) record(entry, reading.event);
    else providerRows.push(providerRow(reading));
  }

  const rows: TimelineRow[] = [
    ...entries.map(
      (entry): SwitchboardRow => ({
        source: 'switchboard',
        key: `switchboard:${entry.id}`,
        at: timeOf(entry.at),
        entry,
        records: (records.get(entry.id) ?? []).sort((a, b) => timeOf(b.at) - timeOf(a.at)),
      }),
    ),
    ...providerRows,
  ];
  // newest first; at the same instant our row before the provider's
  return rows.sort(
    (a, b) => b.at - a.at || (a.source === b.source ? 0 : a.source === 'switchboard' ? -1 : 1),
  );
}

function distinctReadings(events: readonly ProviderEvent[]): Reading[] {
  const seen = new Set<string>();
  const out: Reading[] = [];
  for (const event of events) {
    const key = `${event.provider}:${event.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ event, at: timeOf(event.at), note: readNote(event.comment) });
  }
  return out;
}

function providerRow({ event, at, note }: Reading): ProviderRow {
  return { source: 'provider', key: `${event.provider}:${event.id}`, at, event, tenantId: note.tenantId };
}

function closestOwnEntry(
  reading: Reading,
  entries: readonly AuditEntry[],
  ourActors: ReadonlySet<string>,
): AuditEntry | null {
  let best: AuditEntry | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const entry of entries) {
    if (!isRecordOf(reading, entry, ourActors)) continue;
    const distance = Math.abs(reading.at - timeOf(entry.at));
    if (distance < bestDistance) {
      best = entry;
      bestDistance = distance;
    }
  }
  return best;
}

function isRecordOf(reading: Reading, entry: AuditEntry, ourActors: ReadonlySet<string>): boolean {
  const { event, note } = reading;
  if (entry.outcome === 'failed') return false;
  if (event.provider !== entry.provider || event.flagKey !== entry.flagKey) return false;
  if (!withinWindow(reading.at, entry)) return false;
  if (note.timeBox) return entry.tenantId !== null && note.tenantId === entry.tenantId;
  if (event.comment) {
    // (a comment that names a tenant carries an audit id too, and was settled by it)
    const reason = entry.reason.trim();
    return reason.length > 0 && event.comment.includes(reason);
  }
  return (
    TOGGLES_WITHOUT_COMMENT.has(event.provider) &&
    entry.tenantId === null &&
    onOffOf(event) === entry.value &&
    (ourActors.size === 0 || ourActors.has(event.actor))
  );
}

function withinWindow(at: number, entry: AuditEntry): boolean {
  const requested = timeOf(entry.at);
  const settled = entry.confirmedAt ? Math.max(requested, timeOf(entry.confirmedAt)) : requested;
  return at >= requested - MATCH_BEFORE_MS && at <= settled + MATCH_AFTER_MS;
}

/** Epoch ms of an ISO time; an unreadable one sorts last rather than breaking the order. */
function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}
