/** A tenant switch is one flag for one tenant (null: for everyone); this is its key in maps and queues. */
export function switchKey(flagKey: string, tenantId: string | null): string {
  // Flag keys cannot contain a space (see flagKeySchema) and tenant ids cannot be "*", so the pair
  // cannot be ambiguous.
  return `${flagKey} ${tenantId ?? '*'}`;
}
