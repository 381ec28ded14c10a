/** LaunchDarkly here is the CONTRACT SERVER (launchdarkly/testing), not the real service. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-services/free-ports';
import type { ConnectingFlagProvider } from './connecting-flag-provider';
import type { FlagProvider } from './flag-provider';
import type { LaunchDarklyFlagProvider } from './launchdarkly/launchdarkly-flag-provider';
import {
  type LdContractServer,
  startLdContractServer,
  WRITER_TOKEN,
} from './launchdarkly/testing/ld-contract-server';
import { createProvider, createProviderOrKeepConnecting } from './provider-factory';

let server: LdContractServer;
let provider: FlagProvider | null;

beforeEach(async () => {
  server = await startLdContractServer();
  server.addFlag('default', { key: 'publish-events', variations: [{ value: true }, { value: false }] });
  provider = null;
});

afterEach(async () => {
  await provider?.close();
  await server.close();
});

describe('createProvider: LaunchDarkly', () => {
  it("connects the provider's notices and shows a failing poll as its problem", async () => {
    const notices: string[] = [];
    provider = await createProvider(
      {
        kind: 'launchdarkly',
        baseUrl: server.url,
        project: 'default',
        environment: 'production',
        contextKind: 'tenant',
      },
      { dataDir: '/nonexistent', token: WRITER_TOKEN, onNotice: (notice) => notices.push(notice) },
    );
    expect(provider.problem?.()).toBeNull();

    server.failNext(1, { status: 401, body: { code: 'unauthorized', message: 'Invalid access token' } });
    await (provider as LaunchDarklyFlagProvider).pollOnce();
    expect(provider.problem?.()).toMatch(/rejected the access token \(401\)/);
    expect(notices).toEqual([
      expect.stringMatching(/^LaunchDarkly default\/production: polling LaunchDarkly failed: .*401/),
    ]);
  });

  it('logs notices when no one else takes them', async () => {
    const warned: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args);
    try {
      provider = await createProvider(
        {
          kind: 'launchdarkly',
          baseUrl: server.url,
          project: 'default',
          environment: 'production',
          contextKind: 'tenant',
        },
        { dataDir: '/nonexistent', token: WRITER_TOKEN },
      );
      server.failNext(1, { status: 403, body: { code: 'forbidden', message: 'token revoked' } });
      await (provider as LaunchDarklyFlagProvider).pollOnce();
    } finally {
      console.warn = warn;
    }
    expect(warned).toEqual([
      [
        expect.stringMatching(
          /^switchboard: LaunchDarkly default\/production: polling LaunchDarkly failed: .*403/,
        ),
      ],
    ]);
  });
});

describe('createProviderOrKeepConnecting', () => {
  it('logs nothing for attempts that fail, and passes on the notices of the provider once connected', async () => {
    const port = await freePort();
    const notices: string[] = [];
    let connected: () => void = () => undefined;
    const whenConnected = new Promise<void>((resolve) => (connected = resolve));
    provider = await createProviderOrKeepConnecting(
      {
        kind: 'launchdarkly',
        baseUrl: `http://127.0.0.1:${port}`,
        project: 'default',
        environment: 'production',
        contextKind: 'tenant',
      },
      {
        dataDir: '/nonexistent',
        token: async () => WRITER_TOKEN,
        retry: { minMs: 40, maxMs: 200 },
        onNotice: (notice) => notices.push(notice),
        onConnected: () => connected(),
      },
    );
    expect(provider.problem?.()).toMatch(/cannot connect/);

    const late = await startLdContractServer({ port });
    try {
      late.addFlag('default', { key: 'publish-events', variations: [{ value: true }, { value: false }] });
      await whenConnected;
      expect(notices).toEqual([]);
      late.failNext(1, { status: 401, body: { code: 'unauthorized', message: 'Invalid access token' } });
      await ((provider as ConnectingFlagProvider).connected() as LaunchDarklyFlagProvider).pollOnce();
      expect(notices).toEqual([
        expect.stringMatching(/^LaunchDarkly default\/production: polling LaunchDarkly failed: .*401/),
      ]);
      expect(provider.problem?.()).toMatch(/rejected the access token \(401\)/);
    } finally {
      await provider.close();
      provider = null;
      await late.close();
    }
  });
});
