/** An error's message for a human (an audit entry, an API error), whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
