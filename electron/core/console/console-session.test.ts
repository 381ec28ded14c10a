/**
 * What a session finds at its start, over a real data directory, a real OFREP server and the
 * simulated workload: time boxes of its flag store whichever profile set them, effects an earlier run
 * left measuring, and tenants an earlier run's workload described.
 */
import { access, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api';
import { assembleConsole, type ConsoleParts } from '../console-core';
import type { ConsoleCore, ConsoleCoreOptions } from '../console-core.types';
import { SimulatedSource } from '../metrics/simulated/simulated-source';

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
