/**
 * Against a REAL unleash-server (test-services/unleash-instance: a child process on a fresh
 * PostgreSQL database), with the Node SDK (unleash-client) as the judge of what services get.
 * The server runs with a constraint value limit of 5 so the limit can be hit cheaply.
 */
import { createServer } from 'node:net';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../../../e2e/fixtures/fault-proxy';
import { startUnleash, type UnleashInstance } from '../../../../test-services/unleash-instance';
import type { FlagInfo } from '../../api';
import { FlagProviderError, type WriteContext } from '../flag-provider';
import { REASON_PARAMETER } from './tenant-lists';
import { UnleashFlagProvider, type UnleashFlagProviderOptions } from './unleash-flag-provider';
import type { Strategy } from './unleash-schemas';

const LIMIT = 5;
const ENV = 'development';
const ctx: WriteContext = { actor: 'alice', reason: 'acme floods the broker', auditId: 'audit-1' };

let server: UnleashInstance;
let backendToken: string;
const providers: UnleashFlagProvider[] = [];
const sdks: Unleash[] = [];

beforeAll(async () => {
  server = await startUnleash({ constraintValuesLimit: LIMIT });
  backendToken = await server.createToken({ tokenName: 'sdk', type: 'backend', environment: ENV });
}, 180_000);

afterAll(async () => {
  for (const sdk of sdks) sdk.destroy();
  for (const provider of providers) await provider.close();
  await server?.stop();
}, 60_000);

function provider(options: Partial<UnleashFlagProviderOptions> = {}): UnleashFlagProvider {
  const created = new UnleashFlagProvider({
    url: server.url,
    token: server.adminToken,
    environment: ENV,
    ...options,
  });
  providers.push(created);
  return created;
}

const featurePath = (flag: string) => `/api/admin/projects/default/features/${flag}`;
const strategiesPath = (flag: string) => `${featurePath(flag)}/environments/${ENV}/strategies`;

/** A flag, on in the environment: Unleash adds its default strategy (flexibleRollout 100 %). */
async function createFlag(name: string, type = 'kill-switch', enabled = true): Promise<void> {
  await server.api('POST', '/api/admin/projects/default/features', {
    name,
    type,
    description: `test ${name}`,
  });
  if (enabled) await server.api('POST', `${featurePath(name)}/environments/${ENV}/on`);
}

const strategies = (flag: string) => server.api<Strategy[]>('GET', strategiesPath(flag));

async function sdk(): Promise<Unleash> {
  const client = new Unleash({
    url: `${server.url}/api`,
    appName: 'switchboard-test',
    customHeaders: { Authorization: backendToken },
    refreshInterval: 1000,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
  });
  client.on('error', () => {});
  client.on('warn', () => {});
  sdks.push(client);
  await new Promise<void>((resolve) => client.once('synchronized', () => resolve()));
  return client;
}

const sdkValue = (client: Unleash, flag: string, tenant: string) =>
  client.isEnabled(flag, { properties: { customerId: tenant } });

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The provider (fresh admin read) and the SDK (its own polling) agree on every tenant. */
async function expectAgreement(client: Unleash, p: UnleashFlagProvider, flag: string, tenants: string[]) {
  const served = new Map<string, boolean>();
  for (const tenant of tenants) served.set(tenant, (await p.servedValue(flag, tenant)) as boolean);
  await until(
    () => tenants.every((t) => sdkValue(client, flag, t) === served.get(t)),
    10_000,
    `SDK agreeing on ${flag}`,
  );
  expect(p.valuesFor(flag, tenants)).toEqual(served);
  return served;
}

