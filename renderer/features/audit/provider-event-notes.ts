/**
 * What Switchboard writes into a flag provider's own log, read back from a ProviderEvent: the audit
 * id and tenant its notes carry, and which way an on/off event went. The note formats are the
 * adapters' own (electron/core/flags): Unleash's `reasonNote` ("acme off — alice: floods the broker
 * (Switchboard audit a-1)", repairs suffixed " (repair 1)"), LaunchDarkly's `commentOf` ("floods the
 * broker — alice via Switchboard (audit a-1)") and its time-box comments, which carry no audit id.
 */
import type { ProviderEvent } from '../../../electron/core/api';

export interface ProviderEventNote {
  /** the Switchboard audit id the change carried, when it came from a Switchboard */
  auditId: string | null;
  /** the tenant the note names (Unleash's notes and the time-box comments do; LaunchDarkly's reason does not) */
  tenantId: string | null;
  /** a comment Switchboard wrote when it set or cleared a time box at the provider */
  timeBox: boolean;
}

const AUDIT_ID = /\((?:Switchboard )?audit ([^\s()]+)\)/;
const UNLEASH_NOTE_TENANT = /^(\S+) (?:on|off) — /;
const TIME_BOX_SET = /^Switchboard time box: (\S+) reverts to /;
const TIME_BOX_CLEARED = /^Switchboard: (\S+) no longer reverts on /;

export function readNote(comment: string | null): ProviderEventNote {
  if (!comment) return { auditId: null, tenantId: null, timeBox: false };
  const timeBoxTenant = TIME_BOX_SET.exec(comment)?.[1] ?? TIME_BOX_CLEARED.exec(comment)?.[1] ?? null;
  if (timeBoxTenant) return { auditId: null, tenantId: timeBoxTenant, timeBox: true };
  const auditId = AUDIT_ID.exec(comment)?.[1] ?? null;
  // Only Unleash's note starts with the tenant; a free-text comment that happens to read "x on — …" is
  // not trusted without the audit id that our notes always end with.
  const tenantId = auditId ? (UNLEASH_NOTE_TENANT.exec(comment)?.[1] ?? null) : null;
  return { auditId, tenantId, timeBox: false };
}

const TURNED_ON = /\b(?:enabled|turned on)\b/i;
const TURNED_OFF = /\b(?:disabled|turned off)\b/i;

/**
 * true/false when the provider's summary says the flag was turned on/off ("admin enabled publish-events
 * for the production environment"); null when it says something else or both.
 */
export function onOffOf(event: Pick<ProviderEvent, 'summary'>): boolean | null {
  const on = TURNED_ON.test(event.summary);
  const off = TURNED_OFF.test(event.summary);
  return on === off ? null : on;
}
