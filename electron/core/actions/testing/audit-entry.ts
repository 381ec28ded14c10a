import type { AuditEntry } from '../../api';

/**
 * An audit entry of acme's kill switch being turned off (pending, by "oncall", on the embedded
 * provider); `patch` makes it the entry a test needs.
 */
export function killSwitchEntry(patch: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 'a1',
    at: '2026-01-01T00:00:00.000Z',
    actor: 'oncall',
    action: 'set-tenant-flag',
    flagKey: 'publish-events',
    tenantId: 'acme',
    value: false,
    previous: true,
    reason: 'INC-7',
    timeboxMs: null,
    revertAt: null,
    provider: 'embedded',
    outcome: 'pending',
    error: null,
    confirmedAt: null,
    effect: null,
    approval: null,
    ...patch,
  };
}
