/**
 * What a session finds at its start, over a real data directory, a real OFREP server and the
 * simulated workload: time boxes of its flag store whichever profile set them, effects an earlier run
 * left measuring, and tenants an earlier run's workload described.
 */
import { access, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test-services/free-ports';
import type { PendingRevert } from '../actions/pending-revert';
import type { Alert, AuditEntry } from '../api';
import { assembleConsole, type ConsoleParts } from '../console-core';
import type { ConsoleCore, ConsoleCoreOptions } from '../console-core.types';
import { ConnectingFlagProvider } from '../flags/connecting-flag-provider';
import { EmbeddedFlagProvider } from '../flags/embedded/embedded-flag-provider';
import { killSwitchSeed } from '../flags/launchdarkly/testing/kill-switch-seed';
import {
  type LdContractServer,
  startLdContractServer,
  WRITER_TOKEN,
} from '../flags/launchdarkly/testing/ld-contract-server';
import { SimulatedSource } from '../metrics/simulated/simulated-source';
import type { SecretStore } from '../secrets/secret-store';
import { revertFailureReporter } from './console-session';
import { EventBus } from './event-bus';

const actor = { actor: 'oncall' };
const FIFTEEN_MIN = 15 * 60_000;
const SIMULATED = [{ kind: 'simulated' as const, tenants: 12, spikeAfterMs: null }];
let running: { core: ConsoleCore; parts: ConsoleParts } | null = null;
let dataDir = '';

async function start(options: Partial<ConsoleCoreOptions> = {}) {
  dataDir ||= await mkdtemp(join(tmpdir(), 'switchboard-session-'));
  running = await assembleConsole({
    dataDir,
    host: 'web',
    tenants: 12,
    ofrepPort: 0,
    spikeAfterMs: null,
    ...options,
  });
  return running;
}

async function stop() {
  await running?.core.stop();
  running = null;
}

afterEach(async () => {
  await stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = '';
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Make every time box in the file overdue, as if the app had been closed past their end. */
async function closedPastTheEnd(file: string) {
  const path = join(dataDir, file);
  const { reverts } = JSON.parse(await readFile(path, 'utf8'));
  const overdue = reverts.map((r: object) => ({
    ...r,
    revertAt: new Date(Date.now() - 60_000).toISOString(),
  }));
  await writeFile(path, JSON.stringify({ reverts: overdue }));
}

async function killInCommandLineLaunch(): Promise<AuditEntry> {
  const { core, parts } = await start({ sources: SIMULATED });
  expect(parts.profile.name).toBe('command-line');
  const flip = (await core.call(
    'actions.flip',
    { tenantId: 'acme', publish: false, reason: 'flood', timeboxMs: FIFTEEN_MIN },
    actor,
  )) as AuditEntry;
  expect(flip.outcome).toBe('applied');
  await stop();
  return flip;
}

describe('time boxes belong to the flag store, not to the profile that set them', () => {
  it("a command-line launch's time box is armed by a plain start on the same embedded flags", async () => {
    const flip = await killInCommandLineLaunch();
    const { parts } = await start();
    expect(parts.profile.name).toBe('local');
    expect(parts.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id, revertTo: true })]);
  });

  it("an older version's per-profile file is folded in, and its overdue revert runs", async () => {
    const flip = await killInCommandLineLaunch();
    // the layout an older version left: the command-line profile's own file
    await rename(join(dataDir, 'pending-reverts.json'), join(dataDir, 'pending-reverts.command-line.json'));
    await closedPastTheEnd('pending-reverts.command-line.json');

    const { parts } = await start();
    await expect.poll(() => parts.provider.servedValue('publish-events', 'acme')).toBe(true);
    await parts.timeBox.idle();
    const revert = parts.audit.query({ tenantId: 'acme', limit: 1 })[0];
    expect(revert).toMatchObject({
      action: 'revert',
      outcome: 'applied',
      reason: expect.stringContaining(flip.id),
    });
    expect(await exists(join(dataDir, 'pending-reverts.command-line.json'))).toBe(false);
    expect(parts.timeBox.list()).toEqual([]);
  });
});

describe('effects an earlier run was measuring', () => {
  it('are completed as not measured at the next start', async () => {
    const { core } = await start();
    const flip = (await core.call(
      'actions.flip',
      { tenantId: 'acme', publish: false, reason: 'flood' },
      actor,
    )) as AuditEntry;
    await stop();
    // the process died while measuring: its last line for the entry is the applied outcome
    const dying = { ...flip, effect: null, measuringFrom: 480 };
    await writeFile(join(dataDir, 'audit.jsonl'), `${JSON.stringify(dying)}\n`, { flag: 'a' });

    const next = await start();
    expect(next.parts.audit.get(flip.id)).toMatchObject({
      measuringFrom: null,
      effect: { before: 480, notMeasured: 'Switchboard stopped before the effect on traffic was measured' },
    });
  });
});

