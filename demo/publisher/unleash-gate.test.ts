/**
 * The Unleash-backed gate against a real unleash-server, flipped through Switchboard's own
 * UnleashFlagProvider: what a publisher sees, and how fast.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteContext } from '../../electron/core/flags/flag-provider';
import { UnleashFlagProvider } from '../../electron/core/flags/unleash/unleash-flag-provider';
import { startUnleash, type UnleashInstance } from '../../test-services/unleash-instance';
import { UnleashGate } from './unleash-gate';

const ctx: WriteContext = { actor: 'ops', reason: 'gate test', auditId: 'g1' };
let server: UnleashInstance;
let backendToken: string;
let provider: UnleashFlagProvider;
const gates: UnleashGate[] = [];

beforeAll(async () => {
  server = await startUnleash();
  backendToken = await server.createToken({
    tokenName: 'publisher',
    type: 'backend',
    environment: 'development',
  });
  await server.api('POST', '/api/admin/projects/default/features', {
    name: 'publish-events',
    type: 'kill-switch',
  });
  await server.api('POST', '/api/admin/projects/default/features/publish-events/environments/development/on');
  provider = new UnleashFlagProvider({ url: server.url, token: server.adminToken });
}, 180_000);

afterAll(async () => {
  for (const gate of gates) await gate.close();
  await provider?.close();
  await server?.stop();
}, 60_000);

function gate(options: Partial<ConstructorParameters<typeof UnleashGate>[0]> = {}): UnleashGate {
  const created = new UnleashGate({ url: server.url, token: backendToken, ...options });
  gates.push(created);
  return created;
}

function nextChange(g: UnleashGate, timeoutMs = 10_000): Promise<{ ids: string[]; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no change within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = g.onChange((ids) => {
      clearTimeout(timer);
      off();
      resolve({ ids, ms: Date.now() - started });
    });
  });
}

describe('UnleashGate', () => {
  it('allows everyone before the first answer, then follows the kill switch per tenant', async () => {
    const g = gate();
    g.setTenants(['acme', 'globex']);
    expect(g.allowed('acme')).toBe(true);
    expect(await g.whenReady()).toBe(true);
    expect(g.state()).toMatchObject({ ready: true, error: null, evaluated: 2 });
    expect(g.allowed('acme')).toBe(true);

    const off = nextChange(g);
    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    const seen = await off;
    expect(seen.ids).toEqual(['acme']);
    expect(seen.ms).toBeLessThan(5_000);
    expect(g.allowed('acme')).toBe(false);
    expect(g.allowed('globex')).toBe(true);
    // A tenant it was not told about is evaluated on first sight.
    expect(g.allowed('initech')).toBe(true);

    const on = nextChange(g);
    await provider.setTenantValue('publish-events', 'acme', true, ctx);
    expect((await on).ids).toEqual(['acme']);
    expect(g.allowed('acme')).toBe(true);
  });

  it('stops every tenant when the flag is off in the environment', async () => {
    const g = gate();
    g.setTenants(['acme', 'globex']);
    await g.whenReady();
    const change = nextChange(g);
    await provider.setFlagEnabled('publish-events', false, ctx);
    expect((await change).ids.sort()).toEqual(['acme', 'globex']);
    expect(g.allowed('acme')).toBe(false);
    const back = nextChange(g);
    await provider.setFlagEnabled('publish-events', true, ctx);
    await back;
    expect(g.allowed('globex')).toBe(true);
  });

  it('announces a killed tenant when it is added to the set', async () => {
    await provider.setTenantValue('publish-events', 'umbrella', false, ctx);
    const g = gate();
    await g.whenReady();
    const seen: string[][] = [];
    g.onChange((ids) => seen.push(ids));
    g.setTenants(['umbrella', 'acme']);
    // Right away when the SDK's first answer had the kill; else when the next poll brings it
    // (Unleash's client API caches for about a second).
    for (let i = 0; i < 50 && seen.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([['umbrella']]);
    expect(g.allowed('umbrella')).toBe(false);
    // Leaving the set: allowed until evaluated again.
    g.setTenants(['acme']);
    expect(seen.at(-1)).toEqual(['umbrella']);
    await provider.setTenantValue('publish-events', 'umbrella', true, ctx);
  });

  it('fails open for an unknown flag and says why it cannot poll, without the token', async () => {
    const unknown = gate({ flagKey: 'no-such-flag' });
    unknown.setTenants(['acme']);
    await unknown.whenReady();
    expect(unknown.allowed('acme')).toBe(true);

    const secret = '*:development.not-a-real-token';
    const denied = gate({ token: secret });
    expect(await denied.whenReady(2_500)).toBe(false);
    expect(denied.allowed('acme')).toBe(true);
    expect(denied.state().error).toMatch(/401/);
    expect(denied.state().error).not.toContain(secret);
  });
});
