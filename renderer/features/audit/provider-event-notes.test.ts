import { describe, expect, it } from 'vitest';
import { onOffOf, readNote } from './provider-event-notes';

describe('readNote', () => {
  it('reads the tenant and audit id from Unleash’s note, repaired or not', () => {
    const note = 'acme off — alice: floods the broker (Switchboard audit 3f2a-1)';
    expect(readNote(note)).toEqual({ auditId: '3f2a-1', tenantId: 'acme', timeBox: false });
    expect(readNote(`${note} (repair 2)`)).toEqual({ auditId: '3f2a-1', tenantId: 'acme', timeBox: false });
  });

  it('reads the audit id from LaunchDarkly’s comment, which names no tenant', () => {
    expect(readNote('floods the broker — alice via Switchboard (audit 9c-7)')).toEqual({
      auditId: '9c-7',
      tenantId: null,
      timeBox: false,
    });
  });

  it('reads the tenant from the time-box comments, which carry no audit id', () => {
    expect(readNote('Switchboard time box: acme reverts to true at 2024-05-01T11:00:00.000Z')).toEqual({
      auditId: null,
      tenantId: 'acme',
      timeBox: true,
    });
    expect(
      readNote('Switchboard: acme no longer reverts on publish-events at 2024-05-01T11:00:00.000Z'),
    ).toEqual({
      auditId: null,
      tenantId: 'acme',
      timeBox: true,
    });
  });

  it('reads nothing from a person’s comment or none, even one shaped like our note', () => {
    expect(readNote(null)).toEqual({ auditId: null, tenantId: null, timeBox: false });
    expect(readNote('')).toEqual({ auditId: null, tenantId: null, timeBox: false });
    expect(readNote('acme off — bob: manual fix')).toEqual({ auditId: null, tenantId: null, timeBox: false });
  });
});

describe('onOffOf', () => {
  it('reads the direction of an on/off event', () => {
    expect(onOffOf({ summary: 'admin enabled publish-events for the production environment' })).toBe(true);
    expect(onOffOf({ summary: 'admin disabled publish-events for the production environment' })).toBe(false);
    expect(onOffOf({ summary: 'Alex turned off the flag Publish events' })).toBe(false);
  });

  it('says nothing for other events, or when a summary says both', () => {
    expect(onOffOf({ summary: 'admin updated publish-events in project default' })).toBeNull();
    expect(onOffOf({ summary: 'admin enabled x and disabled y' })).toBeNull();
  });
});
