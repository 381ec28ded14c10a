import { describe, expect, it } from 'vitest';
import type { AuditEntry, ProviderEvent } from '../../../electron/core/api';
import { mergeTimeline } from './audit-timeline';
import { providerName } from './provider-name';
import { filterTerms, matchesTerms, rowsForTenant } from './timeline-filter';

const at = '2024-05-01T10:00:00.000Z';
const later = '2024-05-01T10:05:00.000Z';

const ours: AuditEntry = {
  id: 'a-1',
  at,
  actor: 'alice',
  action: 'set-tenant-flag',
  flagKey: 'publish-events',
  tenantId: 'acme',
  value: false,
  previous: true,
  reason: 'INC-11 flood',
  timeboxMs: null,
  revertAt: null,
  provider: 'unleash',
  outcome: 'applied',
  error: null,
  confirmedAt: at,
  effect: null,
  approval: null,
};
const recordOfOurs: ProviderEvent = {
  id: '1',
  at,
  provider: 'unleash',
  actor: 'sb-token',
  flagKey: 'publish-events',
  summary: 'sb-token updated publish-events',
  comment: 'acme off — alice: INC-11 flood (Switchboard audit a-1)',
};
const directEdit: ProviderEvent = {
  id: '2',
  at: later,
  provider: 'unleash',
  actor: 'bob',
  flagKey: 'checkout-v2',
  summary: 'bob enabled checkout-v2 for the production environment',
  comment: null,
};
const mentionsAcme: ProviderEvent = {
  id: '3',
  at: later,
  provider: 'unleash',
  actor: 'bob',
  flagKey: 'publish-events',
  summary: 'bob added acme to the constraint of publish-events',
  comment: null,
};
const mentionsLookalike: ProviderEvent = {
  ...mentionsAcme,
  id: '4',
  summary: 'bob added acme-eu and notacme',
};

const rows = mergeTimeline([ours], [recordOfOurs, directEdit, mentionsAcme, mentionsLookalike]);
const name = (kind: string) =>
  providerName(kind, { kind: 'unleash', label: 'Unleash 127.0.0.1:4242 (production)' });
const shown = (text: string) =>
  rows.filter((r) => matchesTerms(r, filterTerms(text), name)).map((r) => r.key);

describe('the filter box', () => {
  it('applies to our rows and the provider’s alike', () => {
    expect(shown('checkout-v2')).toEqual(['unleash:2']);
    expect(shown('bob')).toEqual(['unleash:2', 'unleash:3', 'unleash:4']);
    expect(shown('INC-11')).toEqual(['switchboard:a-1']);
    expect(shown('ACME added')).toEqual(['unleash:3', 'unleash:4']);
  });

  it('finds rows by where they come from, our changes Unleash recorded among them', () => {
    expect(shown('switchboard')).toEqual(['switchboard:a-1']);
    expect(shown('unleash')).toHaveLength(4);
  });

  it('shows everything when empty, nothing when a word matches nowhere', () => {
    expect(shown('   ')).toHaveLength(4);
    expect(shown('acme nothing-like-this')).toEqual([]);
  });
});

describe('rowsForTenant', () => {
  it('keeps our entries for the tenant and the provider events that name it as a word', () => {
    expect(rowsForTenant(rows, 'acme').map((r) => r.key)).toEqual(['unleash:3', 'switchboard:a-1']);
  });

  it('drops our entries for other tenants and provider events that name nobody', () => {
    expect(rowsForTenant(rows, 'globex')).toEqual([]);
  });

  it('keeps a provider event whose note names the tenant', () => {
    const other = mergeTimeline(
      [],
      [{ ...recordOfOurs, id: '9', comment: 'globex on — bob: ok (Switchboard audit b-1)' }],
    );
    expect(rowsForTenant(other, 'globex').map((r) => r.key)).toEqual(['unleash:9']);
    expect(rowsForTenant(other, 'acme')).toEqual([]);
  });
});

describe('providerName', () => {
  it('takes the first word of the active provider’s label, the kind otherwise', () => {
    expect(name('unleash')).toBe('Unleash');
    expect(
      providerName('launchdarkly', { kind: 'launchdarkly', label: 'LaunchDarkly shop/production' }),
    ).toBe('LaunchDarkly');
    expect(providerName('launchdarkly', { kind: 'unleash', label: 'Unleash x' })).toBe('launchdarkly');
    expect(providerName('unleash', null)).toBe('unleash');
  });
});