describe('UnleashFlagProvider against a real Unleash', () => {
  it('identifies itself and lists flags with kind, state and default', async () => {
    await createFlag('list-kill', 'kill-switch');
    await createFlag('list-release', 'release', false);
    await createFlag('list-ops', 'operational');
    await createFlag('list-perm', 'permission');
    await createFlag('list-exp', 'experiment');
    const p = provider();
    expect(p.kind).toBe('unleash');
    expect(p.label).toBe(`Unleash ${new URL(server.url).host} (development)`);
    const flags = new Map((await p.listFlags()).map((f) => [f.key, f]));
    expect(flags.get('list-kill')).toEqual({
      key: 'list-kill',
      kind: 'kill-switch',
      description: 'test list-kill',
      enabled: true,
      valueType: 'boolean',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      offValue: false,
    });
    expect(flags.get('list-release')).toMatchObject({
      kind: 'release',
      enabled: false,
      defaultVariant: 'off',
    });
    expect(flags.get('list-ops')?.kind).toBe('operational');
    expect(flags.get('list-perm')?.kind).toBe('operational');
    expect(flags.get('list-exp')?.kind).toBe('release');
    expect(await p.scheduleNativeRevert()).toBe(false);
  });

  it('flips a tenant off and on: the admin API, the provider and the SDK agree', async () => {
    const flag = 'publish-events';
    await createFlag(flag);
    const p = provider();
    const client = await sdk();
    const tenants = ['acme', 'globex', 'initech'];
    expect((await p.tenantFlags('acme')).find((f) => f.key === flag)).toMatchObject({
      value: true,
      variant: 'on',
      source: 'default',
    });

    await p.setTenantValue(flag, 'acme', false, ctx);
    const [rollout] = await strategies(flag);
    expect(rollout!.constraints).toEqual([
      {
        contextName: 'customerId',
        operator: 'NOT_IN',
        values: ['acme'],
        caseInsensitive: false,
        inverted: false,
      },
    ]);
    expect(rollout!.parameters[REASON_PARAMETER]).toBe(
      'acme off — alice: acme floods the broker (Switchboard audit audit-1)',
    );
    // The context field exists now (Unleash would accept the constraint without it, its UI would not).
    await expect(server.api('GET', '/api/admin/context/customerId')).resolves.toMatchObject({
      name: 'customerId',
    });
    expect(await expectAgreement(client, p, flag, tenants)).toEqual(
      new Map([
        ['acme', false],
        ['globex', true],
        ['initech', true],
      ]),
    );
    expect((await p.tenantFlags('acme')).find((f) => f.key === flag)).toMatchObject({
      value: false,
      variant: 'off',
      source: 'tenant-override',
    });
    expect((await p.tenantFlags('globex')).find((f) => f.key === flag)?.source).toBe('default');

    // Setting the value the flag gives anyway changes nothing.
    await p.setTenantValue(flag, 'globex', true, ctx);
    expect((await strategies(flag))[0]!.constraints[0]!.values).toEqual(['acme']);

    await p.setTenantValue(flag, 'acme', true, { ...ctx, reason: 'spike over' });
    expect((await strategies(flag))[0]!.constraints).toEqual([]);
    expect(await expectAgreement(client, p, flag, tenants)).toEqual(
      new Map([
        ['acme', true],
        ['globex', true],
        ['initech', true],
      ]),
    );
    expect((await p.tenantFlags('acme')).find((f) => f.key === flag)?.source).toBe('default');
  });

  it('turns a release flag on for one tenant with its own strategy, beside a rule', async () => {
    const flag = 'new-dashboard';
    await createFlag(flag, 'release');
    const [initial] = await strategies(flag);
    // A team's rule: beta customers get it.
    await server.api('PUT', `${strategiesPath(flag)}/${initial!.id}`, {
      name: 'flexibleRollout',
      title: 'beta customers',
      constraints: [{ contextName: 'customerId', operator: 'IN', values: ['beta-1'] }],
      parameters: { rollout: '100', stickiness: 'default', groupId: flag },
    });
    const p = provider();
    const client = await sdk();
    const sourceOf = async (tenant: string) => (await p.tenantFlags(tenant)).find((f) => f.key === flag);
    expect(await sourceOf('beta-1')).toMatchObject({ value: true, source: 'rule' });
    expect(await sourceOf('acme')).toMatchObject({ value: false, source: 'default' });
    expect((await p.listFlags()).find((f) => f.key === flag)?.defaultVariant).toBe('off');

    await p.setTenantValue(flag, 'acme', true, ctx);
    const on = (await strategies(flag)).find((s) => s.title === 'switchboard: tenants on');
    expect(on).toMatchObject({
      name: 'flexibleRollout',
      parameters: { rollout: '100' },
      constraints: [{ contextName: 'customerId', operator: 'IN', values: ['acme'] }],
    });
    expect(await sourceOf('acme')).toMatchObject({ value: true, source: 'tenant-override' });
    await expectAgreement(client, p, flag, ['acme', 'beta-1', 'other']);

    await p.setTenantValue(flag, 'globex', true, ctx);
    await p.setTenantValue(flag, 'acme', false, ctx);
    expect((await strategies(flag)).find((s) => s.id === on!.id)?.constraints[0]?.values).toEqual(['globex']);
    // The last tenant leaves: no empty list (Unleash refuses those), the strategy matches nobody.
    await p.setTenantValue(flag, 'globex', false, ctx);
    const emptied = (await strategies(flag)).find((s) => s.id === on!.id);
    expect(emptied).toMatchObject({ constraints: [], parameters: { rollout: '0' } });
    expect(await sourceOf('acme')).toMatchObject({ value: false, source: 'default' });
    expect(await expectAgreement(client, p, flag, ['acme', 'globex', 'beta-1', 'other'])).toEqual(
      new Map([
        ['acme', false],
        ['globex', false],
        ['beta-1', true],
        ['other', false],
      ]),
    );
    // Back on: the emptied strategy serves again.
    await p.setTenantValue(flag, 'acme', true, ctx);
    expect((await strategies(flag)).find((s) => s.id === on!.id)).toMatchObject({
      parameters: { rollout: '100' },
      constraints: [{ values: ['acme'] }],
    });
  });

  it('excludes a killed tenant from every strategy, and matches the SDK on mixed strategies', async () => {
    const flag = 'mixed';
    await createFlag(flag);
    await server.api('POST', strategiesPath(flag), {
      name: 'remoteAddress',
      title: 'office',
      parameters: { IPs: '10.0.0.1' },
      constraints: [],
    });
    const segment = await server.api<{ id: number }>('POST', '/api/admin/segments', {
      name: 'pilot customers',
      constraints: [{ contextName: 'customerId', operator: 'IN', values: ['pilot-1', 'pilot-2'] }],
    });
    await server.api('POST', strategiesPath(flag), {
      name: 'flexibleRollout',
      title: 'pilot',
      parameters: { rollout: '100', stickiness: 'default', groupId: flag },
      constraints: [],
      segments: [segment.id],
    });
    await server.api('POST', strategiesPath(flag), {
      name: 'default',
      title: 'disabled for now',
      disabled: true,
      constraints: [],
      parameters: {},
    });
    await server.api('POST', strategiesPath(flag), {
      name: 'flexibleRollout',
      title: 'eu customers',
      parameters: { rollout: '100', stickiness: 'customerId', groupId: flag },
      constraints: [{ contextName: 'customerId', operator: 'STR_STARTS_WITH', values: ['eu-'] }],
    });
    // The environment's default strategy becomes a rule: only eu- customers and the pilot get it.
    const [first] = await strategies(flag);
    await server.api('DELETE', `${strategiesPath(flag)}/${first!.id}`);
    const p = provider();
    const client = await sdk();
    const sourceOf = async (tenant: string) =>
      (await p.tenantFlags(tenant)).find((f) => f.key === flag)?.source;
    expect(await sourceOf('pilot-1')).toBe('rule');
    expect(await sourceOf('eu-x')).toBe('rule');
    expect(await sourceOf('acme')).toBe('default');
    await p.setTenantValue(flag, 'eu-acme', false, ctx);
    await p.setTenantValue(flag, 'pilot-2', false, ctx);
    // Not on any list: the flag does not give it true anyway.
    await p.setTenantValue(flag, 'acme', false, ctx);
    for (const strategy of await strategies(flag)) {
      // Disabled ones too: enabling one later must not bring a killed tenant back.
      expect(strategy.constraints).toContainEqual(
        expect.objectContaining({
          contextName: 'customerId',
          operator: 'NOT_IN',
          values: ['eu-acme', 'pilot-2'],
        }),
      );
    }
    expect(await sourceOf('pilot-2')).toBe('tenant-override');
    const tenants = ['eu-acme', 'eu-other', 'acme', 'pilot-1', 'pilot-2'];
    expect(await expectAgreement(client, p, flag, tenants)).toEqual(
      new Map([
        ['eu-acme', false],
        ['eu-other', true],
        ['acme', false],
        ['pilot-1', true],
        ['pilot-2', false],
      ]),
    );
  });

  it('turns the environment off: every tenant reads false from "flag-off", overrides survive', async () => {
    const flag = 'env-switch';
    await createFlag(flag);
    const p = provider();
    await p.setTenantValue(flag, 'acme', false, ctx);
    await p.setFlagEnabled(flag, false, ctx);
    const acme = (await p.tenantFlags('acme')).find((f) => f.key === flag);
    expect(acme).toMatchObject({ enabled: false, value: false, source: 'flag-off' });
    expect((await p.tenantFlags('globex')).find((f) => f.key === flag)?.source).toBe('flag-off');
    expect(await p.servedValue(flag, 'globex')).toBe(false);
    await expect(p.setTenantValue(flag, 'acme', true, ctx)).rejects.toThrow(
      /off for everyone in development/,
    );
    await p.setTenantValue(flag, 'initech', false, ctx);

    const states = (await p.environmentStates())[flag]!;
    expect(states.find((s) => s.current)).toEqual({ environment: ENV, enabled: false, current: true });
    expect(states.filter((s) => !s.current).map((s) => s.environment)).toContain('production');

    await p.setFlagEnabled(flag, true, ctx);
    expect((await p.tenantFlags('acme')).find((f) => f.key === flag)).toMatchObject({
      value: false,
      source: 'tenant-override',
    });
    expect(await p.servedValue(flag, 'initech')).toBe(false);
    expect(await p.servedValue(flag, 'globex')).toBe(true);
  });

  it('races two providers on the same list: no edit is lost, a loser is refused with "retry"', async () => {
    const flag = 'race';
    await createFlag(flag);
    const a = provider();
    const b = provider();
    const applied: string[] = [];
    for (let round = 0; round < 6; round++) {
      const results = await Promise.allSettled([
        a.setTenantValue(flag, `a-${round}`, false, ctx),
        b.setTenantValue(flag, `b-${round}`, false, ctx),
      ]);
      results.forEach((result, i) => {
        const tenant = `${i === 0 ? 'a' : 'b'}-${round}`;
        if (result.status === 'fulfilled') applied.push(tenant);
        else {
          expect(result.reason).toBeInstanceOf(FlagProviderError);
          expect(String(result.reason.message)).toMatch(/changed by someone else since it was read; retry/);
          expect(result.reason.retryable).toBe(true);
        }
      });
      // Keep the list under the limit of 5.
      const listed = (await strategies(flag))[0]!.constraints[0]?.values ?? [];
      for (const tenant of applied) expect(listed).toContain(tenant);
      for (const tenant of listed) expect(applied).toContain(tenant);
      for (const tenant of listed) await a.setTenantValue(flag, tenant, true, ctx);
      applied.length = 0;
    }
  }, 60_000);

  it('refuses when the strategy changed between its read and its write, and keeps the other edit', async () => {
    const flag = 'race-injected';
    await createFlag(flag);
    const [initial] = await strategies(flag);
    let injected = false;
    const p = provider({
      fetch: async (input, init) => {
        if (!injected && init?.method === 'PATCH') {
          injected = true;
          // Someone else's edit lands just before ours.
          await server.api('PATCH', `${strategiesPath(flag)}/${initial!.id}`, [
            {
              op: 'add',
              path: '/constraints/-',
              value: { contextName: 'customerId', operator: 'NOT_IN', values: ['outsider'] },
            },
          ]);
        }
        return fetch(input, init);
      },
    });
    await expect(p.setTenantValue(flag, 'acme', false, ctx)).rejects.toThrow(
      /acme: changed by someone else since it was read; retry \(nothing was changed\)/,
    );
    expect((await strategies(flag))[0]!.constraints).toEqual([
      expect.objectContaining({ operator: 'NOT_IN', values: ['outsider'] }),
    ]);
    // A retry reads the new state and adds to the same list.
    await p.setTenantValue(flag, 'acme', false, ctx);
    expect((await strategies(flag))[0]!.constraints[0]!.values).toEqual(['outsider', 'acme']);
  });

  it("reports someone's edit that Unleash let ours overwrite (seen in the event log)", async () => {
    const flag = 'race-overwritten';
    await createFlag(flag);
    const [initial] = await strategies(flag);
    let injected = false;
    const p = provider({
      fetch: async (input, init) => {
        if (!injected && init?.method === 'PATCH') {
          injected = true;
          await server.api('PATCH', `${strategiesPath(flag)}/${initial!.id}`, [
            {
              op: 'add',
              path: '/constraints/-',
              value: { contextName: 'customerId', operator: 'NOT_IN', values: ['outsider'] },
            },
          ]);
          // Unleash reads the strategy outside its write transaction: a patch whose test passed on
          // that read can still overwrite an edit that commits in between. Simulate exactly that.
          const ops = JSON.parse(String(init.body)) as { op: string }[];
          return fetch(input, { ...init, body: JSON.stringify(ops.filter((op) => op.op !== 'test')) });
        }
        return fetch(input, init);
      },
    });
    await expect(p.setTenantValue(flag, 'acme', false, ctx)).rejects.toThrow(
      /race-overwritten for acme: applied, but it was written at the same moment as an edit of the strategy ".*" by switchboard-test \(Unleash event \d+\), and that edit \(customerId NOT_IN \+outsider\) is no longer there/,
    );
    expect(await p.servedValue(flag, 'acme')).toBe(false);
  });

  it('re-applies an edit that someone overwrote right after it was written', async () => {
    const flag = 'race-after';
    await createFlag(flag);
    const [initial] = await strategies(flag);
    let patched = false;
    let injected = false;
    const p = provider({
      fetch: async (input, init) => {
        const url = String(input);
        if (init?.method === 'PATCH') patched = true;
        if (patched && !injected && url.includes('/api/admin/search/events')) {
          injected = true;
          // A stale full save (someone's editor opened before our write) drops our tenant.
          await server.api('PUT', `${strategiesPath(flag)}/${initial!.id}`, {
            name: initial!.name,
            title: initial!.title,
            parameters: initial!.parameters,
            constraints: [{ contextName: 'customerId', operator: 'NOT_IN', values: ['stale-save'] }],
          });
        }
        return fetch(input, init);
      },
    });
    await p.setTenantValue(flag, 'acme', false, ctx);
    expect(injected).toBe(true);
    expect((await strategies(flag))[0]!.constraints[0]!.values).toEqual(['stale-save', 'acme']);
  });

  it('hits the constraint value limit: a clear way out, nothing half-applied', async () => {
    const flag = 'limited';
    await createFlag(flag);
    const [full] = await strategies(flag);
    // A second strategy, written first by the plan's order: it would take the tenant before the
    // full one refuses it.
    const rule = await server.api<Strategy>('POST', strategiesPath(flag), {
      name: 'flexibleRollout',
      title: 'eu customers',
      sortOrder: -1,
      parameters: { rollout: '100', stickiness: 'default', groupId: flag },
      constraints: [{ contextName: 'customerId', operator: 'STR_STARTS_WITH', values: ['eu-'] }],
    });
    const five = ['t1', 't2', 't3', 't4', 't5'];
    await server.api('PATCH', `${strategiesPath(flag)}/${full!.id}`, [
      {
        op: 'add',
        path: '/constraints/-',
        value: { contextName: 'customerId', operator: 'NOT_IN', values: five },
      },
    ]);
    const before = await strategies(flag);
    const p = provider();
    const error = await p.setTenantValue(flag, 't6', false, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlagProviderError);
    expect((error as Error).message).toMatch(
      /Unleash allows 5 values per constraint \(UNLEASH_CONSTRAINT_VALUES_LIMIT\); this flag already targets 5 tenants .*raise the limit or use a segment \(nothing was changed\)/,
    );
    expect(await strategies(flag)).toEqual(before);

    // Past the pre-check (a provider that believes the limit is higher): Unleash refuses the second
    // write, the first is rolled back.
    const trusting = provider({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).endsWith('/api/admin/ui-config')) return response;
        const body = (await response.json()) as { resourceLimits: Record<string, unknown> };
        return Response.json({ ...body, resourceLimits: { ...body.resourceLimits, constraintValues: 250 } });
      },
    });
    const refused = await trusting.setTenantValue(flag, 't6', false, ctx).catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(
      /Unleash allows 5 values per constraint \(UNLEASH_CONSTRAINT_VALUES_LIMIT\); this flag already targets 5 tenants.*raise the limit or use a segment \(nothing was changed\)/,
    );
    const after = await strategies(flag);
    expect(after.map((s) => s.constraints)).toEqual(before.map((s) => s.constraints));
    expect(after.find((s) => s.id === rule.id)?.constraints).toHaveLength(1);
    expect(await trusting.servedValue(flag, 't6')).toBe(true);
  });

  it("puts the reason and the actor into Unleash's event log, and reads them back", async () => {
    const flag = 'audited';
    await createFlag(flag);
    const p = provider();
    await p.setTenantValue(flag, 'acme', false, {
      actor: 'bob',
      reason: 'over its usage limit',
      auditId: 'aud-42',
    });
    await p.setFlagEnabled(flag, false, ctx);
    const history = await p.history({ flagKey: flag, limit: 10 });
    expect(history[0]).toMatchObject({ provider: 'unleash', actor: server.adminTokenName, flagKey: flag });
    expect(history[0]!.summary).toMatch(/disabled audited for the development environment/);
    expect(history[0]!.comment).toBeNull();
    const flip = history.find((e) => e.comment !== null);
    expect(flip).toMatchObject({
      actor: server.adminTokenName,
      comment: 'acme off — bob: over its usage limit (Switchboard audit aud-42)',
    });
    expect(flip!.summary).toMatch(
      /constraints from empty set of constraints to \[customerId is not one of \(acme\)\]/,
    );
    expect(Date.parse(flip!.at)).toBeGreaterThan(Date.now() - 60_000);
    // Unleash's own view of it.
    const raw = await server.api<{ events: { type: string; createdBy: string; data: Strategy | null }[] }>(
      'GET',
      `/api/admin/search/events?feature=IS:${flag}&type=IS:feature-strategy-update`,
    );
    expect(raw.events[0]).toMatchObject({ createdBy: server.adminTokenName });
    expect(raw.events[0]!.data?.parameters[REASON_PARAMETER]).toMatch(/over its usage limit/);
    // All of the project, newest first.
    const all = await p.history({ limit: 3 });
    expect(all).toHaveLength(3);
    expect(Date.parse(all[0]!.at)).toBeGreaterThanOrEqual(Date.parse(all[2]!.at));
  });

  it("fires onChange on someone else's edit and serves valuesFor from the new state", async () => {
    const flag = 'watched';
    await createFlag(flag);
    const p = provider();
    const changes: { flagKeys: string[]; etag: string }[] = [];
    const off = p.onChange((change) => changes.push(change));
    await until(() => p.valuesFor(flag, ['acme']).get('acme') === true, 10_000, 'first state');
    const [strategy] = await strategies(flag);
    const editedAt = Date.now();
    await server.api('PATCH', `${strategiesPath(flag)}/${strategy!.id}`, [
      {
        op: 'add',
        path: '/constraints/-',
        value: { contextName: 'customerId', operator: 'NOT_IN', values: ['acme'] },
      },
    ]);
    const ms = await until(() => changes.some((c) => c.flagKeys.includes(flag)), 5_000, 'onChange');
    expect(Date.now() - editedAt).toBeLessThan(3_000);
    expect(ms).toBeLessThan(3_000);
    expect(p.valuesFor(flag, ['acme', 'globex'])).toEqual(
      new Map([
        ['acme', false],
        ['globex', true],
      ]),
    );
    expect(changes.at(-1)!.etag).toMatch(/^[0-9a-f]{16}$/);

    // Our own writes are announced too.
    const count = changes.length;
    await p.setTenantValue(flag, 'acme', true, ctx);
    expect(changes.length).toBeGreaterThan(count);
    expect(changes.at(-1)!.flagKeys).toEqual([flag]);
    off();
  });

  it('valuesFor answers from memory (no request per call)', async () => {
    await createFlag('memory');
    let requests = 0;
    const p = provider({
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    expect(p.valuesFor('memory', ['acme']).size).toBe(0);
    await p.listFlags();
    const before = requests;
    const tenants = Array.from({ length: 2_000 }, (_, i) => `t${i}`);
    const values = p.valuesFor('memory', tenants);
    expect(values.size).toBe(2_000);
    expect([...values.values()].every((v) => v === true)).toBe(true);
    expect(requests).toBe(before);
  });

  it('explains a bad token without repeating it', async () => {
    const secret = '*:*.this-is-not-a-valid-secret';
    const p = provider({ token: secret });
    const error = (await p.listFlags().catch((e: unknown) => e)) as FlagProviderError;
    expect(error).toBeInstanceOf(FlagProviderError);
    expect(error.message).toMatch(/rejected the API token \(401 Unauthorized\)/);
    expect(error.message).not.toContain(secret);

    // A token of the wrong kind (an SDK's backend token) on the admin API.
    const wrongKind = provider({ token: backendToken });
    const forbidden = (await wrongKind.listFlags().catch((e: unknown) => e)) as FlagProviderError;
    expect(forbidden.message).toMatch(
      /may not list the projects \(403 Forbidden: invalid token: expected a different token type/,
    );
    expect(forbidden.message).toMatch(/admin token or the personal access token of an Unleash admin/);
    expect(forbidden.message).not.toContain(backendToken);
  });

  it('explains an unknown flag, project and a server that is down', async () => {
    const p = provider();
    await expect(p.servedValue('no-such-flag', 'acme')).rejects.toThrow(/unknown flag "no-such-flag"/);
    await expect(provider({ project: 'nope' }).listFlags()).rejects.toThrow(
      /has no project "nope" \(projects: default\)/,
    );
    await expect(provider({ environment: 'staging' }).listFlags()).rejects.toThrow(
      /has no environment "staging"/,
    );

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const down = provider({ url: `http://127.0.0.1:${port}` });
    const error = (await down.listFlags().catch((e: unknown) => e)) as FlagProviderError;
    expect(error).toBeInstanceOf(FlagProviderError);
    expect(error.message).toMatch(
      new RegExp(`cannot reach Unleash at http://127.0.0.1:${port} to list the projects: connection refused`),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain(server.adminToken);
    // The console shows it as the provider's problem (and refuses writes) until a read works again.
    expect(down.problem()).toBe(error.message);
    await p.listFlags();
    expect(p.problem()).toBeNull();
  });

  it('reads one flag with one request, and keeps its view and listeners up to date with it', async () => {
    await createFlag('single-a');
    await createFlag('single-b');
    const requests: string[] = [];
    const p = provider({
      // The poller is not due again for ten minutes, and a whole read stays fresh as long.
      pollIntervalMs: 600_000,
      fetch: (input, init) => {
        requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
        return fetch(input, init);
      },
    });
    const expected: FlagInfo = {
      key: 'single-a',
      kind: 'kill-switch',
      description: 'test single-a',
      enabled: true,
      valueType: 'boolean',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      offValue: false,
    };
    // Before anything was read: the flag alone, not the project.
    expect(await p.readFlag('single-a')).toEqual(expected);
    expect(requests).toEqual([`GET ${featurePath('single-a')}`]);
    expect(await p.readFlag('no-such-flag')).toBeNull();

    const changes: string[][] = [];
    const off = p.onChange((change) => changes.push(change.flagKeys));
    await until(() => p.valuesFor('single-b', ['acme']).get('acme') === true, 10_000, 'first state');
    expect((await p.listFlags()).find((f) => f.key === 'single-a')).toEqual(expected);

    // Someone turns single-a off in Unleash's UI: the next flip's read sees it, with one request.
    await server.api('POST', `${featurePath('single-a')}/environments/${ENV}/off`);
    requests.length = 0;
    expect(await p.readFlag('single-a')).toEqual({ ...expected, enabled: false, defaultVariant: 'off' });
    expect(requests).toEqual([`GET ${featurePath('single-a')}`]);
    // ...and so does everything that answers from memory, announced as someone else's change is.
    expect(changes).toEqual([['single-a']]);
    expect(p.valuesFor('single-a', ['acme']).get('acme')).toBe(false);
    expect((await p.listFlags()).find((f) => f.key === 'single-a')?.enabled).toBe(false);
    expect(requests).toHaveLength(1);

    // Archived: no such flag any more, and forgotten.
    await server.api('DELETE', featurePath('single-b'));
    expect(await p.readFlag('single-b')).toBeNull();
    expect(changes.at(-1)).toEqual(['single-b']);
    expect(p.valuesFor('single-b', ['acme']).size).toBe(0);
    expect((await p.listFlags()).map((f) => f.key)).not.toContain('single-b');
    off();
  });

  it('clears its problem once Unleash answers again, though nothing changed meanwhile', async () => {
    await createFlag('recovering');
    // A real outage between the provider and Unleash: the proxy stops listening, then listens again.
    const proxy = await startFaultProxy({ target: server.url });
    try {
      const p = provider({ url: proxy.url, pollIntervalMs: 200 });
      const off = p.onChange(() => {});
      await until(() => p.valuesFor('recovering', ['acme']).get('acme') === true, 10_000, 'first state');
      expect(p.problem()).toBeNull();

      await proxy.set('down');
      await until(() => p.problem() !== null, 10_000, 'the outage reported');
      expect(p.problem()).toMatch(
        /^cannot reach Unleash at http:\/\/127\.0\.0\.1:\d+ to watch the event log: /,
      );

      // Back: the event log has not moved, so nothing is read again; the poll alone must clear it.
      await proxy.set('pass');
      await until(() => p.problem() === null, 10_000, 'the recovery reported');
      off();
    } finally {
      await proxy.stop();
    }
  });
});
