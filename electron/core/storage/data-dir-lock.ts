/**
 * One Switchboard per data directory. Both hosts keep what is pending (time boxes) in memory and
 * rewrite its file from there, and both append to the audit log: two processes on one directory
 * would erase each other's time boxes and both run every revert. So the core takes
 * `<dataDir>/switchboard.lock` before it opens anything, and a second one is refused, saying who holds it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { errorText } from '../errors/error-text';
import { parseJsonText } from './json-text';

export const DATA_DIR_LOCK_FILE = 'switchboard.lock';

const holderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.iso.datetime(),
});
type Holder = z.infer<typeof holderSchema>;

/** A dead holder's lock is taken over; a takeover that keeps losing a race gives up after this many. */
const ATTEMPTS = 3;

export class DataDirLock {
  private released = false;
  private readonly releaseOnExit = () => this.releaseSync();

  /** Throws, naming the holder, when another live process has the directory. */
  static async acquire(dataDir: string): Promise<DataDirLock> {
    const path = join(dataDir, DATA_DIR_LOCK_FILE);
    const text = `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() })}\n`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await createExclusive(path, text)) return new DataDirLock(path, text);
      await takeOverIfStale(path, dataDir);
    }
    throw new Error(
      `could not lock ${dataDir}: ${path} kept coming back while a dead Switchboard's lock was being taken over; try again`,
    );
  }

  private constructor(
    readonly path: string,
    /** what this process wrote: the lock is removed only while it still says this */
    private readonly text: string,
  ) {
    // A process that ends without stopping its core (an uncaught error, process.exit) still frees the directory.
    process.on('exit', this.releaseOnExit);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.releaseOnExit);
    const held = await readFile(this.path, 'utf8').catch(() => null);
    if (held === this.text) await unlink(this.path).catch(() => undefined);
  }

  /** At process exit only synchronous work runs. */
  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (readFileSync(this.path, 'utf8') === this.text) unlinkSync(this.path);
    } catch {
      // already gone, or the directory with it: nothing to free
    }
  }
}

/**
 * Create the lock file with its whole content, or answer false when it exists. The content is written
 * to a temporary file that is then hard-linked into place (which fails when the name is taken), so
 * nobody ever reads a half-written lock; where the file system has no hard links, O_EXCL it is.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, text, { flag: 'wx' });
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    return createWithOExcl(path, text);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function createWithOExcl(path: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Remove the lock when its holder is dead; throw, naming the holder, when it is alive (or lives on
 * another machine, where this one cannot tell). The file is read again right before it is removed,
 * so a lock that another starting process has just taken over is left alone.
 */
async function takeOverIfStale(path: string, dataDir: string): Promise<void> {
  const judged = await readLock(path);
  if (judged === null) return;
  const holder = parsedHolder(judged);
  if (typeof holder === 'string') {
    throw new Error(
      `${dataDir} is locked by ${path}, which ${holder}; if no other Switchboard is using the directory, delete that file`,
    );
  }
  if (holder.host !== hostname() || isAlive(holder.pid)) {
    throw new Error(
      `another Switchboard (${holderText(holder)}) is using ${dataDir}; close it or pass --data-dir`,
    );
  }
  if ((await readLock(path)) !== judged) return;
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `could not remove the lock ${path} of a Switchboard that has ended: ${errorText(error)}`,
      );
    }
  }
}

/** The lock file's text, or null when there is none. */
async function readLock(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`could not read the lock ${path}: ${errorText(error)}`);
  }
}

/** Who holds the lock, or what is wrong with the file. */
function parsedHolder(text: string): Holder | string {
  const json = parseJsonText(text);
  if (!json.ok) return `is not valid JSON (${json.where}: ${json.problem})`;
  const parsed = holderSchema.safeParse(json.value);
  return parsed.success ? parsed.data : 'does not say which process holds it (pid, host, startedAt)';
}

/** Signal 0 checks that the process exists: ESRCH means it is gone; EPERM, that it is someone else's. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** "pid 1234, started 14:02", with the day when it was not today, and the machine when it is another. */
function holderText(holder: Holder): string {
  const started = new Date(holder.startedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(started.getHours())}:${pad(started.getMinutes())}`;
  const day = `${started.getFullYear()}-${pad(started.getMonth() + 1)}-${pad(started.getDate())}`;
  const today = new Date();
  const sameDay = started.toDateString() === today.toDateString();
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `pid ${holder.pid}${where}, started ${sameDay ? time : `${day} ${time}`}`;
}
