import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh data directory per test, removed afterwards. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
