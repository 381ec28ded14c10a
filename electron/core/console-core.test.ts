import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test-services/free-ports';
import type {
  AppInfo,
  AuditEntry,
  FlagInfo,
  ProviderEvent,
  Settings,
  TenantDetail,
  TimeBoxInfo,
  TrafficSnapshot,
  TrafficTick,
} from './api';
import { nextReset } from './console/testing/next-reset';
import { assembleConsole, type ConsoleParts } from './console-core';
import type { ConsoleCore } from './console-core.types';
import { killSwitchSeed } from './flags/launchdarkly/testing/kill-switch-seed';
import {
  type LdContractServer,
  startLdContractServer,
  WRITER_TOKEN,
} from './flags/launchdarkly/testing/ld-contract-server';
import type { OfrepGate } from './flags/ofrep-gate/ofrep-gate';
import type { MetricsSource } from './metrics/metrics-source';
import { tickRows } from './traffic/tick-columns';

const actor = { actor: 'oncall' };
let running: { core: ConsoleCore; parts: ConsoleParts } | null = null;
let dataDir = '';

async function start(options: { tenants?: number } = {}) {
  dataDir ||= await mkdtemp(join(tmpdir(), 'switchboard-core-'));
  running = await assembleConsole({
    dataDir,
    host: 'web',
    tenants: options.tenants ?? 12,
    ofrepPort: 0,
    spikeAfterMs: null,
  });
  return running;
}

function gateSees(parts: ConsoleParts, tenantId: string, allowed: boolean): Promise<void> {
  return new Promise((resolve) => {
    if ((parts.gate as OfrepGate).allowed(tenantId) === allowed) return resolve();
    const off = (parts.gate as OfrepGate).onChange(() => {
      if ((parts.gate as OfrepGate).allowed(tenantId) !== allowed) return;
      off();
      resolve();
    });
  });
}

afterEach(async () => {
  await running?.core.stop();
  running = null;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = '';
});

