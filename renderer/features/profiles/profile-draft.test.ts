import { describe, expect, it } from 'vitest';
import type { Profile, ProfileView } from '../../../electron/core/api';
import { draftOf, emptyDraft, saveInput } from './profile-draft';

const viewOf = (profile: Profile): ProfileView => ({
  ...profile,
  secrets: { flagToken: { configured: true }, rabbitmqPassword: { configured: true } },
  transient: false,
});

/** Every field the form does not show, and an order where the broker (not the workload) gives the rates. */
const stored: Profile = {
  name: 'eu-prod',
  production: false,
  readOnly: false,
  flags: {
    kind: 'unleash',
    url: 'https://unleash.example.com',
    project: 'payments',
    environment: 'production',
    contextField: 'tenantId',
  },
  sources: [
    { kind: 'simulated', tenants: 7, spikeAfterMs: null },
    {
      kind: 'rabbitmq',
      id: 'broker-eu',
      url: 'http://ops@rabbit.example.com:15672',
      username: 'monitor',
      vhost: 'events',
      tenantRules: [{ from: 'queue', pattern: '^events\\.(.+)$' }],
    },
    {
      kind: 'prometheus',
      id: 'prom',
      url: 'http://prom.example.com:9090',
      query: 'sum by (customer) (rate(published_total[1m]))',
      tenantLabel: 'customer',
    },
    {
      kind: 'scrape',
      url: 'http://app.example.com:9464/metrics',
      counter: 'published_total',
      tenantLabel: 'customer',
    },
  ],
};

describe('profile form', () => {
  it('turns an Unleash draft with a broker into a profile and sends secrets only when typed', () => {
    const input = saveInput({
      ...emptyDraft(),
      name: ' prod ',
      production: true,
      kind: 'unleash',
      url: 'http://127.0.0.1:4242',
      environment: 'production',
      flagToken: 'secret-token',
      simulated: false,
      rabbitmqUrl: 'http://127.0.0.1:15672',
    });
    expect(input.profile).toEqual({
      name: 'prod',
      production: true,
      readOnly: false,
      flags: { kind: 'unleash', url: 'http://127.0.0.1:4242', project: 'default', environment: 'production' },
      sources: [{ kind: 'rabbitmq', url: 'http://127.0.0.1:15672' }],
    });
    expect(input.secrets).toEqual({ flagToken: 'secret-token' });
    expect(saveInput({ ...emptyDraft(), name: 'x' }).secrets).toBeUndefined();
  });

  it('falls back to the simulated workload when no source is given, and round-trips through edit', () => {
    const input = saveInput({ ...emptyDraft(), name: 'demo', simulated: false });
    expect(input.profile.sources).toEqual([{ kind: 'simulated' }]);
    const view = {
      ...input.profile,
      production: false,
      readOnly: true,
      flags: { kind: 'launchdarkly' as const, project: 'p', environment: 'e', contextKind: 'tenant' },
      sources: [{ kind: 'scrape' as const, url: 'http://127.0.0.1:9464/metrics' }],
      secrets: { flagToken: { configured: true }, rabbitmqPassword: { configured: false } },
      transient: false,
    };
    const draft = draftOf(view);
    expect(draft).toMatchObject({
      kind: 'launchdarkly',
      project: 'p',
      contextName: 'tenant',
      readOnly: true,
      flagToken: '',
    });
    expect(saveInput(draft).profile.sources).toEqual([
      { kind: 'scrape', url: 'http://127.0.0.1:9464/metrics' },
    ]);
  });

  it('saves an unchanged edit exactly as stored: nothing the form does not show is lost', () => {
    const input = saveInput(draftOf(viewOf(stored)));
    expect(input.profile).toEqual(stored);
    expect(input.secrets).toBeUndefined();
  });

  it('applies the edits on top of the stored profile: read-only keeps every source, its fields and order', () => {
    const draft = draftOf(viewOf(stored));
    const input = saveInput({
      ...draft,
      readOnly: true,
      production: true,
      environment: 'staging',
      prometheusUrl: 'http://prom-2.example.com:9090',
    });
    expect(input.profile).toEqual({
      ...stored,
      readOnly: true,
      production: true,
      flags: { ...stored.flags, environment: 'staging' },
      sources: [
        stored.sources[0],
        stored.sources[1],
        { ...stored.sources[2], url: 'http://prom-2.example.com:9090' },
        stored.sources[3],
      ],
    });
  });

  it('drops a source whose URL was cleared, adds a new one after the stored ones, keeps unknown flag fields', () => {
    const launchdarkly: Profile = {
      ...stored,
      flags: { kind: 'launchdarkly', project: 'p', environment: 'e', contextKind: 'account' },
      sources: [stored.sources[1]!],
    };
    const draft = draftOf(viewOf(launchdarkly));
    const input = saveInput({ ...draft, rabbitmqUrl: '', scrapeUrl: 'http://new.example.com/metrics' });
    expect(input.profile.flags).toEqual(launchdarkly.flags);
    expect(input.profile.sources).toEqual([{ kind: 'scrape', url: 'http://new.example.com/metrics' }]);
  });

  it('keeps the stored name: editing never renames (which would make a second profile without its secrets)', () => {
    const draft = draftOf(viewOf(stored));
    expect(saveInput({ ...draft, name: 'renamed' }).profile.name).toBe('eu-prod');
    expect(saveInput({ ...emptyDraft(), name: ' fresh ' }).profile.name).toBe('fresh');
  });
});
