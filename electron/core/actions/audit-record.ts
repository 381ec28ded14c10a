import { ApiError, type AuditEntry } from '../api';
import { errorText } from '../errors/error-text';
import type { AuditLog } from './audit-log';

/**
 * Append one version of an entry, durably, or refuse the action: an action whose record cannot be
 * written must not be reported (or, for an intent, must not happen).
 */
export async function recordOrRefuse<E extends AuditEntry>(
  audit: Pick<AuditLog, 'append'>,
  entry: E,
  refusal: (cause: string) => string,
): Promise<E> {
  try {
    await audit.append(entry);
  } catch (error) {
    throw new ApiError('INTERNAL', refusal(errorText(error)));
  }
  return entry;
}

/** What the entry is about, in words: "publish-events for acme", "publish-events for everyone". */
export function entrySubject(entry: Pick<AuditEntry, 'flagKey' | 'tenantId'>): string {
  return `${entry.flagKey} for ${entry.tenantId ?? 'everyone'}`;
}
