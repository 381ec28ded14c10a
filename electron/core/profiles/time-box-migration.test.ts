import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingRevert } from '../actions/pending-revert';
import { EMBEDDED_TIME_BOX_FILE, timeBoxFileName } from './flag-store';
import type { FlagProviderConfig } from './profile-schema';
import { ProfileStore } from './profile-store';
import { foldProfileTimeBoxes } from './time-box-migration';

const NOW = Date.UTC(2026, 0, 1, 12);

const embedded: FlagProviderConfig = { kind: 'embedded' };
const unleash: FlagProviderConfig = {
  kind: 'unleash',
  url: 'http://127.0.0.1:4242',
  project: 'default',
  environment: 'production',
  contextField: 'customerId',
};
const UNLEASH_FILE = timeBoxFileName(unleash);

/** The profiles of this data directory and their flag stores; any other name is a deleted profile. */
const profiles: Record<string, FlagProviderConfig> = {
  local: embedded,
  sim: embedded,
  production: unleash,
  'prod-eu': unleash,
};
const storeOf = (profile: string) => profiles[profile] ?? null;

function revert(auditId: string, tenantId: string | null, minutesLeft: number, flagKey = 'publish-events') {
  return {
    auditId,
    flagKey,
    tenantId,
    revertTo: true,
    revertAt: new Date(NOW + minutesLeft * 60_000).toISOString(),
    timeboxMs: 60 * 60_000,
  } satisfies PendingRevert;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-time-box-migration-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeReverts = (file: string, reverts: PendingRevert[]) =>
  writeFile(join(dir, file), JSON.stringify({ reverts }));
const readReverts = async (file: string): Promise<PendingRevert[]> =>
  JSON.parse(await readFile(join(dir, file), 'utf8')).reverts;
/** Every file of the data directory with its content: what "nothing changed" is checked against. */
async function snapshot(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) files[name] = await readFile(join(dir, name), 'utf8');
  return files;
}

