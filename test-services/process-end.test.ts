/**
 * A test worker ended by a signal takes its private servers with it; one killed outright leaves
 * them to the reaper. Played with a real child process holding a real private Prometheus.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { reapLeftovers } from './leftovers';
import { alive, sleep } from './processes';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Start a worker holding a Prometheus; resolves once the server is up, with where it is. */
async function workerWithPrometheus(): Promise<{ worker: ChildProcess; pid: number; dir: string }> {
  const worker = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'testing', 'hold-prometheus.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(worker);
  const lines = createInterface({ input: worker.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    worker.once('exit', (code, signal) =>
      reject(new Error(`the worker exited (${code ?? signal}) before starting Prometheus`)),
    );
  });
  lines.close();
  return { worker, ...(JSON.parse(first) as { pid: number; dir: string }) };
}

/** Alive and not a zombie waiting for a parent that no longer reaps. */
function running(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (running(pid) && Date.now() < deadline) await sleep(50);
  return !running(pid);
}

function exited(worker: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (worker.exitCode !== null || worker.signalCode !== null)
    return Promise.resolve({ code: worker.exitCode, signal: worker.signalCode });
  return new Promise((resolve) => worker.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('a test worker ended by a signal', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: stops its Prometheus, deletes the dir, and still dies of ${signal}`, async () => {
      const { worker, pid, dir } = await workerWithPrometheus();
      expect(running(pid)).toBe(true);
      expect(existsSync(dir)).toBe(true);
      worker.kill(signal);
      // Re-raised after cleaning up: the parent sees the signal, not a normal exit.
      expect(await exited(worker)).toEqual({ code: null, signal });
      expect(await gone(pid)).toBe(true);
      expect(existsSync(dir)).toBe(false);
    }, 60_000);
  }
});

describe('a test worker killed outright (SIGKILL)', () => {
  it('leaves its Prometheus running, and the next start reaps it and its dir', async () => {
    const { worker, pid, dir } = await workerWithPrometheus();
    worker.kill('SIGKILL');
    await exited(worker);
    expect(running(pid)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    expect(await reapLeftovers()).toContain(dir);
    expect(await gone(pid)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
