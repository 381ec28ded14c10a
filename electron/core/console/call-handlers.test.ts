/**
 * The profile calls against the assembled core (real files, a real OFREP server, the LaunchDarkly
 * contract server): guards that follow an edit of the active profile at once, the refusal to leave
 * pending time boxes behind, URL passwords, what "Test connection" says about writing, and the
 * active profile while its flag system is not connected yet.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-services/free-ports';
import type { AppInfo, AuditEntry, ConnectionTest, ProfilesView } from '../api';
import { assembleConsole, type ConsoleParts } from '../console-core';
import type { ConsoleCore } from '../console-core.types';
import { killSwitchSeed } from '../flags/launchdarkly/testing/kill-switch-seed';
import {
  type LdContractServer,
  READER_TOKEN,
  startLdContractServer,
  WRITER_TOKEN,
} from '../flags/launchdarkly/testing/ld-contract-server';
import type { OfrepGate } from '../flags/ofrep-gate/ofrep-gate';
import { LocalServer } from '../metrics/scrape/testing/local-server';
import type { SecretStore } from '../secrets/secret-store';
import { nextReset } from './testing/next-reset';

const actor = { actor: 'oncall' };
const FIFTEEN_MIN = 15 * 60_000;
let running: { core: ConsoleCore; parts: ConsoleParts } | null = null;
let dataDir = '';

function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    backend: 'memory',
    warning: null,
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => void values.set(name, value),
    delete: async (name) => void values.delete(name),
  };
}

async function start(options: Partial<Parameters<typeof assembleConsole>[0]> = {}) {
  dataDir = await mkdtemp(join(tmpdir(), 'switchboard-handlers-'));
  running = await assembleConsole({
    dataDir,
    host: 'web',
    tenants: 12,
    ofrepPort: 0,
    spikeAfterMs: null,
    secrets: memorySecrets(),
    ...options,
  });
  await (running.parts.gate as OfrepGate).whenIdle();
  return running;
}

const embedded = (name: string, extra: object = {}) => ({
  name,
  flags: { kind: 'embedded' },
  sources: [{ kind: 'simulated', tenants: 12, spikeAfterMs: null }],
  ...extra,
});

function record(core: ConsoleCore) {
  const seen: { event: string; payload: unknown }[] = [];
  core.subscribe((event, payload) => {
    if (event === 'app.onReset' || event === 'profiles.onChange') seen.push({ event, payload });
  });
  return seen;
}

afterEach(async () => {
  await running?.core.stop();
  running = null;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = '';
});

describe('editing the active profile', () => {
  it('read-only and production take effect at once, and every UI is told', async () => {
    const { core } = await start();
    await core.call('profiles.save', { profile: embedded('ops') }, actor);
    await core.call('profiles.activate', { name: 'ops' }, actor);
    await (running!.parts.gate as OfrepGate).whenIdle();
    const seen = record(core);

    await core.call('profiles.save', { profile: embedded('ops', { readOnly: true }) }, actor);
    const reset = seen.find((e) => e.event === 'app.onReset')?.payload as AppInfo;
    expect(reset.profile).toEqual({ name: 'ops', production: false, readOnly: true });
    const listed = seen.find((e) => e.event === 'profiles.onChange')?.payload as ProfilesView;
    expect(listed.profiles.find((p) => p.name === 'ops')?.readOnly).toBe(true);
    expect(((await core.call('app.info', {}, actor)) as AppInfo).profile.readOnly).toBe(true);
    for (const [name, input] of [
      ['actions.flip', { tenantId: 'acme', publish: false, reason: 'incident' }],
      ['actions.setFlagEnabled', { flagKey: 'publish-events', enabled: false, reason: 'incident' }],
    ] as const) {
      await expect(core.call(name, input, actor)).rejects.toMatchObject({ code: 'READ_ONLY' });
    }

    await core.call('profiles.save', { profile: embedded('ops', { production: true }) }, actor);
    expect(seen.filter((e) => e.event === 'app.onReset')).toHaveLength(2);
    await expect(
      core.call('actions.flip', { tenantId: 'acme', publish: false, reason: 'incident' }, actor),
    ).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    const entry = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'incident', confirm: 'acme' },
      actor,
    )) as AuditEntry;
    expect(entry.outcome).toBe('applied');
  });

  it('new sources for the running profile reconnect it at once', async () => {
    const { core } = await start();
    await core.call('profiles.save', { profile: embedded('ops') }, actor);
    await core.call('profiles.activate', { name: 'ops' }, actor);
    const seen = record(core);
    const fewer = { ...embedded('ops'), sources: [{ kind: 'simulated', tenants: 7, spikeAfterMs: null }] };
    await core.call('profiles.save', { profile: fewer }, actor);
    expect(seen.map((e) => e.event)).toContain('app.onReset');
    expect(running!.parts.source?.tenants()).toHaveLength(7);
  });

  it('saving another profile leaves the running one alone and does not reset the UI', async () => {
    const { core } = await start();
    const seen = record(core);
    await core.call('profiles.save', { profile: embedded('elsewhere', { readOnly: true }) }, actor);
    expect(seen.map((e) => e.event)).toEqual(['profiles.onChange']);
    const entry = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'incident' },
      actor,
    )) as AuditEntry;
    expect(entry.outcome).toBe('applied');
  });
});

describe('switching profile with time boxes pending', () => {
  it('is refused naming them when it leaves their flag system, goes ahead when confirmed, and the time box runs again back home', async () => {
    const ld = await startLdContractServer({ startAt: Date.now() });
    try {
      const { core, parts } = await start();
      const flags = { kind: 'launchdarkly', baseUrl: ld.url, project: 'default', environment: 'production' };
      await core.call(
        'profiles.save',
        { profile: embedded('other', { flags }), secrets: { flagToken: WRITER_TOKEN } },
        actor,
      );
      const flip = (await core.call(
        'actions.flip',
        { tenantId: 'acme', publish: false, reason: 'flood', timeboxMs: FIFTEEN_MIN },
        actor,
      )) as AuditEntry;
      expect(flip.outcome).toBe('applied');

      const refused = (await core
        .call('profiles.activate', { name: 'other' }, actor)
        .catch((e: Error) => e)) as Error;
      expect(refused).toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
      expect(refused.message).toMatch(
        /acme's time box \(publish-events\) ends in \d+ min and will not run while another profile is active/,
      );
      expect(((await core.call('app.info', {}, actor)) as AppInfo).profile.name).toBe('local');

      await core.call('profiles.activate', { name: 'other', leavePendingTimeBoxes: true }, actor);
      expect(((await core.call('app.info', {}, actor)) as AppInfo).profile.name).toBe('other');
      expect(parts.timeBox.list()).toEqual([]);
      const file = JSON.parse(await readFile(join(dataDir, 'pending-reverts.json'), 'utf8'));
      expect(file.reverts).toEqual([expect.objectContaining({ auditId: flip.id, tenantId: 'acme' })]);

      // "other" has nothing pending: switching back needs no confirmation, and the revert is armed again.
      await core.call('profiles.activate', { name: 'local' }, actor);
      expect(parts.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id })]);
    } finally {
      await ld.close();
    }
  });

  it('needs no confirmation between profiles on the same embedded flags: the time box keeps running', async () => {
    const { core, parts } = await start();
    await core.call('profiles.save', { profile: embedded('other') }, actor);
    const flip = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'flood', timeboxMs: FIFTEEN_MIN },
      actor,
    )) as AuditEntry;
    await core.call('profiles.activate', { name: 'other' }, actor);
    expect(parts.profile.name).toBe('other');
    expect(parts.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id })]);
  });
});

describe('passwords in URLs', () => {
  it('a saved profile refuses one, pointing to the password field, and profiles.json is not written', async () => {
    const { core } = await start();
    const profile = embedded('broker', {
      sources: [{ kind: 'rabbitmq', url: 'http://ops:hunter2@127.0.0.1:15672' }],
    });
    const error = (await core.call('profiles.save', { profile }, actor).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(error.message).toMatch(/sources\[0\]\.url: .*RabbitMQ password field/);
    await expect(readFile(join(dataDir, 'profiles.json'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    const flags = { kind: 'unleash', url: 'http://admin:pw@127.0.0.1:4242' };
    await expect(
      core.call('profiles.save', { profile: embedded('u', { flags }) }, actor),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/flags\.url: /) });
  });
});

describe('a change LaunchDarkly refuses over pending changes', () => {
  it('fails listing them; "apply anyway" passes ignoreConflicts through and still needs the production confirmation', async () => {
    const ld = await startLdContractServer({ startAt: Date.now() });
    try {
      ld.addFlag('default', killSwitchSeed());
      ld.addPendingChange('default', 'publish-events', 'production', {
        reason: 'scheduled turnFlagOff by alex@example.com',
      });
      const { core } = await start();
      const flags = { kind: 'launchdarkly', baseUrl: ld.url, project: 'default', environment: 'production' };
      await core.call(
        'profiles.save',
        { profile: embedded('ld-prod', { flags, production: true }), secrets: { flagToken: WRITER_TOKEN } },
        actor,
      );
      await core.call('profiles.activate', { name: 'ld-prod' }, actor);
      const flip = { tenantId: 'acme', publish: false, reason: 'INC-9 flood', confirm: 'acme' };

      const refused = (await core.call('actions.flip', flip, actor)) as AuditEntry;
      expect(refused).toMatchObject({
        outcome: 'failed',
        conflicts: ['scheduled turnFlagOff by alex@example.com (pending: turnFlagOff)'],
      });
      await expect(
        core.call('actions.flip', { ...flip, confirm: undefined, ignoreConflicts: true }, actor),
      ).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
      await expect(
        core.call('actions.flip', { ...flip, ignoreConflicts: 'yes' }, actor),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });

      const anyway = (await core.call(
        'actions.flip',
        { ...flip, ignoreConflicts: true },
        actor,
      )) as AuditEntry;
      expect(anyway).toMatchObject({
        outcome: 'applied',
        reason: 'INC-9 flood (applied anyway, overriding conflicting pending changes)',
      });
      expect(ld.requests.filter((r) => r.method === 'PATCH').map((r) => r.url)).toEqual([
        '/api/v2/flags/default/publish-events',
        '/api/v2/flags/default/publish-events?ignoreConflicts=true',
      ]);
    } finally {
      await ld.close();
    }
  });
});

describe('Test connection', () => {
  it('says whether writes would work where that can be known, and "not checked" where it cannot', async () => {
    const ld = await startLdContractServer({ startAt: Date.now() });
    try {
      const { core } = await start();
      const local = (await core.call('profiles.test', { name: 'local' }, actor)) as ConnectionTest;
      expect(local.checks[0]).toMatchObject({ part: 'flags (embedded)', ok: true });
      expect(local.checks[0]!.message).toMatch(/can write: yes/);

      const flags = { kind: 'launchdarkly', baseUrl: ld.url, project: 'default', environment: 'production' };
      await core.call(
        'profiles.save',
        { profile: embedded('ld-reader', { flags }), secrets: { flagToken: READER_TOKEN } },
        actor,
      );
      const reader = (await core.call('profiles.test', { name: 'ld-reader' }, actor)) as ConnectionTest;
      expect(reader.checks[0]).toMatchObject({ part: 'flags (launchdarkly)', ok: true });
      expect(reader.checks[0]!.message).toMatch(/can write: not checked .*read-only token passes/);
    } finally {
      await ld.close();
    }
  });
});

describe('Test connection of a draft, before it is saved', () => {
  it('reports the unreachable broker as failing and the embedded flags as working, and saves nothing', async () => {
    const { core } = await start();
    const before = await core.call('profiles.list', {}, actor);
    const port = await freePort(); // asked of the kernel and released: nothing listens there
    const profile = embedded('draft', {
      sources: [{ kind: 'rabbitmq', url: `http://guest@127.0.0.1:${port}` }],
    });

    const result = (await core.call(
      'profiles.test',
      { profile, secrets: { rabbitmqPassword: 'typed-broker-pw' } },
      actor,
    )) as ConnectionTest;

    expect(result.ok).toBe(false);
    expect(result.checks).toEqual([
      expect.objectContaining({ part: 'flags (embedded)', ok: true }),
      expect.objectContaining({ part: 'metrics (rabbitmq)', ok: false }),
    ]);
    expect(result.checks[1]!.message).toMatch(/ECONNREFUSED|refused|cannot reach/);
    expect(JSON.stringify(result)).not.toContain('typed-broker-pw');
    expect(await core.call('profiles.list', {}, actor)).toEqual(before);
    await expect(readFile(join(dataDir, 'profiles.json'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(((await core.call('app.info', {}, actor)) as AppInfo).profile.name).toBe('local');
  });

  it('is refused as saving would be: a password in a URL, the command line profile’s name', async () => {
    const { core } = await start({ sources: [{ kind: 'simulated', tenants: 12, spikeAfterMs: null }] });
    const before = await core.call('profiles.list', {}, actor);
    const profile = embedded('broker', {
      sources: [{ kind: 'rabbitmq', url: 'http://ops:hunter2@127.0.0.1:15672' }],
    });

    const refused = (await core.call('profiles.test', { profile }, actor).catch((e: Error) => e)) as Error;
    const saveRefused = (await core
      .call('profiles.save', { profile }, actor)
      .catch((e: Error) => e)) as Error;
    expect(refused).toMatchObject({ code: 'INVALID_INPUT' });
    expect(refused.message).toMatch(/profile\.sources\[0\]\.url: .*RabbitMQ password field/);
    expect(refused.message.replace('profiles.test', 'profiles.save')).toBe(saveRefused.message);
    expect(refused.message).not.toContain('hunter2');

    await expect(
      core.call('profiles.test', { profile: embedded('command-line') }, actor),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/command-line profile/),
    });
    expect(await core.call('profiles.list', {}, actor)).toEqual(before);
  });

  it('uses the typed secret, else the saved profile’s, and never shows one even when a server echoes it', async () => {
    const seen: string[] = [];
    // A misbehaving management endpoint that quotes the password it was sent in its error body.
    const echo = await new LocalServer((_url, request) => {
      const basic = (request.headers.authorization ?? '').replace(/^Basic /, '');
      const password = Buffer.from(basic, 'base64').toString().split(':')[1] ?? '';
      seen.push(password);
      return { status: 500, body: `login failed for password ${password}` };
    }).start();
    try {
      const { core } = await start();
      const profile = embedded('staging', { sources: [{ kind: 'rabbitmq', url: echo.url }] });
      await core.call('profiles.save', { profile, secrets: { rabbitmqPassword: 'stored-pw-1' } }, actor);

      const typed = (await core.call(
        'profiles.test',
        { profile, secrets: { rabbitmqPassword: 'typed-pw-2' } },
        actor,
      )) as ConnectionTest;
      expect(seen.at(-1)).toBe('typed-pw-2');
      expect(typed.checks[1]).toMatchObject({ part: 'metrics (rabbitmq)', ok: false });
      expect(typed.checks[1]!.message).toContain('login failed for password •••');
      expect(JSON.stringify(typed)).not.toContain('typed-pw-2');

      const kept = (await core.call('profiles.test', { profile }, actor)) as ConnectionTest;
      expect(seen.at(-1)).toBe('stored-pw-1');
      expect(JSON.stringify(kept)).not.toContain('stored-pw-1');

      // a new profile's draft has no saved secrets to borrow
      await core.call('profiles.test', { profile: { ...profile, name: 'fresh' } }, actor);
      expect(seen.at(-1)).not.toBe('stored-pw-1');
    } finally {
      await echo.stop();
    }
  });
});

/** LaunchDarkly here is the CONTRACT SERVER (launchdarkly/testing), not the real service. */
describe('the active profile while its flag system is not connected (LaunchDarkly = the contract server)', () => {
  let ld: LdContractServer | null = null;
  afterEach(async () => {
    await ld?.close();
    ld = null;
  });

  async function startLd(port: number): Promise<LdContractServer> {
    ld = await startLdContractServer({ port });
    ld.addFlag('default', killSwitchSeed());
    return ld;
  }

  const ldProfile = (port: number, extra: object = {}) =>
    embedded('ld', {
      flags: {
        kind: 'launchdarkly',
        baseUrl: `http://127.0.0.1:${port}`,
        project: 'default',
        environment: 'production',
      },
      ...extra,
    });

  /** The core started (again) on `dataDir` with `profile` active, as a launch would. */
  async function launchOn(profile: object, secrets: SecretStore) {
    dataDir ||= await mkdtemp(join(tmpdir(), 'switchboard-handlers-'));
    await writeFile(join(dataDir, 'profiles.json'), JSON.stringify({ active: 'ld', profiles: [profile] }));
    running = await assembleConsole({
      dataDir,
      host: 'web',
      tenants: 12,
      ofrepPort: 0,
      spikeAfterMs: null,
      secrets,
      flagConnectRetry: { minMs: 50, maxMs: 250 },
    });
    return running;
  }

  it('saving it with a token works, keeps connecting, and connects once LaunchDarkly listens', async () => {
    const port = await freePort();
    const { core } = await launchOn(ldProfile(port), memorySecrets());
    const saved = (await core.call(
      'profiles.save',
      { profile: ldProfile(port), secrets: { flagToken: WRITER_TOKEN } },
      actor,
    )) as ProfilesView;
    expect(saved.active).toBe('ld');
    const info = (await core.call('app.info', {}, actor)) as AppInfo;
    expect(info.problems).toEqual([
      expect.stringMatching(
        new RegExp(`127\\.0\\.0\\.1:${port}: cannot connect \\(cannot reach LaunchDarkly`),
      ),
    ]);

    const reset = nextReset(core);
    await startLd(port);
    expect((await reset).problems).toEqual([]);
    const flip = { tenantId: 'acme', publish: false, reason: 'INC-4' };
    expect(await core.call('actions.flip', flip, actor)).toMatchObject({ outcome: 'applied' });
  });

  it('an approval request is refused like a write: read-only, or not connected; production needs no confirmation for it', async () => {
    const port = await freePort();
    const secrets = memorySecrets();
    await secrets.set('ld.flagToken', WRITER_TOKEN);
    const prod = ldProfile(port, { production: true });
    await startLd(port);
    const { core } = await launchOn(prod, secrets);
    ld!.requireApprovals('production');
    const refuse = async (tenantId: string) =>
      (await core.call(
        'actions.flip',
        { tenantId, publish: false, reason: 'INC-5', confirm: tenantId },
        actor,
      )) as AuditEntry;
    const [acme, globex] = [await refuse('acme'), await refuse('globex')];
    expect(globex).toMatchObject({ outcome: 'failed', approval: { state: 'required' } });

    // no typed confirmation: asking changes nothing that is served
    const asked = (await core.call('actions.requestApproval', { auditId: acme.id }, actor)) as AuditEntry;
    expect(asked.approval).toMatchObject({ state: 'requested' });

    await core.call('profiles.save', { profile: { ...prod, readOnly: true } }, actor);
    await expect(core.call('actions.requestApproval', { auditId: globex.id }, actor)).rejects.toMatchObject({
      code: 'READ_ONLY',
    });
    await core.call('profiles.save', { profile: prod }, actor);

    // the next launch finds LaunchDarkly down
    await running!.core.stop();
    running = null;
    await ld!.close();
    ld = null;
    const again = await launchOn(prod, secrets);
    await expect(
      again.core.call('actions.requestApproval', { auditId: globex.id }, actor),
    ).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(/^approval requests are refused: LaunchDarkly at .*cannot connect/),
    });
    expect(again.parts.audit.get(globex.id)?.approval).toMatchObject({ state: 'required' });
  });
});