describe('folding per-profile time box files into their flag store’s', () => {
  it('merges each profile’s file into its store’s file, keeping every revert once, and removes it', async () => {
    await writeReverts(EMBEDDED_TIME_BOX_FILE, [revert('local-1', 'acme', 10)]);
    await writeReverts('pending-reverts.sim.json', [revert('sim-1', 'globex', 20), revert('sim-2', null, 5)]);
    await writeReverts('pending-reverts.production.json', [revert('prod-1', 'acme', 30)]);
    await writeReverts('pending-reverts.prod-eu.json', [revert('eu-1', 'initech', 40)]);

    expect(await foldProfileTimeBoxes(dir, storeOf, NOW)).toEqual([]);

    expect(await readReverts(EMBEDDED_TIME_BOX_FILE)).toEqual([
      revert('local-1', 'acme', 10),
      revert('sim-1', 'globex', 20),
      revert('sim-2', null, 5),
    ]);
    // two profiles on one Unleash environment: one file for both
    const unleashBoxes = await readReverts(UNLEASH_FILE);
    expect(unleashBoxes.sort((a, b) => a.auditId.localeCompare(b.auditId))).toEqual([
      revert('eu-1', 'initech', 40),
      revert('prod-1', 'acme', 30),
    ]);
    expect((await readdir(dir)).sort()).toEqual([EMBEDDED_TIME_BOX_FILE, UNLEASH_FILE].sort());
  });

  it('keeps one revert per switch when two profiles each hold one, returning to the state before both', async () => {
    // sim switched acme off first (box of an hour, 5 min left); production later, through another profile
    await writeReverts('pending-reverts.production.json', [
      { ...revert('later', 'acme', 50), revertTo: false },
    ]);
    await writeReverts('pending-reverts.prod-eu.json', [revert('earlier', 'acme', 5)]);
    await foldProfileTimeBoxes(dir, storeOf, NOW);
    const [only, ...none] = await readReverts(UNLEASH_FILE);
    expect(none).toEqual([]);
    expect(only).toEqual({
      ...revert('later', 'acme', 50),
      revertTo: true,
      replaces: revert('earlier', 'acme', 5),
    });
  });

  it('changes nothing when run again', async () => {
    await writeReverts(EMBEDDED_TIME_BOX_FILE, [revert('local-1', 'acme', 10)]);
    await writeReverts('pending-reverts.sim.json', [revert('sim-1', 'globex', 20)]);
    await writeReverts('pending-reverts.production.json', [revert('prod-1', 'acme', 30)]);
    await writeReverts('pending-reverts.gone.json', [revert('gone-1', 'acme', 1)]);
    await foldProfileTimeBoxes(dir, storeOf, NOW);
    const once = await snapshot();

    expect(await foldProfileTimeBoxes(dir, storeOf, NOW)).toEqual([]);
    expect(await snapshot()).toEqual(once);
  });

  it('does not duplicate a revert when a crash left the old file behind after its store’s was written', async () => {
    const boxes = [revert('sim-1', 'globex', 20), revert('sim-2', null, 5)];
    await writeReverts(EMBEDDED_TIME_BOX_FILE, [revert('local-1', 'acme', 10), ...boxes]);
    await writeReverts('pending-reverts.sim.json', boxes);
    expect(await foldProfileTimeBoxes(dir, storeOf, NOW)).toEqual([]);
    expect(await readReverts(EMBEDDED_TIME_BOX_FILE)).toEqual([revert('local-1', 'acme', 10), ...boxes]);
    expect(await readdir(dir)).toEqual([EMBEDDED_TIME_BOX_FILE]);
  });

  it('sets a deleted profile’s file aside as .orphaned and says which switches to check by hand', async () => {
    await writeReverts('pending-reverts.gone.json', [
      revert('gone-1', 'acme', 1),
      revert('gone-2', null, 90),
    ]);
    const problems = await foldProfileTimeBoxes(dir, storeOf, NOW);

    expect(await readReverts('pending-reverts.gone.json.orphaned')).toEqual([
      revert('gone-1', 'acme', 1),
      revert('gone-2', null, 90),
    ]);
    // not folded anywhere: a new profile called "gone" must not inherit them
    expect(await readdir(dir)).toEqual(['pending-reverts.gone.json.orphaned']);
    expect(problems.map((p) => p.message)).toEqual([
      `${join(dir, 'pending-reverts.gone.json.orphaned')}: (file): time boxes of the profile "gone", which no longer exists, were not run: acme's time box (publish-events) ends in 1 min and the time box of publish-events for everyone ends in 1 h 30 min — check those switches by hand, then delete this file`,
    ]);
  });

  it('removes a deleted profile’s file that holds no time box, without a word', async () => {
    await writeReverts('pending-reverts.gone.json', []);
    expect(await foldProfileTimeBoxes(dir, storeOf, NOW)).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves both files as they are when the store’s file is invalid, and says why', async () => {
    await writeFile(join(dir, UNLEASH_FILE), '{"reverts": [');
    await writeReverts('pending-reverts.production.json', [revert('prod-1', 'acme', 30)]);
    const problems = await foldProfileTimeBoxes(dir, storeOf, NOW);
    expect(await readFile(join(dir, UNLEASH_FILE), 'utf8')).toBe('{"reverts": [');
    expect(await readReverts('pending-reverts.production.json')).toEqual([revert('prod-1', 'acme', 30)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(
      /pending-reverts\.production\.json: \(file\): its time boxes could not be moved into .*pending-reverts@unleash-.*\.json, which is invalid \(.*not valid JSON.*\); both are left as they are$/,
    );
  });

  it('leaves an invalid per-profile file untouched and says its time boxes are not running', async () => {
    await writeFile(join(dir, 'pending-reverts.sim.json'), '{"reverts": [{"auditId": 7}]}');
    const problems = await foldProfileTimeBoxes(dir, storeOf, NOW);
    expect(await readFile(join(dir, 'pending-reverts.sim.json'), 'utf8')).toBe(
      '{"reverts": [{"auditId": 7}]}',
    );
    expect(await readdir(dir)).toEqual(['pending-reverts.sim.json']);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /pending-reverts\.sim\.json: reverts\[0\]\.auditId: .* left untouched, so its time boxes are not running$/,
      ),
    ]);
  });

  it('touches no other file of the data directory', async () => {
    await writeFile(join(dir, 'profiles.json'), '{"not": "a time box file"}');
    await writeFile(join(dir, 'pending-reverts.json.bak'), 'kept');
    await writeFile(join(dir, `pending-reverts@${'x'.repeat(8)}.json`), 'kept');
    const before = await snapshot();
    expect(await foldProfileTimeBoxes(dir, storeOf, NOW)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers an empty list for a data directory that does not exist yet', async () => {
    expect(await foldProfileTimeBoxes(join(dir, 'not-yet'), storeOf, NOW)).toEqual([]);
  });
});

describe('the command-line profile of an earlier launch', () => {
  it('has its time boxes moved to the embedded store when the profiles are opened', async () => {
    // never saved, so not among the profiles: yet its time boxes ran on the embedded flags
    await writeReverts(EMBEDDED_TIME_BOX_FILE, [revert('local-1', 'acme', 10)]);
    await writeReverts('pending-reverts.command-line.json', [revert('cl-1', 'globex', 5)]);
    const store = await ProfileStore.open({ dataDir: dir, secrets: null });
    expect(store.problems()).toEqual([]);
    expect(await readReverts(EMBEDDED_TIME_BOX_FILE)).toEqual([
      revert('local-1', 'acme', 10),
      revert('cl-1', 'globex', 5),
    ]);
    expect(await readdir(dir)).not.toContain('pending-reverts.command-line.json');
    expect(await readdir(dir)).not.toContain('pending-reverts.command-line.json.orphaned');
  });
});
