/**
 * What a test process killed outright (SIGKILL, a crashed worker) leaves behind: private servers
 * still running and their temp dirs. Every such dir is made by `makeServiceDir` and holds
 * `owner.pid` (the test process) and a `<name>.pid` per process started for it, and every such
 * process carries `SB_TEST_SERVICE_DIR=<dir>` in its environment. At start-up the dirs whose owner
 * is dead are reaped: their processes killed, then the dir deleted.
 *
 * A process is killed only when its own environment names that dir (read from /proc): a pid reused
 * since, the system RabbitMQ and its epmd — which no dir names — are never touched. A dir without
 * an owner file (still being made, or from before owner files) is left alone.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, sleep } from './processes';

export const SERVICE_DIR_ENV = 'SB_TEST_SERVICE_DIR';
export const SERVICE_DIR_PREFIXES = ['sb-rabbitmq-', 'sb-prometheus-'] as const;
const OWNER_FILE = 'owner.pid';

/** A fresh temp dir for one private server, owned by this process. */
export async function makeServiceDir(prefix: (typeof SERVICE_DIR_PREFIXES)[number]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

/** Note a process started for the dir's server, so that a reaper can find it. */
export async function recordPid(dir: string, name: string, pid: number): Promise<void> {
  await writeFile(join(dir, `${name}.pid`), String(pid));
}

/**
 * Reap the service dirs under `root` whose owner is dead; resolves with the dirs deleted. Safe to
 * run from several test processes at once (every step is idempotent).
 */
export async function reapLeftovers(root = tmpdir()): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const reaped: string[] = [];
  for (const name of names) {
    if (!SERVICE_DIR_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const dir = join(root, name);
    const owner = await readPidFile(join(dir, OWNER_FILE));
    if (owner === null || alive(owner)) continue;
    await killDirProcesses(dir);
    await rm(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}

let once: Promise<unknown> | null = null;

/** reapLeftovers() in the system temp dir, once per process; never fails a test start. */
export function reapLeftoversOnce(): Promise<unknown> {
  once ??= reapLeftovers().catch(() => []);
  return once;
}

async function killDirProcesses(dir: string): Promise<void> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter(
    (file) => file.endsWith('.pid') && file !== OWNER_FILE,
  );
  const ours: number[] = [];
  for (const file of files) {
    const pid = await readPidFile(join(dir, file));
    if (pid !== null && alive(pid) && (await belongsTo(pid, dir))) ours.push(pid);
  }
  for (const pid of ours) kill(pid);
  const deadline = Date.now() + 5_000;
  while (ours.some(alive) && Date.now() < deadline) await sleep(20);
}

/** Whether the process's environment names `dir` as its service dir (Linux /proc; false elsewhere). */
export async function belongsTo(pid: number, dir: string): Promise<boolean> {
  try {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    return environ.split('\0').includes(`${SERVICE_DIR_ENV}=${dir}`);
  } catch {
    return false;
  }
}

async function readPidFile(path: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
