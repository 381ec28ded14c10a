import { describe, expect, it } from 'vitest';
import type { FlagInfo } from '../../../electron/core/api';
import type { ChangeIntent } from './actions-store';
import { reasonNote } from './reason-note';

const flag = { key: 'publish-events' } as FlagInfo;
const off: ChangeIntent = { kind: 'flag-enabled', flag, enabled: false };
const on: ChangeIntent = { kind: 'flag-enabled', flag, enabled: true };

describe('reasonNote', () => {
  it('says that Unleash keeps no reason for a flag-wide on/off, and where it is kept instead', () => {
    expect(reasonNote('unleash', off)).toBe(
      "Unleash records who turned publish-events off (the token or user) but not why; the reason is kept in Switchboard's audit.",
    );
    expect(reasonNote('unleash', on)).toMatch(/^Unleash records who turned publish-events on .*not why/);
  });

  it("says nothing where the provider keeps the reason itself, or Switchboard's audit is the only one", () => {
    // per-tenant Unleash changes carry the reason on the strategy they edit
    expect(reasonNote('unleash', { kind: 'flip', tenantId: 'acme', publish: false })).toBeNull();
    expect(
      reasonNote('unleash', { kind: 'flag', tenantId: 'acme', flagKey: 'tier', value: 'b', previous: 'a' }),
    ).toBeNull();
    expect(reasonNote('launchdarkly', off)).toBeNull();
    expect(reasonNote('embedded', off)).toBeNull();
    expect(reasonNote(undefined, off)).toBeNull();
  });
});
