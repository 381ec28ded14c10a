/**
 * The changes this process is carrying out right now, by audit id. Their entries read 'pending' until
 * they conclude; the start-up reconciliation must leave them alone (a profile re-activated while a
 * flip of the old session is still running), so this is per process, not per service.
 */
const inFlight = new Set<string>();

export async function whileInFlight<T>(auditId: string, run: () => Promise<T>): Promise<T> {
  inFlight.add(auditId);
  try {
    return await run();
  } finally {
    inFlight.delete(auditId);
  }
}

export function isInFlight(auditId: string): boolean {
  return inFlight.has(auditId);
}
