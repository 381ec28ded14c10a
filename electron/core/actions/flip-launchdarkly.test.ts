/**
 * The flip path over the LaunchDarkly provider, against the CONTRACT SERVER that stands in for
 * LaunchDarkly's REST API (flags/launchdarkly/testing; not the real service): what a flip costs in
 * requests, and how LaunchDarkly's own expiring targets follow Switchboard's time boxes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LaunchDarklyFlagProvider } from '../flags/launchdarkly/launchdarkly-flag-provider';
import { killSwitchSeed } from '../flags/launchdarkly/testing/kill-switch-seed';
import {
  type LdContractServer,
  startLdContractServer,
  WRITER_TOKEN,
} from '../flags/launchdarkly/testing/ld-contract-server';
import type { FlipRequest } from './flip-service';
import { FakeClock } from './testing/fake-clock';
import { type FlipFixture, openFlipFixture } from './testing/flip-fixture';
import { makeTempDir } from './testing/temp-dir';

const PROJECT = 'default';
const ENV = 'production';
const hour = 3_600_000;
const kill: FlipRequest = {
  flagKey: 'publish-events',
  tenantId: 'acme',
  value: false,
  reason: 'acme is flooding the broker',
  actor: 'ops',
};

let server: LdContractServer;
let fx: FlipFixture<LaunchDarklyFlagProvider>;
let remove: () => Promise<void>;

beforeEach(async () => {
  const clock = new FakeClock();
  server = await startLdContractServer({ startAt: clock.now() });
  server.addFlag(PROJECT, killSwitchSeed({ offVariation: 0 }));
  // enough flags for the listing to take several pages
  for (let i = 0; i < 250; i++) {
    server.addFlag(PROJECT, { key: `other-${i}`, variations: [{ value: true }, { value: false }] });
  }
  const provider = new LaunchDarklyFlagProvider({
    baseUrl: server.url,
    token: WRITER_TOKEN,
    project: PROJECT,
    environment: ENV,
    random: () => 0,
    sleep: async () => {},
    now: clock.now,
    pollMs: 600_000,
    // short, for the answer that never comes; not so short that a loaded CI machine misses one
    timeoutMs: 1500,
  });
  await provider.listFlags(); // as the provider factory does before the first tick
  let dir: string;
  ({ dir, remove } = await makeTempDir());
  fx = await openFlipFixture({ dataDir: dir, clock, provider });
});

afterEach(async () => {
  await fx.close();
  await fx.provider.close();
  await server.close();
  await remove();
});

const listings = () =>
  server.requests.filter((r) => r.method === 'GET' && r.url.startsWith(`/api/v2/flags/${PROJECT}?`));
const expiring = () => server.expiringTargets().filter((t) => t.contextKey === 'acme');

describe('flips over LaunchDarkly (contract server)', () => {
  it('a flip, a time-boxed flip and a flag-wide toggle list no flags: each reads only its flag', async () => {
    const before = listings().length;
    expect(before).toBe(3); // the factory's listing: 251 flags in pages of 100
    expect((await fx.flips.apply({ ...kill, timeboxMs: hour })).outcome).toBe('applied');
    expect((await fx.flips.apply({ ...kill, value: true, reason: 'false alarm' })).outcome).toBe('applied');
    const toggle = await fx.toggles.apply({
      flagKey: 'publish-events',
      enabled: false,
      reason: 'INC-9',
      actor: 'ops',
    });
    expect(toggle.outcome).toBe('applied');
    expect(listings()).toHaveLength(before);
  });

  it('a time-boxed flip is also scheduled in LaunchDarkly; a flip without one withdraws that schedule', async () => {
    const boxed = await fx.flips.apply({ ...kill, timeboxMs: hour });
    expect(expiring()).toEqual([expect.objectContaining({ expirationDate: Date.parse(boxed.revertAt!) })]);

    const forGood = await fx.flips.apply({ ...kill, reason: 'off until the fix ships' });
    expect(forGood).toMatchObject({ outcome: 'applied', error: null });
    expect(expiring()).toEqual([]);
    expect(fx.timeBox.list()).toEqual([]);
    server.advanceClock(2 * hour);
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(false);
  });

  it('a new time box LaunchDarkly cannot keep withdraws its older schedule, which would revert at the wrong time', async () => {
    await fx.flips.apply({ ...kill, timeboxMs: hour });
    // someone makes false the flag's default: expiring acme's target would no longer serve true
    server.editAsSomeoneElse(PROJECT, 'publish-events', ENV, (env) => {
      env.fallthrough = { variation: 1 };
    });
    const longer = await fx.flips.apply({ ...kill, reason: 'still spiking', timeboxMs: 4 * hour });
    expect(longer).toMatchObject({ outcome: 'applied', error: null });
    expect(expiring()).toEqual([]);
    expect(fx.timeBox.pendingFor('publish-events', 'acme')).toMatchObject({
      auditId: longer.id,
      revertTo: true,
    });
  });

  it('records a schedule LaunchDarkly failed to move or withdraw in the entry, instead of swallowing it', async () => {
    await fx.flips.apply({ ...kill, timeboxMs: hour });
    server.failNext(2, {
      status: 403,
      body: { code: 'forbidden', message: 'no' },
      match: { method: 'PATCH', path: '/expiring-targets/' },
    });
    const longer = await fx.flips.apply({ ...kill, reason: 'still spiking', timeboxMs: 4 * hour });
    expect(longer.outcome).toBe('applied');
    expect(longer.error).toMatch(
      /^LaunchDarkly default\/production could not schedule its own revert \(.*403 forbidden.*\); Switchboard's time box reverts it while Switchboard runs; an earlier revert scheduled in LaunchDarkly default\/production could not be withdrawn \(.*403.*\): it may still revert acme at its earlier time — remove it there$/,
    );
    expect(fx.audit.get(longer.id)?.error).toBe(longer.error);

    server.failNext(1, {
      status: 403,
      body: { code: 'forbidden', message: 'no' },
      match: { method: 'PATCH', path: '/expiring-targets/' },
    });
    const forGood = await fx.flips.apply({ ...kill, reason: 'off until the fix ships' });
    expect(forGood.error).toMatch(
      /could not be withdrawn .* although this change has no time box — remove it there$/,
    );
  });

  it('a PATCH whose answer never came but which LaunchDarkly applied is recorded as applied, with its time box', async () => {
    server.failNext(1, {
      status: 0,
      hang: true,
      applied: true,
      match: { method: 'PATCH', path: `/api/v2/flags/${PROJECT}/publish-events` },
    });
    const entry = await fx.flips.apply({ ...kill, timeboxMs: hour });
    expect(entry.outcome).toBe('applied');
    expect(entry.error).toMatch(
      /^the write reported an error, yet false is served as asked: LaunchDarkly did not answer .* within [^;]+; the change may or may not have been applied$/,
    );
    expect(fx.timeBox.pendingFor('publish-events', 'acme')).toMatchObject({
      auditId: entry.id,
      revertTo: true,
    });
    expect(expiring()).toHaveLength(1);
  });
});

describe('a change LaunchDarkly refuses over pending changes (contract server)', () => {
  const flagPatches = () =>
    server.requests
      .filter((r) => r.method === 'PATCH' && /^\/api\/v2\/flags\/[^/]+\/publish-events(\?|$)/.test(r.url))
      .map((r) => r.url);

  it('is recorded as failed with the conflicts; applying anyway reaches LaunchDarkly and is a second entry saying so', async () => {
    server.addPendingChange(PROJECT, 'publish-events', ENV, {
      instruction: { kind: 'turnFlagOff' },
      reason: 'scheduled turnFlagOff at 18:00 by alex@example.com',
    });
    const refused = await fx.flips.apply({ ...kill, timeboxMs: hour });
    expect(refused).toMatchObject({
      outcome: 'failed',
      reason: 'acme is flooding the broker',
      conflicts: ['scheduled turnFlagOff at 18:00 by alex@example.com (pending: turnFlagOff)'],
      approval: null,
    });
    expect(refused.error).toMatch(
      /conflicts with pending changes .* Conflicting: \(1\) scheduled turnFlagOff at 18:00 by alex@example\.com/,
    );
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(true);
    expect(fx.timeBox.pendingFor('publish-events', 'acme')).toBeNull();

    const anyway = await fx.flips.apply({ ...kill, timeboxMs: hour, ignoreConflicts: true });
    expect(anyway.id).not.toBe(refused.id);
    expect(anyway).toMatchObject({
      outcome: 'applied',
      reason: 'acme is flooding the broker (applied anyway, overriding conflicting pending changes)',
    });
    expect(anyway.conflicts ?? null).toBeNull();
    expect(await fx.provider.servedValue('publish-events', 'acme')).toBe(false);
    expect(fx.timeBox.pendingFor('publish-events', 'acme')).toMatchObject({ auditId: anyway.id });
    expect(flagPatches()).toEqual([
      `/api/v2/flags/${PROJECT}/publish-events`,
      `/api/v2/flags/${PROJECT}/publish-events?ignoreConflicts=true`,
    ]);
    // both attempts in Switchboard's audit, newest first; the override in LaunchDarkly's own log too
    expect(fx.audit.query({ tenantId: 'acme' }).map((e) => [e.id, e.outcome])).toEqual([
      [anyway.id, 'applied'],
      [refused.id, 'failed'],
    ]);
    const comments = (await fx.provider.history({ flagKey: 'publish-events', limit: 5 })).map(
      (e) => e.comment,
    );
    expect(comments).toContain(
      `acme is flooding the broker (applied anyway, overriding conflicting pending changes) — ops via Switchboard (audit ${anyway.id})`,
    );
  });

  it('a flag-wide toggle too: refused with the conflicts, then turned off with ignoreConflicts', async () => {
    server.addPendingChange(PROJECT, 'publish-events', ENV, { kind: 'approval-request' });
    const toggle = { flagKey: 'publish-events', enabled: false, reason: 'INC-9', actor: 'ops' };
    const refused = await fx.toggles.apply(toggle);
    expect(refused.outcome).toBe('failed');
    expect(refused.conflicts).toEqual([
      'An approval request (turnFlagOff) would no longer apply as reviewed (pending: turnFlagOff)',
    ]);
    const anyway = await fx.toggles.apply({ ...toggle, ignoreConflicts: true });
    expect(anyway).toMatchObject({
      outcome: 'applied',
      reason: 'INC-9 (applied anyway, overriding conflicting pending changes)',
    });
    expect(server.flag(PROJECT, 'publish-events').environments[ENV]!.on).toBe(false);
    expect(flagPatches().at(-1)).toBe(`/api/v2/flags/${PROJECT}/publish-events?ignoreConflicts=true`);
    expect(fx.audit.query({ flagKey: 'publish-events' }).map((e) => e.outcome)).toEqual([
      'applied',
      'failed',
    ]);
  });

  it('other failures carry no conflicts', async () => {
    server.requireApprovals(ENV);
    const refused = await fx.flips.apply(kill);
    expect(refused).toMatchObject({ outcome: 'failed', approval: { state: 'required' } });
    expect(refused.conflicts ?? null).toBeNull();
  });
});
