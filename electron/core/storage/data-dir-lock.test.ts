import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assembleConsole } from '../console-core';
import { DATA_DIR_LOCK_FILE, DataDirLock } from './data-dir-lock';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lockPath = () => join(dir, DATA_DIR_LOCK_FILE);
const readHolder = async () => JSON.parse(await readFile(lockPath(), 'utf8'));
const writeHolder = (holder: object) => writeFile(lockPath(), JSON.stringify(holder));
/** The pid of a process that has ended (pids are not reused that fast). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;
const refusal = (pid: number, where = '') =>
  new RegExp(
    `^another Switchboard \\(pid ${pid}${where}, started (\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d\\) is using ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; close it or pass --data-dir$`,
  );

describe('one Switchboard per data directory', () => {
  it('refuses a second holder, naming the first, and lets the next one in once released', async () => {
    const first = await DataDirLock.acquire(dir);
    expect(await readHolder()).toMatchObject({ pid: process.pid, host: hostname() });

    const refused = await DataDirLock.acquire(dir).catch((error: Error) => error);
    expect((refused as Error).message).toMatch(refusal(process.pid));

    await first.release();
    expect(await readdir(dir)).toEqual([]);
    const second = await DataDirLock.acquire(dir);
    await first.release(); // a second release must not free the directory the next holder has
    expect(await readHolder()).toMatchObject({ pid: process.pid });
    await second.release();
  });

  it('says on which day a holder started when it was not today', async () => {
    await writeHolder({ pid: process.pid, host: hostname(), startedAt: '2020-01-02T12:34:00.000Z' });
    const refused = (await DataDirLock.acquire(dir).catch((error: Error) => error)) as Error;
    expect(refused.message).toMatch(refusal(process.pid));
    expect(refused.message).toMatch(/started 2020-01-0[23] \d\d:\d\d\)/);
  });

  it('takes over the lock of a Switchboard that has ended without releasing it', async () => {
    await writeHolder({ pid: deadPid(), host: hostname(), startedAt: new Date().toISOString() });
    const lock = await DataDirLock.acquire(dir);
    expect(await readHolder()).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('leaves the lock of another machine alone, whether or not that pid lives here', async () => {
    const pid = deadPid();
    await writeHolder({ pid, host: 'elsewhere.example', startedAt: new Date().toISOString() });
    const refused = (await DataDirLock.acquire(dir).catch((error: Error) => error)) as Error;
    expect(refused.message).toMatch(refusal(pid, ' on elsewhere\\.example'));
    expect(await readHolder()).toMatchObject({ pid, host: 'elsewhere.example' });
  });

  it('refuses a lock file it cannot read, saying to delete it when nothing else runs', async () => {
    await writeFile(lockPath(), 'garbage');
    await expect(DataDirLock.acquire(dir)).rejects.toThrow(
      `${dir} is locked by ${lockPath()}, which is not valid JSON`,
    );
    expect(await readFile(lockPath(), 'utf8')).toBe('garbage');
  });

  it('is released when its process exits without releasing it', async () => {
    const module = join(import.meta.dirname, 'data-dir-lock.ts');
    const script = `import { DataDirLock } from ${JSON.stringify(module)};
      await DataDirLock.acquire(${JSON.stringify(dir)});
      console.log(process.pid);
      process.exit(0);`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(Number(stdout.trim())).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('is held by a running console core: a second one on the directory is refused until the first stops', async () => {
    const options = { dataDir: dir, host: 'web' as const, tenants: 12, ofrepPort: 0, spikeAfterMs: null };
    const first = await assembleConsole(options);
    try {
      const refused = (await assembleConsole(options).catch((error: Error) => error)) as Error;
      expect(refused.message).toMatch(refusal(process.pid));
    } finally {
      await first.core.stop();
    }
    await expect(readFile(lockPath())).rejects.toMatchObject({ code: 'ENOENT' });
    const next = await assembleConsole(options);
    await next.core.stop();
  });
});
