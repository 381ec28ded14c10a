import { describe, expect, it } from 'vitest';
import { draftOf, emptyDraft, saveInput } from './profile-draft';

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
});