/** The tenants named by the file or the workload (traffic may add the two unlisted ones at any tick). */
const known = (parts: ConsoleParts) =>
  parts.tenants
    .list()
    .filter((t) => t.known)
    .map((t) => t.id);

describe("the simulated workload's tenants", () => {
  it('are never written, so a run with more of them leaves nothing behind for the next', async () => {
    await start({ tenants: 30 });
    expect(known(running!.parts)).toHaveLength(28);
    await stop();
    expect(await exists(join(dataDir, 'tenants.json'))).toBe(false);

    const { parts } = await start({ tenants: 12 });
    expect(known(parts)).toEqual(
      new SimulatedSource({ tenants: 12 })
        .tenants()
        .slice(0, 10)
        .map((t) => t.id),
    );
  });

  it('a tenants file an older version seeded from a bigger workload is removed; one that was edited stays', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-session-'));
    const seeded = new SimulatedSource({ tenants: 3_000 }).tenants().slice(0, 2_998);
    await writeFile(join(dataDir, 'tenants.json'), JSON.stringify({ tenants: seeded }));
    const { parts } = await start({ tenants: 12 });
    expect(await exists(join(dataDir, 'tenants.json'))).toBe(false);
    expect(known(parts)).toHaveLength(10);
    await stop();

    const edited = [{ ...seeded[0]!, limit: 1 }, ...seeded.slice(1, 40)];
    await writeFile(join(dataDir, 'tenants.json'), JSON.stringify({ tenants: edited }));
    const again = await start({ tenants: 12 });
    expect(known(again.parts)).toHaveLength(40);
    expect(again.parts.tenants.get('acme')?.limit).toBe(1);
  });
});

