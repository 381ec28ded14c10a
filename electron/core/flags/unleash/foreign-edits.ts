/**
 * The one loss a tested patch cannot prevent: someone else's edit (a person in Unleash's UI, another
 * tool) committed inside Unleash's read-then-write of ours, and ours wrote over it. Their event is in
 * the log: what they added or removed (the tenants Switchboards were setting aside) must still show.
 * Edits by other Switchboards are left out: they check and re-apply their own (StrategyEditor.settle).
 */
import { FlagProviderError } from '../flag-provider';
import type { FeatureReader } from './feature-reader';
import type { Applied } from './strategy-editor';
import { strategyName } from './tenant-lists';
import { type StrategyData, strategyData, switchboardNote, type UnleashEventLog } from './unleash-event-log';
import type { Strategy } from './unleash-schemas';

export interface ForeignEditCheck {
  flagKey: string;
  /** the change, as messages name it ("publish-events for acme") */
  what: string;
  applied: readonly Applied[];
  tenantId: string;
  /** the flag's newest event id before writing; null: the event log cannot be read */
  since: number | null;
}

/** Refuse, saying what to redo, when an edit of someone else's is gone after ours was written. */
export async function checkForeignEdits(
  log: UnleashEventLog,
  reader: FeatureReader,
  check: ForeignEditCheck,
): Promise<void> {
  const { flagKey, what, applied, tenantId, since } = check;
  if (since === null || !log.usable) return;
  const events = (await log.strategyUpdates(flagKey)).filter((e) => e.id > since);
  // Tenants that Switchboards (this one included) were setting meanwhile: theirs to settle.
  const touched = new Set<string>([tenantId]);
  for (const e of events) {
    const tenant = noteTenant(switchboardNote(e));
    if (tenant) touched.add(tenant);
  }
  for (const done of applied) {
    const theirs = events.filter(
      (e) => switchboardNote(e) === null && strategyData(e.data)?.id === done.strategyId,
    );
    if (theirs.length === 0) continue;
    const current = await reader.strategy(flagKey, done.strategyId);
    for (const event of theirs) {
      const missing = lostValues(strategyData(event.preData), strategyData(event.data), current, touched);
      if (missing.length === 0) continue;
      throw new FlagProviderError(
        `${what}: applied, but it was written at the same moment as an edit of the strategy "${strategyName(done.step)}" by ${event.createdBy ?? 'someone'} (Unleash event ${event.id}), and that edit (${missing.join(', ')}) is no longer there: check Unleash's event log and redo it`,
      );
    }
  }
}

/** The tenant a reason note is about (see reasonNote: "acme off — alice: ..."). */
function noteTenant(note: string | null): string | null {
  return note === null ? null : (/^(\S+) (?:on|off) — /.exec(note)?.[1] ?? null);
}

/** List values per constraint (context field, operator, inversion), as sets. */
function listValues(data: StrategyData): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const c of data?.constraints ?? []) {
    const key = JSON.stringify([c.contextName, c.operator, !!c.inverted]);
    const set = map.get(key) ?? new Set<string>();
    for (const v of c.values ?? []) set.add(v);
    map.set(key, set);
  }
  return map;
}

/** What an edit (before → after) added or removed that `current` no longer shows, `ignore` aside. */
function lostValues(
  before: StrategyData,
  after: StrategyData,
  current: Strategy | undefined,
  ignore: Set<string>,
): string[] {
  const was = listValues(before);
  const is = listValues(after);
  const now = listValues(current ?? null);
  const lost: string[] = [];
  for (const key of new Set([...was.keys(), ...is.keys()])) {
    const [field, operator] = JSON.parse(key) as [string, string];
    const a = was.get(key) ?? new Set<string>();
    const b = is.get(key) ?? new Set<string>();
    const c = now.get(key) ?? new Set<string>();
    for (const v of b) if (!a.has(v) && !c.has(v) && !ignore.has(v)) lost.push(`${field} ${operator} +${v}`);
    for (const v of a) if (!b.has(v) && c.has(v) && !ignore.has(v)) lost.push(`${field} ${operator} -${v}`);
  }
  return lost;
}
