import { unlink } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../storage/atomic-file';
import { type DataFileRead, readJsonDataFile } from '../storage/json-data-file';
import { type TenantRecord, tenantRecordsSchema } from './tenant-record';

/** `tenants.json`: `{"tenants":[{"id","name","plan","limit"}]}`. */
export const tenantsFileSchema = z.object({ tenants: tenantRecordsSchema }).strict();

export function readTenantsFile(path: string): Promise<DataFileRead<{ tenants: TenantRecord[] }>> {
  return readJsonDataFile(path, tenantsFileSchema);
}

export function writeTenantsFile(path: string, tenants: readonly TenantRecord[]): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify({ tenants }, null, 2)}\n`);
}

export async function removeTenantsFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
