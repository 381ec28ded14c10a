import { describe, expect, it } from 'vitest';
import { flagStoreIdentity, legacyTimeBoxProfile, sameFlagStore, timeBoxFileName } from './flag-store';
import type { FlagProviderConfig } from './profile-schema';

const unleash = (
  extra: Partial<Extract<FlagProviderConfig, { kind: 'unleash' }>> = {},
): FlagProviderConfig => ({
  kind: 'unleash',
  url: 'http://unleash.example.com:4242/api',
  project: 'default',
  environment: 'production',
  contextField: 'customerId',
  ...extra,
});

describe('flag stores', () => {
  it('every embedded profile is one store, kept in pending-reverts.json', () => {
    expect(timeBoxFileName({ kind: 'embedded' })).toBe('pending-reverts.json');
    expect(flagStoreIdentity({ kind: 'embedded' })).toBe('embedded');
  });

  it('a remote store is its server, project and environment — not how tenants are targeted, nor a user name', () => {
    expect(sameFlagStore(unleash(), unleash({ contextField: 'tenantId' }))).toBe(true);
    expect(sameFlagStore(unleash(), unleash({ url: 'http://ops@UNLEASH.example.com:4242/api/' }))).toBe(true);
    expect(sameFlagStore(unleash(), unleash({ environment: 'staging' }))).toBe(false);
    expect(sameFlagStore(unleash(), unleash({ project: 'billing' }))).toBe(false);
    expect(sameFlagStore(unleash(), unleash({ url: 'http://unleash.example.com:4243/api' }))).toBe(false);
    const ld = {
      kind: 'launchdarkly',
      project: 'default',
      environment: 'production',
      contextKind: 'tenant',
    } as const;
    expect(sameFlagStore(ld, { ...ld, baseUrl: 'https://app.launchdarkly.com/' })).toBe(true);
    expect(sameFlagStore(ld, unleash())).toBe(false);
  });

  it('names its file readably, safely and uniquely, apart from the per-profile files of older versions', () => {
    const name = timeBoxFileName(unleash({ project: 'Team A/B', environment: 'prod eu' }));
    expect(name).toMatch(
      /^pending-reverts@unleash-unleash\.example\.com_4242-team_a_b-prod_eu-[0-9a-f]{12}\.json$/,
    );
    // folding case and punctuation in the readable part does not merge two stores
    expect(timeBoxFileName(unleash({ project: 'team a/b', environment: 'prod eu' }))).not.toBe(name);
    expect(legacyTimeBoxProfile(name)).toBeNull();
    expect(legacyTimeBoxProfile('pending-reverts.json')).toBeNull();
    expect(legacyTimeBoxProfile('pending-reverts.command-line.json')).toBe('command-line');
    expect(legacyTimeBoxProfile('pending-reverts.prod.eu.json')).toBe('prod.eu');
  });
});
