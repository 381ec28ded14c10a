/**
 * "Test connection" of a LaunchDarkly profile. LaunchDarkly here is the CONTRACT SERVER
 * (flags/launchdarkly/testing), which stands in for its documented REST API — not the real service.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LdContractServer,
  startLdContractServer,
  WRITER_TOKEN,
} from '../flags/launchdarkly/testing/ld-contract-server';
import { testProfile } from './profile-check';
import type { Profile } from './profile-schema';

let server: LdContractServer;

beforeEach(async () => {
  server = await startLdContractServer();
  server.addFlag('default', {
    key: 'publish-events',
    variations: [{ value: true }, { value: false }],
    environments: { production: { on: true, fallthrough: 0 } },
  });
  server.addFlag('default', {
    key: 'config-blob',
    variations: [{ value: { a: 1 } }, { value: { a: 2 } }],
    environments: { production: { on: true, fallthrough: 0 } },
  });
});

afterEach(async () => {
  await server.close();
});

function ldProfile(environment: string): Profile {
  return {
    name: 'ld',
    production: false,
    readOnly: false,
    flags: {
      kind: 'launchdarkly',
      baseUrl: server.url,
      project: 'default',
      environment,
      contextKind: 'tenant',
    },
    sources: [],
  };
}

const deps = { dataDir: '/nonexistent', token: WRITER_TOKEN, rabbitmqPassword: null };

describe('Test connection of a LaunchDarkly profile (contract server, not the real service)', () => {
  it('fails on a mistyped environment, naming the ones the project has, instead of passing with "0 flags"', async () => {
    const result = await testProfile(ldProfile('prodd'), deps);
    expect(result).toEqual({
      ok: false,
      checks: [
        {
          part: 'flags (launchdarkly)',
          ok: false,
          message:
            'environment "prodd" does not exist in LaunchDarkly project "default" (its environments: production, staging): check the environment key of the profile',
        },
      ],
    });
  });

  it('passes with the flags it cannot show named and why', async () => {
    const result = await testProfile(ldProfile('production'), deps);
    expect(result.ok).toBe(true);
    expect(result.checks[0]!.message).toMatch(
      /^1 flag · 1 flag not shown: config-blob \(JSON or mixed variations are not supported\) · can write: not checked/,
    );
  });
});
