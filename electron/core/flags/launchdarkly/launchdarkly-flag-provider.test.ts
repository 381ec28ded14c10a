/**
 * LaunchDarkly is a SaaS these machines cannot reach: every test here runs against the CONTRACT SERVER
 * in testing/ld-contract-server.ts, which stands in for LaunchDarkly's REST API v2 as documented — it
 * is not the real service. Time never matters: sleeps, jitter and clocks are injected.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WriteContext } from '../flag-provider';
import { LaunchDarklyFlagProvider, type LaunchDarklyProviderOptions } from './launchdarkly-flag-provider';
import { LaunchDarklyError } from './ld-errors';
import {
  CONTRACT_API_VERSION,
  type LdContractServer,
  READER_TOKEN,
  startLdContractServer,
  WRITER_TOKEN,
} from './testing/ld-contract-server';

const ctx: WriteContext = { actor: 'dana', reason: 'acme is flooding the broker', auditId: 'audit-1' };
const PROJECT = 'default';
const ENV = 'production';

let server: LdContractServer;
let sleeps: number[];
let notices: string[];
const providers: LaunchDarklyFlagProvider[] = [];

function provider(options: Partial<LaunchDarklyProviderOptions> = {}): LaunchDarklyFlagProvider {
  const created = new LaunchDarklyFlagProvider({
    baseUrl: server.url,
    token: WRITER_TOKEN,
    project: PROJECT,
    environment: ENV,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => server.now(),
    onNotice: (notice) => notices.push(notice),
    pollMs: 600_000,
    ...options,
  });
  providers.push(created);
  return created;
}

function seed(): void {
  // false first on purpose: variation index 0 serves false, so index and value order differ from the usual
  server.addFlag(PROJECT, {
    key: 'publish-events',
    description: 'tenant may publish events',
    tags: ['kill-switch'],
    variations: [
      { value: false, name: 'blocked' },
      { value: true, name: 'publishing' },
    ],
    environments: {
      production: { on: true, fallthrough: 1, offVariation: 0 },
      staging: { on: true, fallthrough: 1 },
    },
  });
  server.addFlag(PROJECT, {
    key: 'checkout-flow',
    temporary: true,
    variations: [{ value: 'classic' }, { value: 'beta' }, { value: 'next' }],
    environments: {
      production: {
        on: true,
        fallthrough: 0,
        offVariation: 0,
        contextTargets: [{ contextKind: 'tenant', values: ['globex'], variation: 1 }],
      },
    },
  });
  server.addFlag(PROJECT, {
    key: 'batch-size',
    variations: [{ value: 10 }, { value: 500 }],
    environments: {
      production: {
        on: true,
        fallthrough: 0,
        offVariation: 0,
        rules: [
          {
            variation: 1,
            clauses: [{ contextKind: 'tenant', attribute: 'key', op: 'in', values: ['initech'] }],
          },
        ],
      },
    },
  });
  // a rule the provider cannot decide locally: the evaluate endpoint answers for it
  server.addFlag(PROJECT, {
    key: 'vip-lane',
    tags: ['operational'],
    variations: [{ value: false }, { value: true }],
    environments: {
      production: {
        on: true,
        fallthrough: 0,
        offVariation: 0,
        rules: [
          {
            variation: 1,
            clauses: [{ contextKind: 'tenant', attribute: 'key', op: 'startsWith', values: ['vip-'] }],
          },
        ],
      },
    },
  });
  server.addFlag(PROJECT, {
    key: 'config-blob',
    variations: [{ value: { a: 1 } }, { value: { a: 2 } }],
    environments: { production: { on: true, fallthrough: 0 } },
  });
}

beforeEach(async () => {
  server = await startLdContractServer({ startAt: Date.UTC(2026, 0, 1) });
  sleeps = [];
  notices = [];
  seed();
});

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  await server.close();
});

const tenantTargets = (flagKey: string) =>
  server.flag(PROJECT, flagKey).environments[ENV]!.contextTargets.filter((t) => t.contextKind === 'tenant');
const patches = () => server.requests.filter((r) => r.method === 'PATCH');

async function failure(promise: Promise<unknown>): Promise<LaunchDarklyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LaunchDarklyError);
    return error as LaunchDarklyError;
  }
  throw new Error('expected a LaunchDarklyError');
}

describe('LaunchDarkly provider against the contract server (stands in for the SaaS)', () => {
  describe('reading flags', () => {
    it('lists more than 100 flags over pages of 100 with full targeting', async () => {
      for (let i = 0; i < 230; i++) {
        server.addFlag(PROJECT, {
          key: `bulk-${String(i).padStart(3, '0')}`,
          variations: [{ value: true }, { value: false }],
          environments: { production: { on: true, fallthrough: 0 } },
        });
      }
      const flags = await provider().listFlags();
      expect(flags).toHaveLength(234); // 235 flags, the JSON one left out
      const lists = server.requests.filter(
        (r) => r.method === 'GET' && r.url.startsWith('/api/v2/flags/default?'),
      );
      expect(lists).toHaveLength(3);
      for (const [page, request] of lists.entries()) {
        const query = new URL(request.url, 'http://x').searchParams;
        expect(query.get('summary')).toBe('0');
        expect(query.get('env')).toBe(ENV);
        expect(query.get('limit')).toBe('100');
        expect(query.get('offset')).toBe(String(page * 100));
      }
      expect(new Set(flags.map((f) => f.key)).size).toBe(234);
    });

    it('reads on/off in every environment from the summary listing, without an environment filter', async () => {
      server.addFlag(PROJECT, {
        key: 'multi-env',
        variations: [{ value: true }, { value: false }],
        environments: { production: { on: true, fallthrough: 0 }, staging: { on: false, fallthrough: 0 } },
      });
      const states = await provider().environmentStates();
      expect(states['multi-env']).toEqual([
        { environment: 'production', enabled: true, current: true },
        { environment: 'staging', enabled: false, current: false },
      ]);
      const list = server.requests.find(
        (r) => r.method === 'GET' && r.url.startsWith('/api/v2/flags/default?'),
      );
      const query = new URL(list!.url, 'http://x').searchParams;
      expect(query.get('env')).toBeNull();
      expect(query.get('summary')).toBe('1');
    });

    it('maps kinds (tag kill-switch, temporary → release, else operational), variants and defaults', async () => {
      const p = provider();
      const flags = new Map((await p.listFlags()).map((flag) => [flag.key, flag]));
      expect(flags.get('publish-events')).toEqual({
        key: 'publish-events',
        kind: 'kill-switch',
        description: 'tenant may publish events',
        enabled: true,
        valueType: 'boolean',
        variants: { blocked: false, publishing: true },
        defaultVariant: 'publishing',
        offValue: false,
      });
      expect(flags.get('checkout-flow')).toMatchObject({
        kind: 'release',
        valueType: 'string',
        variants: { classic: 'classic', beta: 'beta', next: 'next' },
        defaultVariant: 'classic',
      });
      expect(flags.get('batch-size')).toMatchObject({
        kind: 'operational',
        valueType: 'number',
        variants: { '10': 10, '500': 500 },
      });
      expect(flags.has('config-blob')).toBe(false);
      expect(p.skippedFlags()).toEqual([
        { key: 'config-blob', reason: 'JSON or mixed variations are not supported' },
      ]);
    });

    it('answers a tenant from targets, rules and defaults, and the table column without I/O', async () => {
      const p = provider();
      await p.listFlags();
      const requestsBefore = server.requests.length;
      const values = p.valuesFor('checkout-flow', ['globex', 'acme']);
      expect(Object.fromEntries(values)).toEqual({ globex: 'beta', acme: 'classic' });
      expect(Object.fromEntries(p.valuesFor('batch-size', ['initech', 'acme']))).toEqual({
        initech: 500,
        acme: 10,
      });
      expect(p.valuesFor('ghost', ['acme']).size).toBe(0);
      expect(server.requests.length).toBe(requestsBefore);

      const initech = new Map((await p.tenantFlags('initech')).map((f) => [f.key, f]));
      expect(initech.get('batch-size')).toMatchObject({ value: 500, variant: '500', source: 'rule' });
      expect(initech.get('publish-events')).toMatchObject({
        value: true,
        variant: 'publishing',
        source: 'default',
      });
      const globex = new Map((await p.tenantFlags('globex')).map((f) => [f.key, f]));
      expect(globex.get('checkout-flow')).toMatchObject({ value: 'beta', source: 'tenant-override' });
    });

    it("asks LaunchDarkly's per-context evaluate endpoint for rules it cannot decide locally", async () => {
      const p = provider();
      await p.listFlags();
      const vip = new Map((await p.tenantFlags('vip-7')).map((f) => [f.key, f]));
      expect(vip.get('vip-lane')).toMatchObject({ value: true, source: 'rule' });
      const evaluations = server.requests.filter((r) => r.url.endsWith('/flags/evaluate'));
      expect(evaluations).toHaveLength(1);
      expect(evaluations[0]!.url).toBe('/api/v2/projects/default/environments/production/flags/evaluate');

      expect(await p.servedValue('vip-lane', 'vip-9')).toBe(true);
      expect(await p.servedValue('vip-lane', 'acme')).toBe(false);
      // the table uses LaunchDarkly's last answer where it has one, else the local best guess (no I/O)
      expect(Object.fromEntries(p.valuesFor('vip-lane', ['vip-7', 'vip-unseen']))).toEqual({
        'vip-7': true,
        'vip-unseen': false,
      });
    });

    it('evaluates a percentage rollout through the evaluate endpoint, consistently per tenant', async () => {
      server.addFlag(PROJECT, {
        key: 'gradual',
        variations: [{ value: 'old' }, { value: 'new' }],
        environments: {
          production: {
            on: true,
            fallthrough: {
              rollout: {
                variations: [
                  { variation: 0, weight: 50_000 },
                  { variation: 1, weight: 50_000 },
                ],
              },
            },
          },
        },
      });
      const p = provider();
      const served = new Set<string>();
      for (const tenant of ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']) {
        const first = await p.servedValue('gradual', tenant);
        expect(await p.servedValue('gradual', tenant)).toBe(first);
        served.add(String(first));
      }
      expect(served).toEqual(new Set(['old', 'new']));
    });
  });

  describe('flags it cannot show, and an environment that does not exist', () => {
    it('names the skipped flags and why in one notice per change, not per poll; no problem, writes still work', async () => {
      const p = provider();
      await p.listFlags();
      const one = '1 flag not shown: config-blob (JSON or mixed variations are not supported)';
      expect(p.skippedFlagsSummary()).toBe(one);
      expect(notices).toEqual([one]);
      await p.pollOnce();
      expect(notices).toEqual([one]);

      server.addFlag(PROJECT, {
        key: 'mixed-bag',
        variations: [{ value: 1 }, { value: 'one' }],
        environments: { production: { on: true, fallthrough: 0 } },
      });
      await p.pollOnce();
      expect(notices.at(-1)).toBe(
        '2 flags not shown: config-blob (JSON or mixed variations are not supported), mixed-bag (JSON or mixed variations are not supported)',
      );
      expect(p.problem()).toBeNull();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      expect(tenantTargets('publish-events')).toHaveLength(1);
    });

    it('a project with flags of which none can be shown is a problem that names them', async () => {
      const other = await startLdContractServer({ projects: { configs: ['production'] } });
      try {
        other.addFlag('configs', {
          key: 'limits',
          variations: [{ value: { max: 1 } }, { value: { max: 2 } }],
          environments: { production: { on: true, fallthrough: 0 } },
        });
        const p = provider({ baseUrl: other.url, project: 'configs' });
        expect(await p.listFlags()).toEqual([]);
        expect(p.problem()).toBe(
          'LaunchDarkly project "configs" has flags, but none can be shown in environment "production": 1 flag not shown: limits (JSON or mixed variations are not supported)',
        );

        const empty = await startLdContractServer({ projects: { fresh: ['production'] } });
        try {
          const q = provider({ baseUrl: empty.url, project: 'fresh' });
          expect(await q.listFlags()).toEqual([]);
          expect(q.problem()).toBeNull(); // an empty project is no problem: there is nothing to skip
        } finally {
          await empty.close();
        }
      } finally {
        await other.close();
      }
    });

    it('a mistyped environment is the problem, naming the project\'s environments — not "0 flags, all fine"', async () => {
      const p = provider({ environment: 'prodd' });
      const error = await failure(p.listFlags());
      const expected =
        'environment "prodd" does not exist in LaunchDarkly project "default" (its environments: production, staging): check the environment key of the profile';
      expect(error.failure).toBe('not-found');
      expect(error.message).toBe(expected);
      expect(p.problem()).toBe(expected);
      expect(notices).toEqual([`polling LaunchDarkly failed: ${expected}`]);
      expect(server.requests.map((r) => `${r.method} ${r.url}`)).toContain(
        'GET /api/v2/projects/default/environments/prodd',
      );
    });

    it('checks the environment with one documented GET, not on every poll, and keeps none of its SDK keys', async () => {
      const p = provider();
      await p.listFlags();
      await p.pollOnce();
      await p.pollOnce();
      const checks = server.requests.filter((r) => r.url.startsWith('/api/v2/projects/default/environments'));
      expect(checks.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /api/v2/projects/default/environments/production',
      ]);
      const answer = (await (
        await fetch(`${server.url}/api/v2/projects/default/environments/production`, {
          headers: { Authorization: WRITER_TOKEN, 'LD-API-Version': CONTRACT_API_VERSION },
        })
      ).json()) as { apiKey: string; mobileKey: string };
      const kept = inspect(p, { depth: 10, showHidden: true });
      expect(kept).not.toContain(answer.apiKey);
      expect(kept).not.toContain(answer.mobileKey);
    });

    it('a token whose role may not read environments still lists the flags, with a notice that it could not check', async () => {
      server.failNext(1, {
        status: 403,
        body: { code: 'forbidden', message: 'Access to the requested resource was denied' },
        match: { method: 'GET', path: /\/environments\/production$/ },
      });
      const p = provider();
      expect(await p.listFlags()).toHaveLength(4);
      expect(p.problem()).toBeNull();
      expect(notices[0]).toMatch(/^could not check that environment "production" exists: .*403 forbidden/);
    });

    it('an environment check that fails for a while fails the listing, and is asked again until it answers', async () => {
      server.failNext(5, {
        status: 503,
        body: { code: 'service_unavailable', message: 'try later' },
        match: { method: 'GET', path: /\/environments\/production$/ },
      });
      const p = provider();
      await failure(p.listFlags());
      expect(p.problem()).toMatch(
        /^reading LaunchDarkly's flag list failed: LaunchDarkly failed to read environment production of project default \(503\)/,
      );
      expect(await p.listFlags()).toHaveLength(4);
      expect(p.problem()).toBeNull();
    });
  });

  describe('writing', () => {
    it('flips a tenant off and on with semantic patches and reads it back', async () => {
      const p = provider();
      await p.listFlags();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      expect(await p.servedValue('publish-events', 'acme')).toBe(false);
      expect(p.valuesFor('publish-events', ['acme', 'globex']).get('acme')).toBe(false);
      expect(p.valuesFor('publish-events', ['acme', 'globex']).get('globex')).toBe(true);
      const off = (await p.tenantFlags('acme')).find((f) => f.key === 'publish-events')!;
      expect(off).toMatchObject({ value: false, variant: 'blocked', source: 'tenant-override' });

      // the default already serves true: turning acme back on removes the override instead of adding one
      await p.setTenantValue('publish-events', 'acme', true, ctx);
      expect(tenantTargets('publish-events')).toEqual([]);
      expect(await p.servedValue('publish-events', 'acme')).toBe(true);
      const on = (await p.tenantFlags('acme')).find((f) => f.key === 'publish-events')!;
      expect(on).toMatchObject({ value: true, source: 'default' });

      for (const patch of patches()) {
        expect(patch.contentType).toBe('application/json; domain-model=launchdarkly.semanticpatch');
      }
      // a flip that changes nothing sends nothing
      const before = patches().length;
      await p.setTenantValue('publish-events', 'acme', true, ctx);
      expect(patches().length).toBe(before);
    });

    it('maps values to variation _ids: targets land on the right index, moves are atomic', async () => {
      const p = provider();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      expect(tenantTargets('publish-events')).toEqual([
        { contextKind: 'tenant', values: ['acme'], variation: 0 },
      ]);

      await p.setTenantValue('checkout-flow', 'globex', 'next', ctx);
      expect(tenantTargets('checkout-flow')).toEqual([
        { contextKind: 'tenant', values: ['globex'], variation: 2 },
      ]);
      expect(await p.servedValue('checkout-flow', 'globex')).toBe('next');
      // one PATCH moved globex (removeTargets beta + addTargets next), never two half-steps
      expect(patches()).toHaveLength(2);
    });

    it('refuses a value the flag has no variation for, listing the allowed ones', async () => {
      const error = await failure(provider().setTenantValue('checkout-flow', 'acme', 'nope', ctx));
      expect(error.message).toBe(
        'checkout-flow has no variation serving "nope"; allowed values: "classic", "beta", "next"',
      );
      expect(patches()).toHaveLength(0);
    });

    it("puts the reason in the patch comment, where it reaches LaunchDarkly's audit log", async () => {
      const p = provider();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      const [latest] = await p.history({ flagKey: 'publish-events', limit: 5 });
      expect(latest).toMatchObject({
        provider: 'launchdarkly',
        actor: 'ops-bot@example.com',
        flagKey: 'publish-events',
        comment: 'acme is flooding the broker — dana via Switchboard (audit audit-1)',
      });
      expect(latest!.summary).toBe('Ops updated the flag publish-events in production');
      expect(Date.parse(latest!.at)).toBeGreaterThan(0);
      const auditCall = server.requests.find((r) => r.url.startsWith('/api/v2/auditlog'))!;
      expect(new URL(auditCall.url, 'http://x').searchParams.get('spec')).toBe(
        'proj/default:env/production:flag/publish-events',
      );
    });

    it('reads more history than one audit page (20) by following the next link, newest first', async () => {
      for (let i = 0; i < 25; i++) {
        server.editAsSomeoneElse(
          PROJECT,
          'batch-size',
          ENV,
          (env) => {
            env.fallthrough = { variation: i % 2 };
          },
          `edit ${i}`,
        );
        server.advanceClock(1_000);
      }
      const events = await provider().history({ flagKey: 'batch-size', limit: 25 });
      expect(events.map((e) => e.comment)).toEqual(Array.from({ length: 25 }, (_, i) => `edit ${24 - i}`));
      expect(events[0]!.actor).toBe('alex@example.com');
      const calls = server.requests.filter((r) => r.url.startsWith('/api/v2/auditlog'));
      expect(calls).toHaveLength(2);
      for (const call of calls)
        expect(Number(new URL(call.url, 'http://x').searchParams.get('limit'))).toBeLessThanOrEqual(20);
    });

    it('turns a flag off and on for the whole environment, with the reason', async () => {
      const p = provider();
      await p.setFlagEnabled('publish-events', false, ctx);
      expect(server.flag(PROJECT, 'publish-events').environments[ENV]!.on).toBe(false);
      expect(server.flag(PROJECT, 'publish-events').environments.staging!.on).toBe(true);
      const off = (await p.tenantFlags('acme')).find((f) => f.key === 'publish-events')!;
      expect(off).toMatchObject({
        enabled: false,
        value: false,
        source: 'flag-off',
        defaultVariant: 'blocked',
      });
      expect((await p.listFlags()).find((f) => f.key === 'publish-events')!.enabled).toBe(false);
      // an override cannot take effect while the flag is off: say so rather than "confirm" a lie
      const error = await failure(p.setTenantValue('publish-events', 'acme', true, ctx));
      expect(error.message).toMatch(/is off in production.*turn the flag on first — nothing was changed/);

      await p.setFlagEnabled('publish-events', true, ctx);
      expect(server.flag(PROJECT, 'publish-events').environments[ENV]!.on).toBe(true);
      const [latest] = await p.history({ flagKey: 'publish-events', limit: 1 });
      expect(latest!.comment).toContain('acme is flooding the broker');
    });

    it('schedules a native revert as an expiring target that the server applies on its own clock', async () => {
      const p = provider();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      const revertAt = server.now() + 3_600_000;
      expect(await p.scheduleNativeRevert('publish-events', 'acme', true, revertAt)).toBe(true);
      expect(server.expiringTargets()).toMatchObject([
        {
          contextKind: 'tenant',
          contextKey: 'acme',
          expirationDate: revertAt,
          variationId: server.flag(PROJECT, 'publish-events').variations[0]!._id,
        },
      ]);
      // scheduling again moves the date (updateExpiringTarget), it does not fail
      expect(await p.scheduleNativeRevert('publish-events', 'acme', true, revertAt + 60_000)).toBe(true);
      expect(server.expiringTargets()).toHaveLength(1);

      server.advanceClock(3_600_000);
      expect(await p.servedValue('publish-events', 'acme')).toBe(false);
      server.advanceClock(60_001);
      expect(await p.servedValue('publish-events', 'acme')).toBe(true);
      expect(tenantTargets('publish-events')).toEqual([]);
      const [latest] = await p.history({ flagKey: 'publish-events', limit: 1 });
      expect(latest).toMatchObject({ actor: 'LaunchDarkly' });
      expect(latest!.summary).toContain('updated the flag');
    });

    it('withdraws a scheduled native revert (removeExpiringTarget), and writes nothing when there is none', async () => {
      const p = provider();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      expect(await p.scheduleNativeRevert('publish-events', 'acme', true, server.now() + 3_600_000)).toBe(
        true,
      );
      const patchesBefore = patches().length;
      expect(await p.cancelNativeRevert('publish-events', 'acme')).toBe(true);
      expect(server.expiringTargets()).toEqual([]);
      expect(patches()).toHaveLength(patchesBefore + 1);
      const [latest] = await p.history({ flagKey: 'publish-events', limit: 1 });
      expect(latest!.comment).toMatch(/^Switchboard: acme no longer reverts on publish-events at /);

      expect(await p.cancelNativeRevert('publish-events', 'acme')).toBe(false);
      expect(patches()).toHaveLength(patchesBefore + 1);
      // the tenant stays targeted: only the schedule went
      server.advanceClock(3_600_001);
      expect(await p.servedValue('publish-events', 'acme')).toBe(false);
    });

    it('reads one flag without listing them all; an unknown flag is null', async () => {
      const p = provider();
      expect(await p.readFlag('checkout-flow')).toMatchObject({ key: 'checkout-flow', kind: 'release' });
      expect(await p.readFlag('no-such-flag')).toBeNull();
      expect(server.requests.map((r) => r.url)).toEqual([
        '/api/v2/flags/default/checkout-flow?env=production',
        '/api/v2/flags/default/no-such-flag?env=production',
      ]);
    });

    it('declines a native revert LaunchDarkly could not do right (Switchboard keeps the time box)', async () => {
      const p = provider();
      // not individually targeted: there is nothing to expire
      expect(await p.scheduleNativeRevert('publish-events', 'acme', true, server.now() + 60_000)).toBe(false);
      // expiring globex's beta target would serve classic, not the asked-for next
      expect(await p.scheduleNativeRevert('checkout-flow', 'globex', 'next', server.now() + 60_000)).toBe(
        false,
      );
      expect(server.expiringTargets()).toEqual([]);
    });
  });

  describe('documented errors', () => {
    it('429 with Retry-After: waits as asked (plus jitter), then succeeds', async () => {
      server.rateLimitNext(2, { retryAfterSec: 2 });
      expect(await provider().listFlags()).toHaveLength(4);
      expect(sleeps).toEqual([2_000, 2_000]);

      sleeps = [];
      server.rateLimitNext(1, { retryAfterSec: 2 });
      await provider({ random: () => 0.5 }).listFlags();
      expect(sleeps).toEqual([2_200]); // 2 s + half of max(100 ms, 20 %)
    });

    it('429 with X-Ratelimit-Reset (epoch ms): waits until the reset, then succeeds', async () => {
      server.rateLimitNext(1, { resetAt: server.now() + 1_500 }, { method: 'PATCH' });
      await provider().setTenantValue('publish-events', 'acme', false, ctx);
      expect(sleeps).toEqual([1_500]);
      expect(tenantTargets('publish-events')).toHaveLength(1);
    });

    it('429 that does not stop: gives up after bounded retries with a clear, retryable error', async () => {
      server.rateLimitNext(5, { retryAfterSec: 1 }); // the first try and 4 retries, all refused
      const error = await failure(provider().listFlags());
      expect(error.failure).toBe('rate-limited');
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/LaunchDarkly rate limit: .* still refused \(429\) after 4 retries/);
      expect(sleeps).toEqual([1_000, 1_000, 1_000, 1_000]);
      expect(server.requests.filter((r) => r.url.startsWith('/api/v2/flags/default?'))).toHaveLength(5);

      sleeps = [];
      server.rateLimitNext(1, { retryAfterSec: 120 });
      const tooLong = await failure(provider().listFlags());
      expect(tooLong.message).toMatch(
        /asks to wait 120 s; not waiting that long — try again after 2026-01-01T00:02:00/,
      );
      expect(sleeps).toEqual([]);
    });

    it('409 optimistic_locking_error: re-reads and retries the write, then gives up if it persists', async () => {
      server.optimisticLockNext(2);
      const p = provider();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      expect(tenantTargets('publish-events')).toEqual([
        { contextKind: 'tenant', values: ['acme'], variation: 0 },
      ]);
      expect(patches()).toHaveLength(3);
      const reads = server.requests.filter(
        (r) => r.method === 'GET' && r.url.startsWith('/api/v2/flags/default/publish-events'),
      );
      expect(reads).toHaveLength(3); // each attempt starts from a fresh read

      server.optimisticLockNext(10);
      const error = await failure(p.setTenantValue('publish-events', 'globex', false, ctx));
      expect(error.failure).toBe('optimistic-lock');
      expect(error.message).toMatch(
        /kept reporting concurrent changes \(409\) to publish-events after 4 attempts; nothing was changed/,
      );
    });

    it('405 approval required: says so, keeps the instructions, and requestApproval opens one', async () => {
      server.requireApprovals(ENV);
      const p = provider();
      const error = await failure(p.setTenantValue('publish-events', 'acme', false, ctx));
      expect(error.failure).toBe('approval-required');
      expect(error.message).toMatch(
        /requires approval .* \(405\): the change was not applied\. Request approval to open an approval request/,
      );
      expect(error.flagKey).toBe('publish-events');
      expect(error.instructions).toEqual([
        {
          kind: 'addTargets',
          contextKind: 'tenant',
          variationId: server.flag(PROJECT, 'publish-events').variations[0]!._id,
          values: ['acme'],
        },
      ]);
      expect(tenantTargets('publish-events')).toEqual([]);

      const request = await p.openApprovalRequest(error.flagKey!, error.instructions!, error.comment!);
      expect(request).toMatchObject({ status: 'pending', reviewStatus: 'pending' });
      expect(server.approvalRequests).toHaveLength(1);
      expect(server.approvalRequests[0]).toMatchObject({
        _id: request.id,
        flagKey: 'publish-events',
        environment: ENV,
        instructions: error.instructions,
        comment: 'acme is flooding the broker — dana via Switchboard (audit audit-1)',
      });
      const [latest] = await p.history({ flagKey: 'publish-events', limit: 1 });
      expect(latest!.summary).toMatch(/requested approval/);
    });

    it('requestApproval(change) rebuilds the refused change from what the audit entry says', async () => {
      server.requireApprovals(ENV);
      const p = provider();
      expect((await failure(p.setTenantValue('publish-events', 'acme', false, ctx))).approvalRequired).toBe(
        true,
      );
      const tenant = await p.requestApproval(
        { kind: 'tenant-value', flagKey: 'publish-events', tenantId: 'acme', value: false },
        ctx,
      );
      const offId = server.flag(PROJECT, 'publish-events').variations[0]!._id;
      expect(server.approvalRequests.at(-1)).toMatchObject({
        _id: tenant.id,
        instructions: [{ kind: 'addTargets', contextKind: 'tenant', variationId: offId, values: ['acme'] }],
        comment: 'acme is flooding the broker — dana via Switchboard (audit audit-1)',
      });
      expect((await failure(p.setFlagEnabled('publish-events', false, ctx))).approvalRequired).toBe(true);
      await p.requestApproval({ kind: 'flag-enabled', flagKey: 'publish-events', enabled: false }, ctx);
      expect(server.approvalRequests.at(-1)).toMatchObject({ instructions: [{ kind: 'turnFlagOff' }] });
      expect(server.flag(PROJECT, 'publish-events').environments[ENV]!.on).toBe(true);
      expect(tenantTargets('publish-events')).toEqual([]);
    });

    it('400 with conflicts: a marked error listing them, nothing changed and no override unasked', async () => {
      server.addPendingChange(PROJECT, 'publish-events', ENV, {
        kind: 'approval-request',
        instruction: { kind: 'addTargets', contextKind: 'tenant', values: ['acme'] },
        reason: 'approval request by alex@example.com would target acme differently',
      });
      server.addPendingChange(PROJECT, 'publish-events', ENV);
      const error = await failure(provider().setTenantValue('publish-events', 'acme', false, ctx));
      expect(error.failure).toBe('pending-conflict');
      expect(error.approvalRequired).toBe(false);
      expect(error.conflicts).toEqual([
        'approval request by alex@example.com would target acme differently (pending: addTargets tenant acme)',
        'A scheduled change (turnFlagOff) would no longer apply as reviewed (pending: turnFlagOff)',
      ]);
      expect(error.message).toMatch(/conflicts with pending changes on the flag .* Nothing was changed/);
      expect(error.message).toContain(
        '(1) approval request by alex@example.com would target acme differently',
      );
      expect(error.message).toContain('(2) A scheduled change (turnFlagOff)');
      expect(tenantTargets('publish-events')).toEqual([]);
      // one refused PATCH, never retried with ignoreConflicts on its own
      expect(patches().map((r) => r.url)).toEqual(['/api/v2/flags/default/publish-events']);

      const toggle = await failure(provider().setFlagEnabled('publish-events', false, ctx));
      expect(toggle.conflicts).toHaveLength(2);
      expect(server.flag(PROJECT, 'publish-events').environments[ENV]!.on).toBe(true);
    });

    it('with ignoreConflicts in the write context: sent as ?ignoreConflicts=true and applied', async () => {
      server.addPendingChange(PROJECT, 'publish-events', ENV);
      const p = provider();
      await p.setTenantValue('publish-events', 'acme', false, { ...ctx, ignoreConflicts: true });
      expect(tenantTargets('publish-events')).toEqual([
        expect.objectContaining({ contextKind: 'tenant', values: ['acme'] }),
      ]);
      expect(await p.servedValue('publish-events', 'acme')).toBe(false);
      await p.setFlagEnabled('publish-events', false, { ...ctx, ignoreConflicts: true });
      expect(server.flag(PROJECT, 'publish-events').environments[ENV]!.on).toBe(false);
      expect(patches().map((r) => r.url)).toEqual([
        '/api/v2/flags/default/publish-events?ignoreConflicts=true',
        '/api/v2/flags/default/publish-events?ignoreConflicts=true',
      ]);
      const [latest] = await p.history({ flagKey: 'publish-events', limit: 1 });
      expect(latest!.comment).toBe('acme is flooding the broker — dana via Switchboard (audit audit-1)');
    });

    it('a 400 that only says "conflict" is still marked, with no descriptions to list', async () => {
      server.failNext(1, {
        status: 400,
        body: { code: 'invalid_request', message: 'conflicts with a pending scheduled change' },
        match: { method: 'PATCH' },
      });
      const error = await failure(provider().setFlagEnabled('publish-events', false, ctx));
      expect(error.conflicts).toEqual([]);
      expect(error.message).toMatch(/conflicts with a pending scheduled change\. Nothing was changed/);
      // any other 400 is not a conflict
      server.failNext(1, {
        status: 400,
        body: { code: 'invalid_request', message: 'bad instruction' },
        match: { method: 'PATCH' },
      });
      expect((await failure(provider().setFlagEnabled('publish-events', false, ctx))).conflicts).toBeNull();
    });

    it('401 bad token and 403 missing permission are told apart, and name what is missing', async () => {
      const bad = await failure(provider({ token: 'not-a-real-token' }).listFlags());
      expect(bad.failure).toBe('unauthorized');
      expect(bad.message).toMatch(/rejected the access token \(401\)/);
      const bearer = await failure(provider({ token: `Bearer ${WRITER_TOKEN}` }).listFlags());
      expect(bearer.failure).toBe('unauthorized');

      const reader = provider({ token: READER_TOKEN });
      expect(await reader.listFlags()).toHaveLength(4);
      const forbidden = await failure(reader.setTenantValue('publish-events', 'acme', false, ctx));
      expect(forbidden.failure).toBe('forbidden');
      expect(forbidden.message).toMatch(
        /token is valid but may not set publish-events .* \(403 forbidden\): its role needs the "updateTargets" action/,
      );
      const toggle = await failure(reader.setFlagEnabled('publish-events', false, ctx));
      expect(toggle.message).toMatch(/"updateOn"/);
    });

    it('never puts the token in errors, notices or the provider object', async () => {
      const token = 'tok-secret-0123456789';
      const p = provider({ token });
      const error = await failure(p.listFlags());
      expect(error.message).not.toContain(token);
      expect(inspect(p, { depth: 10, showHidden: true })).not.toContain(token);
      expect(JSON.stringify(p)).not.toContain(token);
      expect(() => provider({ baseUrl: 'http://example.com' })).toThrow(/only sent over https/);

      // even when LaunchDarkly's answer echoes it
      server.failNext(1, {
        status: 400,
        body: { code: 'invalid_request', message: `bad header ${WRITER_TOKEN}` },
      });
      const echoed = await failure(provider().listFlags());
      expect(echoed.message).toContain('bad header [token]');
      expect(echoed.message).not.toContain(WRITER_TOKEN);
    });

    it('times out a request that gets no answer, and says a write may have landed', async () => {
      server.failNext(1, { status: 0, hang: true, match: { method: 'PATCH' } });
      const error = await failure(
        provider({ timeoutMs: 50 }).setTenantValue('publish-events', 'acme', false, ctx),
      );
      expect(error.failure).toBe('unreachable');
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(
        /did not answer the request to set publish-events .* within 50 ms; the change may or may not have been applied/,
      );
    });

    it('retries safe reads on 5xx', async () => {
      server.failNext(2, { status: 503, body: { code: 'service_unavailable', message: 'try later' } });
      expect(await provider().listFlags()).toHaveLength(4);
      expect(sleeps).toHaveLength(2);
    });
  });

  describe('lost races (someone else writes between our read and our write)', () => {
    it('someone targets the tenant elsewhere: LaunchDarkly refuses ours, theirs is kept, the race is reported', async () => {
      server.beforeNextWrite(() =>
        server.editAsSomeoneElse(PROJECT, 'publish-events', ENV, (env) => {
          env.contextTargets.push({ contextKind: 'tenant', values: ['acme'], variation: 1 });
        }),
      );
      const error = await failure(provider().setTenantValue('publish-events', 'acme', false, ctx));
      expect(error.failure).toBe('lost-race');
      expect(error.message).toMatch(
        /someone else targeted tenant "acme" to true on publish-events .* theirs was kept/,
      );
      expect(tenantTargets('publish-events')).toEqual([
        { contextKind: 'tenant', values: ['acme'], variation: 1 },
      ]);
    });

    it('someone changes the default under our "remove the override" plan: detected on read-back', async () => {
      const p = provider();
      await p.setTenantValue('publish-events', 'acme', false, ctx);
      server.beforeNextWrite(() =>
        server.editAsSomeoneElse(PROJECT, 'publish-events', ENV, (env) => {
          env.fallthrough = { variation: 0 };
        }),
      );
      const error = await failure(p.setTenantValue('publish-events', 'acme', true, ctx));
      expect(error.failure).toBe('lost-race');
      expect(error.message).toMatch(
        /lost race: publish-events was changed by someone else between our read \(version 2\) and our write \(now version 4\); tenant "acme" is now served false, not true/,
      );
    });

    it('an unrelated concurrent edit is reported as a notice; our write stands', async () => {
      server.beforeNextWrite(() =>
        server.editAsSomeoneElse(PROJECT, 'publish-events', ENV, (env) => {
          env.contextTargets.push({ contextKind: 'tenant', values: ['globex'], variation: 0 });
        }),
      );
      await provider().setTenantValue('publish-events', 'acme', false, ctx);
      expect(tenantTargets('publish-events')).toEqual([
        { contextKind: 'tenant', values: ['globex', 'acme'], variation: 0 },
      ]);
      expect(notices).toEqual([
        'publish-events was changed by someone else between our read (version 1) and our write (now version 3); tenant "acme" is served false as asked',
      ]);
    });
  });

  describe('changes', () => {
    it("polls the list and fires when someone else's change moves a _version", async () => {
      const p = provider();
      const changes: { flagKeys: string[]; etag: string }[] = [];
      const stop = p.onChange((change) => changes.push(change));
      await p.listFlags();
      await p.pollOnce();
      expect(changes).toEqual([]);

      server.editAsSomeoneElse(PROJECT, 'checkout-flow', ENV, (env) => {
        env.fallthrough = { variation: 2 };
      });
      await p.pollOnce();
      expect(changes).toHaveLength(1);
      expect(changes[0]!.flagKeys).toEqual(['checkout-flow']);
      expect(p.valuesFor('checkout-flow', ['acme']).get('acme')).toBe('next');

      await p.setTenantValue('publish-events', 'acme', false, ctx);
      expect(changes.at(-1)!.flagKeys).toEqual(['publish-events']);
      expect(changes.at(-1)!.etag).not.toBe(changes[0]!.etag);
      const count = changes.length;
      await p.pollOnce(); // our own write is already known: no second event
      expect(changes).toHaveLength(count);
      stop();
    });

    it('polls on its own timer while someone listens', async () => {
      const p = provider({ pollMs: 20 });
      await p.listFlags();
      const changed = new Promise<string[]>((resolve) => p.onChange((change) => resolve(change.flagKeys)));
      server.editAsSomeoneElse(PROJECT, 'batch-size', ENV, (env) => {
        env.on = false;
      });
      expect(await changed).toEqual(['batch-size']);
    });

    it('a failed poll is the problem (and one notice) until a poll succeeds, not a crash', async () => {
      const p = provider();
      await p.listFlags();
      expect(p.problem()).toBeNull();
      notices = []; // the skipped config-blob's notice: not what this test is about
      server.failNext(2, { status: 403, body: { code: 'forbidden', message: 'token revoked' } });
      await p.pollOnce();
      await p.pollOnce();
      expect(p.problem()).toMatch(/^reading LaunchDarkly's flag list failed: .*403 forbidden.*token revoked/);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/polling LaunchDarkly failed: .*403 forbidden/);

      await p.pollOnce();
      expect(p.problem()).toBeNull();
      expect(notices[1]).toBe('LaunchDarkly answers again: the flag list is current');
    });

    it('rate limits past their retries and an outage are problems too', async () => {
      const p = provider({ maxRetries: 1 });
      await p.listFlags();
      server.rateLimitNext(2, { retryAfterSec: 1 });
      await p.pollOnce();
      expect(p.problem()).toMatch(/LaunchDarkly rate limit: .* still refused \(429\) after 1 retries/);
      await p.pollOnce();
      expect(p.problem()).toBeNull();

      await server.close();
      await p.pollOnce();
      expect(p.problem()).toMatch(/cannot reach LaunchDarkly at http:\/\/127\.0\.0\.1:\d+ to list the flags/);
      server = await startLdContractServer(); // for afterEach
    });
  });
});

describe('the contract server enforces the documented contract (stands in for LaunchDarkly; not the real service)', () => {
  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { Authorization: WRITER_TOKEN, 'LD-API-Version': CONTRACT_API_VERSION, ...init.headers },
    });

  it('requires the semantic-patch content type, the API version, and a list limit of at most 100', async () => {
    const body = JSON.stringify({ environmentKey: ENV, instructions: [{ kind: 'turnFlagOff' }] });
    const plain = await call('/api/v2/flags/default/publish-events', {
      method: 'PATCH',
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(plain.status).toBe(400);
    const noVersion = await fetch(`${server.url}/api/v2/flags/default`, {
      headers: { Authorization: WRITER_TOKEN },
    });
    expect(noVersion.status).toBe(400);
    expect((await call('/api/v2/flags/default?limit=101')).status).toBe(400);
    const summary = (await (await call('/api/v2/flags/default?env=production')).json()) as {
      items: { environments: Record<string, Record<string, unknown>> }[];
    };
    expect(summary.items[0]!.environments.production!.contextTargets).toBeUndefined();
  });

  it('answers GET environment with the documented representation, 404 for an unknown one, and lists them', async () => {
    const production = (await (
      await call('/api/v2/projects/default/environments/production')
    ).json()) as Record<string, unknown>;
    expect(production).toMatchObject({
      key: 'production',
      name: 'Production',
      apiKey: expect.stringMatching(/^sdk-/),
      mobileKey: expect.stringMatching(/^mob-/),
      _links: { self: { href: '/api/v2/projects/default/environments/production' } },
    });
    const typo = await call('/api/v2/projects/default/environments/prodd');
    expect(typo.status).toBe(404);
    expect(await typo.json()).toEqual({ code: 'not_found', message: 'Unknown environment prodd' });
    expect((await call('/api/v2/projects/nope/environments/production')).status).toBe(404);
    const list = (await (await call('/api/v2/projects/default/environments?limit=1')).json()) as {
      items: { key: string }[];
      totalCount: number;
      _links: { next?: { href: string } };
    };
    expect(list.items.map((env) => env.key)).toEqual(['production']);
    expect(list.totalCount).toBe(2);
    expect(list._links.next?.href).toBe('/api/v2/projects/default/environments?limit=1&offset=1');
  });

  it('applies a semantic patch atomically: one bad instruction changes nothing', async () => {
    const flag = server.flag(PROJECT, 'publish-events');
    const response = await call('/api/v2/flags/default/publish-events', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json; domain-model=launchdarkly.semanticpatch' },
      body: JSON.stringify({
        environmentKey: ENV,
        instructions: [
          {
            kind: 'addTargets',
            contextKind: 'tenant',
            variationId: flag.variations[0]!._id,
            values: ['acme'],
          },
          { kind: 'addTargets', contextKind: 'tenant', variationId: 'no-such-id', values: ['globex'] },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(server.flag(PROJECT, 'publish-events')).toEqual(flag);
  });
});
