import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reapLeftovers, SERVICE_DIR_ENV } from './leftovers';
import { alive, sleep } from './processes';

let root: string;
const started: ChildProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sb-reaper-test-'));
});
afterEach(async () => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

/** A long-lived process, marked as belonging to `dir` or not. */
function sleeper(dir: string | null): ChildProcess {
  const env = { ...process.env };
  delete env[SERVICE_DIR_ENV];
  if (dir !== null) env[SERVICE_DIR_ENV] = dir;
  const child = spawn('sleep', ['120'], { env, stdio: 'ignore' });
  started.push(child);
  return child;
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function serviceDir(name: string, owner: number, pids: Record<string, number>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  await writeFile(join(dir, 'owner.pid'), String(owner));
  for (const [file, pid] of Object.entries(pids)) await writeFile(join(dir, `${file}.pid`), String(pid));
  return dir;
}

const exitedBy = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.signalCode)
      : child.once('exit', (_code, signal) => resolve(signal)),
  );

describe('reapLeftovers', () => {
  it('kills the processes of a dead owner’s dir and deletes it; a live owner’s dir is left alone', async () => {
    const dead = await deadPid();
    const orphanDir = join(root, 'sb-rabbitmq-orphan');
    const orphan = sleeper(orphanDir);
    await serviceDir('sb-rabbitmq-orphan', dead, { rabbit: orphan.pid! });
    const liveDir = join(root, 'sb-prometheus-live');
    const live = sleeper(liveDir);
    await serviceDir('sb-prometheus-live', process.pid, { prometheus: live.pid! });

    expect(await reapLeftovers(root)).toEqual([orphanDir]);
    expect(await exitedBy(orphan)).toBe('SIGKILL');
    expect(existsSync(orphanDir)).toBe(false);
    expect(alive(live.pid!)).toBe(true);
    expect(existsSync(liveDir)).toBe(true);
  });

  it('never kills a process its environment does not tie to the dir (a reused pid, the system broker)', async () => {
    const dead = await deadPid();
    const stranger = sleeper(null);
    const elsewhere = sleeper(join(root, 'sb-rabbitmq-other'));
    const dir = await serviceDir('sb-rabbitmq-reused', dead, { rabbit: stranger.pid!, epmd: elsewhere.pid! });

    expect(await reapLeftovers(root)).toEqual([dir]);
    await sleep(100);
    expect(alive(stranger.pid!)).toBe(true);
    expect(alive(elsewhere.pid!)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves dirs without an owner file, and dirs that are not a test service’s', async () => {
    const dead = await deadPid();
    await mkdir(join(root, 'sb-prometheus-starting'));
    const other = await serviceDir('rabbitmq-system', dead, {});
    expect(await reapLeftovers(root)).toEqual([]);
    expect(existsSync(join(root, 'sb-prometheus-starting'))).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
