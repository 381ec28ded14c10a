/**
 * Flags of the project the console cannot show in the configured environment, and why: JSON or mixed
 * variations (no place in the per-tenant model), no configuration for the environment, or an answer
 * of an unexpected shape. They are left out of the listing, never silently: the summary is what
 * Test connection and the provider's notices say.
 */

export interface SkippedFlag {
  key: string;
  reason: string;
}

/** Beyond this many, the summary counts the rest instead of naming them. */
const NAMED = 5;

/** "2 flags not shown: config-blob (JSON or mixed variations are not supported), …", or null. */
export function skippedFlagsSummary(skipped: readonly SkippedFlag[]): string | null {
  if (skipped.length === 0) return null;
  const named = skipped.slice(0, NAMED).map((flag) => `${flag.key} (${flag.reason})`);
  const rest = skipped.length - named.length;
  const count = skipped.length === 1 ? '1 flag' : `${skipped.length} flags`;
  return `${count} not shown: ${named.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}`;
}
