/**
 * Older versions kept time boxes per profile (`pending-reverts.<profile>.json`), so a time box set in
 * one profile never ran in another on the same flag store — the command-line profile's kill stayed
 * off for good after a plain start. Each such file is folded into its store's file (see flag-store.ts)
 * and removed, so nothing pending is lost.
 */
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { mergePendingReverts, type PendingRevert } from '../actions/pending-revert';
import {
  readPendingReverts,
  removePendingReverts,
  writePendingReverts,
} from '../actions/pending-reverts-file';
import { errorText } from '../errors/error-text';
import { DataFileError } from '../storage/data-file-error';
import { legacyTimeBoxProfile, timeBoxFileName } from './flag-store';
import { describeTimeBoxes } from './pending-time-boxes';
import type { FlagProviderConfig } from './profile-schema';

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
  let names: string[];
  try {
    names = await readdir(dataDir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const profile = legacyTimeBoxProfile(name);
    return profile === null ? [] : [[name, profile] as [string, string]];
  });
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
  const orphaned = `${path}.orphaned`;
  await rename(path, orphaned);
  return new DataFileError(
    orphaned,
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