describe('console core, assembled over real files and a real OFREP server', () => {
  it('flips a tenant off: durable audit, the workload stops publishing, the row says off', async () => {
    const { core, parts } = await start();
    await (parts.gate as OfrepGate).whenIdle();
    const entry = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'incident 42' },
      actor,
    )) as AuditEntry;
    expect(entry).toMatchObject({
      outcome: 'applied',
      tenantId: 'acme',
      value: false,
      previous: true,
      actor: 'oncall',
      // the entry names where it was made: approvals and crash recovery go back only there
      profile: 'local',
      environment: null,
    });
    await gateSees(parts, 'acme', false);
    const sample = await parts.source!.sample(Date.now());
    expect(sample.rates.get('acme')).toBe(0);
    expect([...sample.rates.values()].some((rate) => rate > 0)).toBe(true);
    const audit = await readFile(join(dataDir, 'audit.jsonl'), 'utf8');
    expect(
      audit
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).outcome),
    ).toEqual(['pending', 'applied']);
    const flags = JSON.parse(await readFile(join(dataDir, 'flags.json'), 'utf8'));
    expect(JSON.stringify(flags.flags['publish-events'].targeting)).toContain('acme');
  });

  it('turns a flag off for everyone and back: flagd serves its default to all, overrides wait, audit says "everyone"', async () => {
    const { core, parts } = await start();
    const gate = parts.gate as OfrepGate;
    await gate.whenIdle();
    await core.call('actions.flip', { tenantId: 'acme', publish: false, reason: 'acme flood' }, actor);
    await gateSees(parts, 'acme', false);

    const off = (await core.call(
      'actions.setFlagEnabled',
      { flagKey: 'publish-events', enabled: false, reason: 'INC-10: overrides under review' },
      actor,
    )) as AuditEntry;
    expect(off).toMatchObject({
      action: 'set-flag-enabled',
      tenantId: null,
      value: false,
      previous: true,
      outcome: 'applied',
    });
    // Off, a flagd flag serves its default variant to every tenant: acme publishes again.
    await gateSees(parts, 'acme', true);
    const flags = (await core.call('flags.list', {}, actor)) as FlagInfo[];
    expect(flags.find((f) => f.key === 'publish-events')).toMatchObject({ enabled: false, offValue: true });
    const file = JSON.parse(await readFile(join(dataDir, 'flags.json'), 'utf8'));
    expect(file.flags['publish-events'].state).toBe('DISABLED');
    expect(
      await core.call('audit.query', { tenantId: undefined, flagKey: 'publish-events', limit: 1 }, actor),
    ).toEqual([expect.objectContaining({ id: off.id, tenantId: null, outcome: 'applied' })]);

    await core.call(
      'actions.setFlagEnabled',
      { flagKey: 'publish-events', enabled: true, reason: 'reviewed' },
      actor,
    );
    await gateSees(parts, 'acme', false);
    await expect(
      core.call('actions.setFlagEnabled', { flagKey: 'ghost', enabled: false, reason: 'nope' }, actor),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      core.call('actions.setFlagEnabled', { flagKey: 'publish-events', enabled: 'no', reason: 'x' }, actor),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('tells of a running time box when asked and as it starts and ends', async () => {
    const { core } = await start();
    const pushed: TimeBoxInfo[][] = [];
    core.subscribe((event, payload) => {
      if (event === 'actions.onTimeBoxes') pushed.push(payload as TimeBoxInfo[]);
    });
    expect(await core.call('actions.timeBoxes', {}, actor)).toEqual([]);
    const kill = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'acme flood', timeboxMs: 15 * 60_000 },
      actor,
    )) as AuditEntry;
    const box = {
      flagKey: 'publish-events',
      tenantId: 'acme',
      revertTo: true,
      revertAt: kill.revertAt,
      auditId: kill.id,
    };
    expect(await core.call('actions.timeBoxes', {}, actor)).toEqual([box]);
    expect(pushed.at(-1)).toEqual([box]);
    // switched back on by hand: the time box has nothing left to do
    await core.call('actions.flip', { tenantId: 'acme', publish: true, reason: 'calm again' }, actor);
    expect(await core.call('actions.timeBoxes', {}, actor)).toEqual([]);
    expect(pushed.at(-1)).toEqual([]);
  });

  it('answers snapshot, detail and info with the seeded tenants, and marks unlisted ones unknown', async () => {
    const { core } = await start();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const snapshot = (await core.call('traffic.snapshot', {}, actor)) as TrafficSnapshot;
    expect(snapshot.tick.tenants.id).toHaveLength(12);
    expect(tickRows(snapshot.tick).filter((row) => !row.known)).toHaveLength(2);
    const detail = (await core.call('tenants.detail', { tenantId: 'acme' }, actor)) as TenantDetail;
    expect(detail.tenant.name).toBe('Acme Corp');
    expect(detail.flags.map((f) => f.key)).toContain('publish-events');
    const info = (await core.call('app.info', {}, actor)) as AppInfo;
    expect(info.problems).toEqual([]);
    expect(info.sources.map((s) => s.id)).toEqual(['simulated', 'flags', 'workload-flag-client']);
  });

  it('rejects bad input, unknown calls, tenants and flags with a clear error and changes nothing', async () => {
    const { core } = await start();
    const before = await readFile(join(dataDir, 'flags.json'), 'utf8');
    await expect(
      core.call('actions.flip', { tenantId: 'acme', publish: false, reason: '' }, actor),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(core.call('actions.nuke', {}, actor)).rejects.toMatchObject({ code: 'UNKNOWN_CALL' });
    await expect(
      core.call('actions.flip', { tenantId: 'nobody', publish: false, reason: 'because' }, actor),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      core.call(
        'actions.setFlag',
        { tenantId: 'acme', flagKey: 'no-such-flag', value: true, reason: 'because' },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(core.call('tenants.detail', { tenantId: 'nobody' }, actor)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await readFile(join(dataDir, 'flags.json'), 'utf8')).toBe(before);
    expect(await readFile(join(dataDir, 'audit.jsonl'), 'utf8').catch(() => '')).toBe('');
  });

  it('reports a corrupt flags file, leaves it untouched, and refuses flips with the reason', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-core-'));
    const corrupt = '{\n  "flags": {\n    "publish-events": { "state": "ENABLED", \n}';
    await writeFile(join(dataDir, 'flags.json'), corrupt);
    const { core } = await start();
    const info = (await core.call('app.info', {}, actor)) as AppInfo;
    expect(info.problems.join('\n')).toMatch(/flags\.json: line \d+, column \d+/);
    expect(info.sources.find((s) => s.id === 'flags')?.state).toBe('degraded');
    const entry = (await core
      .call('actions.flip', { tenantId: 'acme', publish: false, reason: 'incident' }, actor)
      .catch((error) => error)) as AuditEntry | { code: string; message: string };
    const failure = 'outcome' in entry ? entry.error : entry.message;
    expect(failure).toMatch(/flags\.json/);
    expect(await readFile(join(dataDir, 'flags.json'), 'utf8')).toBe(corrupt);
  });

  it('starts with the detection settings of settings.json and applies an update to the running model', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-core-'));
    await writeFile(join(dataDir, 'settings.json'), '{"detection":{"spike":{"ratio":3},"calmTicks":7}}');
    const { core, parts } = await start();
    const model = parts.model;
    expect(model.detection()).toMatchObject({ spike: { ratio: 3, excess: 10 }, calmTicks: 7 });

    const settings = (await core.call(
      'settings.update',
      { detection: { spike: { ratio: 2.5 }, calmTicks: null } },
      actor,
    )) as Settings;
    expect(settings.detection).toEqual({ spike: { ratio: 2.5 } });
    // the same session and model, judging with the new thresholds: no restart
    expect(parts.model).toBe(model);
    expect(model.detection()).toMatchObject({ spike: { ratio: 2.5 }, calmTicks: 5 });

    await expect(
      core.call('settings.update', { detection: { spike: { ratio: 1.2 } } }, actor),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('detection.spike.ratio'),
    });
    expect(model.detection().spike.ratio).toBe(2.5);
  });

  it('passes broker thresholds changed in the settings on to the running sources', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-core-'));
    const { core, parts } = await start();
    const tuned: unknown[] = [];
    const source: MetricsSource = parts.sources[0]!;
    source.tuneBrokerDetector = (options) => tuned.push(options);
    await core.call('settings.update', { detection: { broker: { churnNetPerSec: 12 } } }, actor);
    await core.call('settings.update', { detection: { broker: null } }, actor);
    expect(tuned).toEqual([{ leak: { churnNetPerSec: 12 } }, {}]);
  });

  it('reports a settings file with a bad detection field in app.info and runs on the defaults', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-core-'));
    const bad = '{"detection":{"elevated":{"sigmas":0}}}';
    await writeFile(join(dataDir, 'settings.json'), bad);
    const { core, parts } = await start();
    const info = (await core.call('app.info', {}, actor)) as AppInfo;
    expect(info.problems).toEqual([`${join(dataDir, 'settings.json')}: detection.elevated.sigmas: above 0`]);
    expect(parts.model.detection().elevated.sigmas).toBe(6);
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).toBe(bad);
  });

  it('pushes one traffic batch per tick, and keeps pushing while paused', async () => {
    const { core } = await start();
    const ticks: number[] = [];
    const totals: number[] = [];
    const off = core.subscribe((event, payload) => {
      if (event !== 'traffic.onTick') return;
      ticks.push((payload as TrafficTick).tenants.id.length);
      totals.push((payload as { total: number }).total);
    });
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.every((n) => n === 12)).toBe(true);
    // the workload holds tenants until the gate's first evaluations; the first tick waits for them
    expect(totals.every((total) => total > 0)).toBe(true);
    await core.call('traffic.setPaused', { paused: true }, actor);
    // Pause is the renderer's viewing aid: the tray, alerts and other windows keep getting ticks.
    const seen = ticks.length;
    await new Promise<void>((resolve) => {
      const offMore = core.subscribe((event) => {
        if (event !== 'traffic.onTick' || ticks.length < seen + 2) return;
        offMore();
        resolve();
      });
    });
    expect(((await core.call('app.info', {}, actor)) as AppInfo).paused).toBe(true);
    off();
  });

  it('switches profile: a read-only profile refuses every write, a production one needs the tenant named', async () => {
    const { core } = await start();
    const profile = (name: string, extra: object) => ({
      profile: {
        name,
        flags: { kind: 'embedded' },
        sources: [{ kind: 'simulated', tenants: 12, spikeAfterMs: null }],
        ...extra,
      },
    });
    await core.call('profiles.save', profile('audit-only', { readOnly: true }), actor);
    await core.call('profiles.save', profile('prod', { production: true }), actor);
    const resets: string[] = [];
    core.subscribe((event, payload) => {
      if (event === 'app.onReset') resets.push((payload as AppInfo).profile.name);
    });

    const info = (await core.call('profiles.activate', { name: 'audit-only' }, actor)) as AppInfo;
    expect(info.profile).toEqual({ name: 'audit-only', production: false, readOnly: true });
    expect(resets).toEqual(['audit-only']);
    await expect(
      core.call('actions.flip', { tenantId: 'acme', publish: false, reason: 'incident' }, actor),
    ).rejects.toMatchObject({
      code: 'READ_ONLY',
    });

    await core.call('profiles.activate', { name: 'prod' }, actor);
    await expect(
      core.call('actions.flip', { tenantId: 'acme', publish: false, reason: 'incident' }, actor),
    ).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
    });
    const entry = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'incident', confirm: 'acme' },
      actor,
    )) as AuditEntry;
    expect(entry.outcome).toBe('applied');
    await expect(
      core.call(
        'actions.setFlagEnabled',
        { flagKey: 'publish-events', enabled: false, reason: 'incident', confirm: 'acme' },
        actor,
      ),
    ).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      message: expect.stringMatching(/naming the flag "publish-events"/),
    });
    const everyone = (await core.call(
      'actions.setFlagEnabled',
      { flagKey: 'publish-events', enabled: false, reason: 'incident', confirm: 'publish-events' },
      actor,
    )) as AuditEntry;
    expect(everyone.outcome).toBe('applied');
  });

  it('tests a profile without switching, part by part', async () => {
    const { core } = await start();
    await core.call(
      'profiles.save',
      {
        profile: {
          name: 'broken',
          flags: { kind: 'embedded' },
          sources: [{ kind: 'prometheus', url: 'http://127.0.0.1:59' }],
        },
      },
      actor,
    );
    const result = (await core.call('profiles.test', { name: 'broken' }, actor)) as {
      ok: boolean;
      checks: { part: string; ok: boolean; message: string }[];
    };
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toMatchObject({ part: 'flags (embedded)', ok: true });
    expect(result.checks[1]).toMatchObject({ part: 'metrics (prometheus)', ok: false });
    expect(result.checks[1]!.message).toMatch(/cannot reach|refused|connect/i);
    const info = (await core.call('app.info', {}, actor)) as AppInfo;
    expect(info.profile.name).toBe('local');
  });

  it('drives LaunchDarkly through a profile — against the contract server that stands in for the SaaS', async () => {
    const ld = await startLdContractServer({ startAt: Date.now() });
    try {
      ld.addFlag('default', killSwitchSeed());
      dataDir = await mkdtemp(join(tmpdir(), 'switchboard-core-'));
      const values = new Map<string, string>();
      running = await assembleConsole({
        dataDir,
        host: 'web',
        ofrepPort: 0,
        spikeAfterMs: null,
        tenants: 12,
        secrets: {
          backend: 'memory',
          warning: null,
          get: async (name) => values.get(name) ?? null,
          set: async (name, value) => void values.set(name, value),
          delete: async (name) => void values.delete(name),
        },
      });
      const { core } = running;
      const profile = {
        name: 'ld-prod',
        flags: { kind: 'launchdarkly', baseUrl: ld.url, project: 'default', environment: 'production' },
        sources: [{ kind: 'simulated', tenants: 12, spikeAfterMs: null }],
      };
      await core.call('profiles.save', { profile, secrets: { flagToken: WRITER_TOKEN } }, actor);
      const info = (await core.call('profiles.activate', { name: 'ld-prod' }, actor)) as AppInfo;
      expect(info.flagProvider.kind).toBe('launchdarkly');
      expect(JSON.stringify(await core.call('profiles.list', {}, actor))).not.toContain(WRITER_TOKEN);

      const entry = (await core.call(
        'actions.flip',
        { tenantId: 'acme', publish: false, reason: 'INC-9 flood' },
        actor,
      )) as AuditEntry;
      expect(entry).toMatchObject({ outcome: 'applied', provider: 'launchdarkly' });
      const targets = ld.flag('default', 'publish-events').environments.production!.contextTargets;
      expect(targets).toEqual([expect.objectContaining({ contextKind: 'tenant', values: ['acme'] })]);
      expect(ld.audit()[0]?.comment).toContain('INC-9 flood');
      const history = (await core.call(
        'audit.providerHistory',
        { flagKey: 'publish-events' },
        actor,
      )) as ProviderEvent[];
      expect(history[0]?.comment).toContain('INC-9 flood');

      // Production now needs approval (LaunchDarkly's 405): the flip fails saying so, and the person can ask.
      ld.requireApprovals('production');
      const refused = (await core.call(
        'actions.flip',
        { tenantId: 'globex', publish: false, reason: 'INC-9 globex too' },
        actor,
      )) as AuditEntry;
      expect(refused).toMatchObject({ outcome: 'failed', approval: { state: 'required' } });
      expect(refused.error).toMatch(/requires approval/);
      const requested = (await core.call(
        'actions.requestApproval',
        { auditId: refused.id },
        actor,
      )) as AuditEntry;
      expect(requested.approval).toMatchObject({ state: 'requested', requestedBy: 'oncall' });
      expect(ld.approvalRequests).toEqual([
        expect.objectContaining({
          _id: requested.approval!.requestId,
          comment: expect.stringContaining('INC-9 globex too'),
        }),
      ]);
      await expect(
        core.call('actions.requestApproval', { auditId: refused.id }, actor),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    } finally {
      await running?.core.stop();
      running = null;
      await ld.close();
    }
  });
});

