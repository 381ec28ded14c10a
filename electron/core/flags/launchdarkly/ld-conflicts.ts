/**
 * The changes pending on a flag that LaunchDarkly says a write conflicts with, as short lines a person
 * can read before deciding to override them. LaunchDarkly documents the refusal (400; `ignoreConflicts`
 * overrides it) and its `Conflict` shape elsewhere (`{instruction, reason}`, on approval requests and
 * scheduled changes), but not the 400 body itself — so every item is read leniently: whatever it
 * carries that describes the pending change is kept, and nothing in it can hide the refusal.
 */

/** More would not help a person decide, and the audit entry's error text carries them all. */
const MAX_LISTED = 10;
const MAX_CHARS = 300;

export function conflictDescriptions(items: readonly unknown[] | null | undefined): string[] {
  const described = (items ?? [])
    .map(describe)
    .filter((line): line is string => line !== null && line !== '');
  if (described.length <= MAX_LISTED) return described;
  return [...described.slice(0, MAX_LISTED), `and ${described.length - MAX_LISTED} more`];
}

function describe(item: unknown): string | null {
  if (typeof item === 'string') return clip(item);
  if (!item || typeof item !== 'object') return null;
  const record = item as Record<string, unknown>;
  const why = text(record.reason) ?? text(record.message) ?? text(record.description);
  const pending = instructionText(record.instruction);
  if (why && pending) return clip(`${why} (pending: ${pending})`);
  return why ? clip(why) : pending ? clip(`pending: ${pending}`) : null;
}

/** `turnFlagOff`, `addTargets tenant acme, globex`: what the pending change would do. */
function instructionText(instruction: unknown): string | null {
  if (!instruction || typeof instruction !== 'object') return null;
  const { kind, contextKind, values } = instruction as Record<string, unknown>;
  if (typeof kind !== 'string') return null;
  const keys = Array.isArray(values) ? values.filter((v) => typeof v === 'string').join(', ') : '';
  return [kind, typeof contextKind === 'string' && keys ? contextKind : null, keys || null]
    .filter(Boolean)
    .join(' ');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function clip(line: string): string {
  const flat = line.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_CHARS ? `${flat.slice(0, MAX_CHARS - 1)}…` : flat;
}
