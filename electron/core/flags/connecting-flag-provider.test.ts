/** LaunchDarkly here is the CONTRACT SERVER (launchdarkly/testing), not the real service. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test-services/free-ports';
import type { FlagInfo } from '../api';
import { ConnectingFlagProvider } from './connecting-flag-provider';
import { type FlagProvider, FlagProviderError } from './flag-provider';
import { killSwitchSeed } from './launchdarkly/testing/kill-switch-seed';
import {
  type LdContractServer,
  startLdContractServer,
  WRITER_TOKEN,
} from './launchdarkly/testing/ld-contract-server';
import { createProviderOrKeepConnecting } from './provider-factory';

const FAST_RETRY = { minMs: 40, maxMs: 200 };
const write = { actor: 'oncall', reason: 'INC-7', auditId: 'a-1' };

let provider: FlagProvider | null = null;
let server: LdContractServer | null = null;

afterEach(async () => {
  vi.useRealTimers();
  await provider?.close();
  await server?.close();
  provider = null;
  server = null;
});

const ldConfig = (port: number) =>
  ({
    kind: 'launchdarkly',
    baseUrl: `http://127.0.0.1:${port}`,
    project: 'default',
    environment: 'production',
    contextKind: 'tenant',
  }) as const;

async function startServerOn(port: number): Promise<LdContractServer> {
  const started = await startLdContractServer({ port });
  started.addFlag('default', killSwitchSeed());
  return started;
}

function nextChange(of: FlagProvider): Promise<{ flagKeys: string[] }> {
  return new Promise((resolve) => {
    const off = of.onChange((change) => {
      off();
      resolve(change);
    });
  });
}

describe('a flag provider that keeps connecting', () => {
  it('refuses reads and writes with the reason until LaunchDarkly listens, then serves and tells its listeners', async () => {
    const port = await freePort();
    const connected: FlagProvider[] = [];
    provider = await createProviderOrKeepConnecting(ldConfig(port), {
      dataDir: '/nonexistent',
      token: async () => WRITER_TOKEN,
      retry: FAST_RETRY,
      onNotice: () => undefined,
      onConnected: (real) => connected.push(real),
    });
    expect(provider).toBeInstanceOf(ConnectingFlagProvider);
    expect(provider.kind).toBe('launchdarkly');
    expect(provider.label).toBe('LaunchDarkly default/production');
    const problem = provider.problem?.() ?? '';
    expect(problem).toMatch(
      new RegExp(
        `^LaunchDarkly at http://127\\.0\\.0\\.1:${port}: cannot connect \\(cannot reach LaunchDarkly .*\\) — (next attempt at \\d\\d:\\d\\d:\\d\\d|trying again now)$`,
      ),
    );
    expect(problem).not.toContain(WRITER_TOKEN);

    const read = await provider.listFlags().catch((error) => error);
    expect(read).toBeInstanceOf(FlagProviderError);
    expect(read.message).toMatch(/^LaunchDarkly at http:\/\/127\.0\.0\.1:\d+ is not connected: cannot reach/);
    await expect(provider.setTenantValue('publish-events', 'acme', false, write)).rejects.toThrow(
      /is not connected/,
    );
    await expect(provider.tenantFlags('acme')).rejects.toThrow(/is not connected/);
    expect(provider.valuesFor('publish-events', ['acme']).size).toBe(0);

    const order: string[] = [];
    const whenConnected = (provider as ConnectingFlagProvider).whenConnected();
    void whenConnected.then(() => order.push('whenConnected'));
    const change = nextChange(provider);
    void change.then(() => order.push('listeners'));
    server = await startServerOn(port);
    expect((await change).flagKeys).toEqual(['publish-events']);
    expect(connected).toHaveLength(1);
    // What waited for the connection runs first: it is queued before anything the listeners start.
    expect(order).toEqual(['whenConnected', 'listeners']);
    expect(await whenConnected).toBe(connected[0]);
    expect(provider.problem?.()).toBeNull();
    expect(((await provider.listFlags()) as FlagInfo[]).map((flag) => flag.key)).toEqual(['publish-events']);

    // Writes now reach LaunchDarkly, and the values follow.
    await provider.setTenantValue('publish-events', 'acme', false, write);
    const targets = server.flag('default', 'publish-events').environments.production!.contextTargets;
    expect(targets).toEqual([expect.objectContaining({ contextKind: 'tenant', values: ['acme'] })]);
    expect(await provider.servedValue('publish-events', 'acme')).toBe(false);
  });

  it('says a token is missing, and connects once one is set', async () => {
    server = await startServerOn(0);
    let token: string | null = null;
    provider = await createProviderOrKeepConnecting(
      { ...ldConfig(0), baseUrl: server.url },
      { dataDir: '/nonexistent', token: async () => token, retry: FAST_RETRY },
    );
    expect(provider.problem?.()).toMatch(
      /^LaunchDarkly at http:\/\/127\.0\.0\.1:\d+: cannot connect \(LaunchDarkly: no API token is set for this profile \(profile secret "flagToken"\)\)/,
    );
    await expect(provider.listFlags()).rejects.toThrow(/no API token is set/);

    const change = nextChange(provider);
    token = WRITER_TOKEN;
    await change;
    expect(provider.problem?.()).toBeNull();
  });

  it('names Unleash by its URL, without the user name in it', async () => {
    const port = await freePort();
    provider = await createProviderOrKeepConnecting(
      {
        kind: 'unleash',
        url: `http://ops@127.0.0.1:${port}/unleash/`,
        project: 'default',
        environment: 'production',
        contextField: 'customerId',
      },
      { dataDir: '/nonexistent', token: async () => 'unleash-admin-token', retry: FAST_RETRY },
    );
    const problem = provider.problem?.() ?? '';
    expect(problem).toMatch(
      new RegExp(`^Unleash at http://127\\.0\\.0\\.1:${port}/unleash: cannot connect \\(`),
    );
    expect(problem).not.toMatch(/ops@|unleash-admin-token/);
    expect(provider.label).toBe(`Unleash 127.0.0.1:${port} (production)`);
  });

  it('returns the provider itself when it connects at once', async () => {
    server = await startServerOn(0);
    provider = await createProviderOrKeepConnecting(
      { ...ldConfig(0), baseUrl: server.url },
      { dataDir: '/nonexistent', token: async () => WRITER_TOKEN },
    );
    expect(provider).not.toBeInstanceOf(ConnectingFlagProvider);
    expect(provider.problem?.()).toBeNull();
  });

  it('backs off between attempts, says when the next one is, and stops trying once closed', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2025, 2, 14, 14, 5, 30)); // local time
    let attempts = 0;
    const connecting = new ConnectingFlagProvider({
      kind: 'unleash',
      label: 'Unleash flags.example.test (production)',
      target: 'Unleash at https://flags.example.test',
      firstError: new Error('connect ECONNREFUSED'),
      connect: async () => {
        attempts += 1;
        throw new Error(`still refused (${attempts})`);
      },
      retry: { minMs: 1_000, maxMs: 4_000 },
      random: () => 1,
    });
    expect(connecting.problem()).toBe(
      'Unleash at https://flags.example.test: cannot connect (connect ECONNREFUSED) — next attempt at 14:05:31',
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(attempts).toBe(1);
    // doubled: the next attempt is 2 s away, and the latest cause is the one shown
    const waiting =
      'Unleash at https://flags.example.test: cannot connect (still refused (1)) — next attempt at 14:05:33';
    expect(connecting.problem()).toBe(waiting);
    // The text stays put while it waits: no status change (and no reload in every window) each second.
    await vi.advanceTimersByTimeAsync(1_500);
    expect(connecting.problem()).toBe(waiting);
    await vi.advanceTimersByTimeAsync(499);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(2);

    await connecting.close();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(attempts).toBe(2);
  });

  it('closes a provider that connects after the stand-in was closed', async () => {
    vi.useFakeTimers();
    let release: (real: FlagProvider) => void = () => undefined;
    const closed: string[] = [];
    const connecting = new ConnectingFlagProvider({
      kind: 'launchdarkly',
      label: 'LaunchDarkly default/production',
      target: 'LaunchDarkly at https://app.launchdarkly.com',
      firstError: new Error('401'),
      connect: () => new Promise((resolve) => (release = resolve)),
      retry: { minMs: 1_000, maxMs: 1_000 },
      random: () => 1,
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(connecting.problem()).toMatch(/— trying again now$/);
    await connecting.close();
    release({ close: async () => void closed.push('real') } as unknown as FlagProvider);
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toEqual(['real']);
    expect(connecting.connected()).toBeNull();
  });
});
