import { unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../storage/atomic-file';
import { type DataFileRead, readJsonDataFile } from '../storage/json-data-file';
import { type PendingRevert, pendingRevertsFileSchema } from './pending-revert';

/** A flag store's pending time boxes, `{"reverts":[...]}` (see TimeBox). */
export function readPendingReverts(path: string): Promise<DataFileRead<{ reverts: PendingRevert[] }>> {
  return readJsonDataFile(path, pendingRevertsFileSchema);
}

export function writePendingReverts(path: string, reverts: readonly PendingRevert[]): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify({ reverts }, null, 2)}\n`);
}

/** Remove the file; one that is already gone is fine. */
export async function removePendingReverts(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