describe('console core whose flag system is unreachable at launch (LaunchDarkly = the contract server)', () => {
  const secretValues = new Map<string, string>();
  const secrets = {
    backend: 'memory' as const,
    warning: null,
    get: async (name: string) => secretValues.get(name) ?? null,
    set: async (name: string, value: string) => void secretValues.set(name, value),
    delete: async (name: string) => void secretValues.delete(name),
  };
  let ld: LdContractServer | null = null;

  afterEach(async () => {
    await ld?.close();
    ld = null;
    secretValues.clear();
  });

  const ldProfile = (name: string, port: number) => ({
    name,
    production: false,
    readOnly: false,
    flags: {
      kind: 'launchdarkly',
      baseUrl: `http://127.0.0.1:${port}`,
      project: 'default',
      environment: 'production',
      contextKind: 'tenant',
    },
    sources: [{ kind: 'simulated', tenants: 12, spikeAfterMs: null }],
  });

  /** A data directory whose active profile is LaunchDarkly on `port`, then the core started on it. */
  async function startOnLaunchDarkly(port: number) {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-core-'));
    const file = { active: 'ld', profiles: [ldProfile('ld', port)] };
    await writeFile(join(dataDir, 'profiles.json'), JSON.stringify(file));
    running = await assembleConsole({
      dataDir,
      host: 'web',
      ofrepPort: 0,
      spikeAfterMs: null,
      tenants: 12,
      secrets,
      flagConnectRetry: { minMs: 50, maxMs: 250 },
    });
    return running;
  }

  async function startLd(port: number): Promise<LdContractServer> {
    ld = await startLdContractServer({ port });
    ld.addFlag('default', killSwitchSeed());
    return ld;
  }

  const info = async (core: ConsoleCore) => (await core.call('app.info', {}, actor)) as AppInfo;

  it('starts anyway, says why, refuses a flip clearly, and connects once LaunchDarkly listens', async () => {
    const port = await freePort();
    secretValues.set('ld.flagToken', WRITER_TOKEN);
    const { core } = await startOnLaunchDarkly(port);

    const before = await info(core);
    expect(before.profile.name).toBe('ld');
    expect(before.flagProvider).toEqual({ kind: 'launchdarkly', label: 'LaunchDarkly default/production' });
    expect(before.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^LaunchDarkly at http://127\\.0\\.0\\.1:${port}: cannot connect \\(cannot reach LaunchDarkly`,
        ),
      ),
    ]);
    expect(JSON.stringify(before)).not.toContain(WRITER_TOKEN);
    expect(before.sources.find((s) => s.id === 'flags')?.state).toBe('degraded');
    await expect(
      core.call('actions.flip', { tenantId: 'acme', publish: false, reason: 'INC-3' }, actor),
    ).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(/^flag writes are refused: LaunchDarkly at .*cannot connect/),
    });
    await expect(core.call('flags.list', {}, actor)).rejects.toMatchObject({
      message: expect.stringMatching(/is not connected: cannot reach LaunchDarkly/),
    });

    const reset = nextReset(core);
    await startLd(port);
    expect((await reset).problems).toEqual([]);
    const flags = (await core.call('flags.list', {}, actor)) as FlagInfo[];
    expect(flags.map((flag) => flag.key)).toEqual(['publish-events']);
    expect((await info(core)).sources.find((s) => s.id === 'flags')?.state).toBe('ok');
    const entry = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'INC-3' },
      actor,
    )) as AuditEntry;
    expect(entry).toMatchObject({ outcome: 'applied', provider: 'launchdarkly' });
  });

  it('starts without a token, says so, and connects when the token is saved', async () => {
    const server = await startLd(0);
    const port = Number(new URL(server.url).port);
    const { core } = await startOnLaunchDarkly(port);
    expect((await info(core)).problems).toEqual([
      expect.stringMatching(/no API token is set for this profile \(profile secret "flagToken"\)/),
    ]);

    await core.call(
      'profiles.save',
      { profile: ldProfile('ld', port), secrets: { flagToken: WRITER_TOKEN } },
      actor,
    );
    expect((await info(core)).problems).toEqual([]);
    expect(((await core.call('flags.list', {}, actor)) as FlagInfo[]).map((flag) => flag.key)).toEqual([
      'publish-events',
    ]);
  });

  it('refuses a switch to an unreachable profile and stays, still connecting, on the one it ran', async () => {
    const [port, otherPort] = [await freePort(), await freePort()];
    secretValues.set('ld.flagToken', WRITER_TOKEN);
    secretValues.set('other.flagToken', WRITER_TOKEN);
    const { core } = await startOnLaunchDarkly(port);
    await core.call('profiles.save', { profile: ldProfile('other', otherPort) }, actor);

    await expect(core.call('profiles.activate', { name: 'other' }, actor)).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(/^could not switch to "other": cannot reach LaunchDarkly/),
    });
    const after = await info(core);
    expect(after.profile.name).toBe('ld');
    expect(after.problems).toEqual([
      expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port}: cannot connect`)),
    ]);

    const reset = nextReset(core);
    await startLd(port);
    expect((await reset).profile.name).toBe('ld');
    expect((await info(core)).problems).toEqual([]);
  });
});