/** LaunchDarkly here is the CONTRACT SERVER (launchdarkly/testing), not the real service. */
describe('a start while the flag system is unreachable (LaunchDarkly = the contract server)', () => {
  let ld: LdContractServer | null = null;
  const secretValues = new Map<string, string>([['ld.flagToken', WRITER_TOKEN]]);
  const secrets: SecretStore = {
    backend: 'memory',
    warning: null,
    get: async (name) => secretValues.get(name) ?? null,
    set: async (name, value) => void secretValues.set(name, value),
    delete: async (name) => void secretValues.delete(name),
  };

  afterEach(async () => {
    vi.restoreAllMocks();
    await ld?.close();
    ld = null;
  });

  /** LaunchDarkly on `port`, serving off (variation 1) to the `killed` tenants and on to the rest. */
  async function startLd(port: number, killed: string[] = []) {
    ld = await startLdContractServer({ port });
    const contextTargets = killed.length ? [{ contextKind: 'tenant', values: killed, variation: 1 }] : [];
    ld.addFlag('default', killSwitchSeed({ contextTargets }));
  }

  async function startOnLaunchDarkly(port: number) {
    dataDir ||= await mkdtemp(join(tmpdir(), 'switchboard-session-'));
    const profile = {
      name: 'ld',
      flags: {
        kind: 'launchdarkly',
        baseUrl: `http://127.0.0.1:${port}`,
        project: 'default',
        environment: 'production',
        contextKind: 'tenant',
      },
      sources: SIMULATED,
    };
    await writeFile(join(dataDir, 'profiles.json'), JSON.stringify({ active: 'ld', profiles: [profile] }));
    return start({ secrets, flagConnectRetry: { minMs: 50, maxMs: 250 } });
  }

  const kill = async (core: ConsoleCore, tenantId: string) =>
    (await core.call(
      'actions.flip',
      { tenantId, publish: false, reason: 'flood', timeboxMs: FIFTEEN_MIN },
      actor,
    )) as AuditEntry;

  /** The audit as a crash between intent and outcome leaves it: the entry's last line is 'pending'. */
  async function crashedBeforeOutcome(entry: AuditEntry) {
    const { measuringFrom: _m, ...rest } = entry;
    const pending = { ...rest, outcome: 'pending', error: null, confirmedAt: null, effect: null };
    await writeFile(join(dataDir, 'audit.jsonl'), `${JSON.stringify(pending)}\n`, { flag: 'a' });
  }

  async function overdue(tenantId: string) {
    const file = (await readdir(dataDir)).find((name) => name.startsWith('pending-reverts@launchdarkly'))!;
    const path = join(dataDir, file);
    const { reverts } = JSON.parse(await readFile(path, 'utf8'));
    const past = new Date(Date.now() - 60_000).toISOString();
    const edited = reverts.map((r: PendingRevert) =>
      r.tenantId === tenantId ? { ...r, revertAt: past } : r,
    );
    await writeFile(path, JSON.stringify({ reverts: edited }));
  }

  it('leaves interrupted changes pending until it connects, then settles them by read-back and runs the overdue revert at once', async () => {
    const port = await freePort();
    await startLd(port);
    const first = await startOnLaunchDarkly(port);
    const landed = await kill(first.core, 'acme');
    const lost = await kill(first.core, 'globex');
    const due = await kill(first.core, 'initech');
    expect([landed, lost, due].map((e) => e.outcome)).toEqual(['applied', 'applied', 'applied']);
    await stop();
    await ld!.close();
    ld = null;
    await crashedBeforeOutcome(landed);
    await crashedBeforeOutcome(lost);
    await overdue('initech');

    const alerts: Alert[] = [];
    const emit = EventBus.prototype.emit;
    vi.spyOn(EventBus.prototype, 'emit').mockImplementation(function (this: EventBus, event, payload) {
      if (event === 'alerts.onAlert') alerts.push(payload as Alert);
      return emit.call(this, event, payload);
    });
    const { parts } = await startOnLaunchDarkly(port);
    // Nothing can be read back yet: not settled as interrupted, which would be final.
    expect(parts.audit.get(landed.id)?.outcome).toBe('pending');
    expect(parts.audit.get(lost.id)?.outcome).toBe('pending');
    // initech's overdue revert was tried, refused for the connection, and is waiting out its backoff
    const revertAlerts = () => alerts.filter((a) => a.message.startsWith('time-box revert of'));
    await expect.poll(() => revertAlerts().length).toBe(1);

    // LaunchDarkly is back, serving the kill of acme (it landed) but not globex's (it did not)
    await startLd(port, ['acme', 'initech']);
    await expect.poll(() => parts.audit.get(landed.id)?.outcome).toBe('applied');
    expect(parts.audit.get(landed.id)?.error).toMatch(/as asked/);
    await expect.poll(() => parts.audit.get(lost.id)?.outcome).toBe('failed');
    expect(parts.audit.get(lost.id)?.error).toMatch(/did not take effect/);
    // well within the 5 s the revert's backoff would still have waited
    await expect
      .poll(() => parts.audit.query({ tenantId: 'initech', limit: 1 })[0], { timeout: 3_000 })
      .toMatchObject({ action: 'revert', outcome: 'applied' });
    await parts.timeBox.idle();
    expect(await parts.provider.servedValue('publish-events', 'initech')).toBe(true);
    expect(parts.timeBox.list()).toEqual([expect.objectContaining({ auditId: landed.id })]);
    expect(alerts.filter((a) => /interrupted/.test(a.message))).toEqual([]);
    expect(revertAlerts()).toHaveLength(1);
  });
});

describe('a failed time-box revert while the flag system connects', () => {
  let provider: ConnectingFlagProvider | null = null;
  afterEach(async () => {
    await provider?.close();
    provider = null;
  });

  it('raises one alert however often it is retried, and alerts again once the flag system is connected', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-session-'));
    let up = false;
    provider = new ConnectingFlagProvider({
      kind: 'unleash',
      label: 'Unleash flags.example.test (production)',
      target: 'Unleash at https://flags.example.test',
      firstError: new Error('connect ECONNREFUSED'),
      connect: async () => {
        if (!up) throw new Error('connect ECONNREFUSED');
        return EmbeddedFlagProvider.open({ dataDir });
      },
      retry: { minMs: 10, maxMs: 20 },
    });
    const alerted: number[] = [];
    const report = revertFailureReporter(provider, (failure) => alerted.push(failure.attempt));
    const revert = { auditId: 'a-1', flagKey: 'publish-events', tenantId: 'acme', revertTo: true };
    const failure = (attempt: number) => ({
      revert: { ...revert, revertAt: new Date().toISOString(), timeboxMs: FIFTEEN_MIN },
      error: 'Unleash at https://flags.example.test is not connected',
      attempt,
      retryAt: Date.now(),
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const attempt of [1, 2, 3, 4]) report(failure(attempt));
    expect(alerted).toEqual([1]);

    up = true;
    await provider.whenConnected();
    report(failure(5));
    expect(alerted).toEqual([1, 5]);
    vi.restoreAllMocks();
  });
});
