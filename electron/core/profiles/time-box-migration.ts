/**
 * Older versions kept time boxes per profile (`pending-reverts.<profile>.json`, and the local
 * profile's in `pending-reverts.json`), so a time box set in one profile never ran in another on the
 * same flag store — the command-line profile's kill stayed off for good after a plain start. Each
 * such file is folded into its store's file (see flag-store.ts) and removed, so nothing pending is lost.
 */
import { constants } from 'node:fs';
import { access, copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mergePendingReverts, type PendingRevert } from '../actions/pending-revert';
import {
  readPendingReverts,
  removePendingReverts,
  writePendingReverts,
} from '../actions/pending-reverts-file';
import { errorText } from '../errors/error-text';
import { writeFileAtomic } from '../storage/atomic-file';
import { DataFileError } from '../storage/data-file-error';
import { EMBEDDED_TIME_BOX_FILE, legacyTimeBoxProfile, timeBoxFileName } from './flag-store';
import { describeTimeBoxes } from './pending-time-boxes';
import { type FlagProviderConfig, LOCAL_PROFILE } from './profile-schema';

/**
 * What a launch does with the time box files of older versions, in this order: the local profile's
 * (which its flag store's file must take before an embedded profile's can be folded into that name),
 * every other profile's, then a report of each file set aside — on every launch, until someone deletes
 * it. Never throws; one problem per file.
 */
