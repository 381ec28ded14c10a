import type { AuditEntry } from '../api';
import type { FlagToggleService } from './flag-toggle-service';
import type { FlipService } from './flip-service';
import type { PendingRevert } from './pending-revert';

/** Where an expired time box goes: a tenant's switch back through the flip path, a flag-wide one through the toggle path. */
export function revertThrough(
  flips: () => FlipService,
  toggles: () => FlagToggleService,
): (pending: PendingRevert) => Promise<AuditEntry> {
  return (pending) =>
    pending.tenantId === null
      ? toggles().revert(pending)
      : flips().revert({ ...pending, tenantId: pending.tenantId });
}
