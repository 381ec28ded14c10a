/**
 * Compatibility with the published server-side stack: @openfeature/server-sdk with
 * @openfeature/ofrep-provider (one POST per evaluation) against our server, with a bearer token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type Client, OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedFlagProvider } from '../core/flags/embedded/embedded-flag-provider';
import { type OfrepServer, startOfrepServer } from './ofrep-server';

const token = 'server-sdk-token';
let dir: string;
let provider: EmbeddedFlagProvider;
let server: OfrepServer;
let client: Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-ofrep-server-sdk-'));
  provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
  server = await startOfrepServer({ provider, port: 0, token });
  await OpenFeature.setProviderAndWait(
    'switchboard',
    new OFREPProvider({ baseUrl: server.origin, headers: [['Authorization', `Bearer ${token}`]] }),
  );
  client = OpenFeature.getClient('switchboard');
});

afterAll(async () => {
  await OpenFeature.close();
  await server.close();
  await provider.close();
  await rm(dir, { recursive: true, force: true });
});

describe('@openfeature/server-sdk + @openfeature/ofrep-provider', () => {
  it('evaluates the kill switch for a tenant before and after a flip', async () => {
    const before = await client.getBooleanDetails('publish-events', false, { targetingKey: 'acme' });
    expect(before).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });
    expect(before.flagMetadata).toMatchObject({ kind: 'kill-switch' });

    await provider.setTenantValue('publish-events', 'acme', false, {
      actor: 'ops',
      reason: 'spike',
      auditId: 'a1',
    });

    const after = await client.getBooleanDetails('publish-events', true, { targetingKey: 'acme' });
    expect(after).toMatchObject({ value: false, variant: 'off', reason: 'TARGETING_MATCH' });
    expect(await client.getBooleanValue('publish-events', false, { targetingKey: 'globex' })).toBe(true);
  });

  it('reads a string flag and gets the code default with FLAG_NOT_FOUND for an unknown one', async () => {
    expect(await client.getStringValue('export-format', 'json', { targetingKey: 'acme' })).toBe('csv');
    const missing = await client.getBooleanDetails('no-such-flag', true, { targetingKey: 'acme' });
    expect(missing).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });
  });

  it('surfaces TARGETING_KEY_MISSING when the service forgets the tenant', async () => {
    const details = await client.getBooleanDetails('publish-events', true, {});
    expect(details).toMatchObject({ value: true, errorCode: 'TARGETING_KEY_MISSING' });
  });
});