export async function migrateTimeBoxes(
  dataDir: string,
  storeOf: (profile: string) => FlagProviderConfig | null,
  now: number = Date.now(),
): Promise<DataFileError[]> {
  const problems = [
    ...(await foldLocalTimeBoxes(dataDir, storeOf(LOCAL_PROFILE.name))),
    ...(await foldProfileTimeBoxes(dataDir, storeOf, now)),
    ...(await orphanedTimeBoxes(dataDir, now)),
  ];
  // A file set aside in this launch is reported by the fold and by the scan: once is enough. In the
  // order of their paths, so every launch lists them alike.
  return problems
    .filter((problem, i) => problems.findIndex((p) => p.path === problem.path) === i)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Marks a data directory whose time box files are one per flag store. Without it, `pending-reverts.json`
 * may be an older version's local profile's (whatever its flag system), not the embedded store's.
 */
export const TIME_BOX_LAYOUT_FILE = 'time-boxes.version';
const TIME_BOX_LAYOUT =
  "2: one pending-reverts file per flag store; pending-reverts.json is the embedded store's\n";

/**
 * An older version kept the local profile's time boxes in `pending-reverts.json` even when it was on
 * Unleash or LaunchDarkly — the embedded store's file now. Those move to local's store's file, once:
 * the layout file then says the name is the embedded store's, so its time boxes are never moved. Until
 * the move succeeds, the layout file is not written and the move is tried again at the next start.
 */
export async function foldLocalTimeBoxes(
  dataDir: string,
  local: FlagProviderConfig | null,
): Promise<DataFileError[]> {
  const layout = join(dataDir, TIME_BOX_LAYOUT_FILE);
  const legacy = join(dataDir, EMBEDDED_TIME_BOX_FILE);
  try {
    if (await exists(layout)) return [];
    if (local && local.kind !== 'embedded') {
      const read = await readPendingReverts(legacy);
      if (read.state === 'invalid') return [notFolded(read.error)];
      if (read.state === 'ok') {
        const problem = await foldInto(join(dataDir, timeBoxFileName(local)), legacy, read.value.reverts);
        if (problem) return [problem];
      }
    }
    await writeFileAtomic(layout, TIME_BOX_LAYOUT);
    return [];
  } catch (error) {
    return [new DataFileError(legacy, '(file)', `time boxes not moved: ${errorText(error)}`)];
  }
}

/**
 * Fold every per-profile time box file into its store's. `storeOf` names the flag system a profile
 * wrote to, or null when the profile is gone: its file is then set aside as `….orphaned` (its time
 * boxes can no longer be sent anywhere safely, and a new profile of that name must not inherit them)
 * and reported. Never throws: what could not be done is returned, and the files are left as they are.
 */
export async function foldProfileTimeBoxes(
  dataDir: string,
  storeOf: (profile: string) => FlagProviderConfig | null,
  now: number = Date.now(),
): Promise<DataFileError[]> {
  const problems: DataFileError[] = [];
  for (const [file, profile] of await legacyFiles(dataDir)) {
    const path = join(dataDir, file);
    try {
      const read = await readPendingReverts(path);
      if (read.state === 'invalid') {
        problems.push(notFolded(read.error));
        continue;
      }
      if (read.state === 'missing') continue;
      const flags = storeOf(profile);
      const problem = flags
        ? await foldInto(join(dataDir, timeBoxFileName(flags)), path, read.value.reverts)
        : await setAside(path, profile, read.value.reverts, now);
      if (problem) problems.push(problem);
    } catch (error) {
      problems.push(new DataFileError(path, '(file)', `time boxes not moved: ${errorText(error)}`));
    }
  }
  return problems;
}

async function legacyFiles(dataDir: string): Promise<[file: string, profile: string][]> {
  return (await fileNames(dataDir)).flatMap((name) => {
    const profile = legacyTimeBoxProfile(name);
    return profile === null ? [] : [[name, profile] as [string, string]];
  });
}

/** The data directory's file names, sorted; none when it does not exist yet. */
async function fileNames(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(dataDir)).sort();
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function foldInto(
  target: string,
  legacy: string,
  reverts: readonly PendingRevert[],
): Promise<DataFileError | null> {
  const held = await readPendingReverts(target);
  if (held.state === 'invalid') {
    return new DataFileError(
      legacy,
      '(file)',
      `its time boxes could not be moved into ${target}, which is invalid (${held.error.where}: ${held.error.problem}); both are left as they are`,
    );
  }
  const into = held.state === 'ok' ? held.value.reverts : [];
  // Written before the old file goes: a crash in between folds the same boxes again, harmlessly.
  await writePendingReverts(target, mergePendingReverts(into, reverts));
  await removePendingReverts(legacy);
  return null;
}

async function setAside(
  path: string,
  profile: string,
  reverts: readonly PendingRevert[],
  now: number,
): Promise<DataFileError | null> {
  if (reverts.length === 0) {
    await removePendingReverts(path);
    return null;
  }
  const orphaned = await moveAside(path);
  return orphanedProblem(orphaned, profile, reverts, now);
}

/**
 * `<file>.orphaned`, or `<file>.<n>.orphaned` when one is there already (a profile of that name was
 * deleted twice): an earlier set-aside file is never overwritten. Copied, then removed, so the
 * boxes are in one of the two files whatever happens.
 */
async function moveAside(path: string): Promise<string> {
  for (let n = 1; ; n++) {
    const orphaned = n === 1 ? `${path}.orphaned` : `${path}.${n}.orphaned`;
    try {
      await copyFile(path, orphaned, constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await removePendingReverts(path);
    return orphaned;
  }
}

/**
 * Each file set aside, on every launch: the switches in it were left as the deleted profile's time
 * boxes set them, and nobody will put them back but a person.
 */
export async function orphanedTimeBoxes(dataDir: string, now: number = Date.now()): Promise<DataFileError[]> {
  const files = (await fileNames(dataDir)).flatMap((name) => {
    const profile = orphanedTimeBoxProfile(name);
    return profile === null ? [] : [[name, profile] as const];
  });
  const problems: DataFileError[] = [];
  for (const [file, profile] of files) {
    const path = join(dataDir, file);
    try {
      const read = await readPendingReverts(path);
      if (read.state === 'invalid') {
        problems.push(
          new DataFileError(
            path,
            read.error.where,
            `${read.error.problem} — it holds time boxes of the deleted profile "${profile}" that were not run: check its switches by hand, then delete this file`,
          ),
        );
      } else if (read.state === 'ok' && read.value.reverts.length > 0) {
        problems.push(orphanedProblem(path, profile, read.value.reverts, now));
      }
    } catch (error) {
      problems.push(new DataFileError(path, '(file)', `could not be read: ${errorText(error)}`));
    }
  }
  return problems;
}

/** The profile whose time boxes this file holds, set aside (`pending-reverts.<profile>.json[.<n>].orphaned`), or null. */
function orphanedTimeBoxProfile(fileName: string): string | null {
  const match = /^(.*\.json)(?:\.\d+)?\.orphaned$/.exec(fileName);
  return match ? legacyTimeBoxProfile(match[1]!) : null;
}

function orphanedProblem(
  path: string,
  profile: string,
  reverts: readonly PendingRevert[],
  now: number,
): DataFileError {
  return new DataFileError(
    path,
    '(file)',
    `time boxes of the profile "${profile}", which no longer exists, were not run: ${describeTimeBoxes(reverts, now)} — check those switches by hand, then delete this file`,
  );
}

function notFolded(error: DataFileError): DataFileError {
  return new DataFileError(
    error.path,
    error.where,
    `${error.problem} — left untouched, so its time boxes are not running`,
  );
}
