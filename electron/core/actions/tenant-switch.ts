/** A tenant switch is one flag for one tenant; this is its key in maps and queues. */
export function switchKey(flagKey: string, tenantId: string): string {
  // Flag keys cannot contain a space (see flagKeySchema), so the pair cannot be ambiguous.
  return `${flagKey} ${tenantId}`;
}
