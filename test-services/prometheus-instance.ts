/**
 * A private Prometheus server for tests: its own config and TSDB in a fresh temp dir, a free port on
 * 127.0.0.1, scraping the given targets every `scrapeIntervalSec`. A child process of ours: stop()
 * sends it SIGTERM, waits for it, and deletes the dir; so does the test process ending, by exit or
 * by signal, and one killed outright is reaped at the next start (see leftovers.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-ports';
import { makeServiceDir, reapLeftoversOnce, recordPid, SERVICE_DIR_ENV } from './leftovers';
import { onProcessEnd } from './process-end';
import { sleep, waitForExit } from './processes';

export interface PrometheusOptions {
  /** host:port of each /metrics endpoint to scrape */
  scrapeTargets: string[];
  /** default 1 */
  scrapeIntervalSec?: number;
  /** path of the metrics on every target (default /metrics) */
  metricsPath?: string;
  /** default $PROMETHEUS_BIN or /usr/bin/prometheus */
  binary?: string;
  /** default 60 s */
  startTimeoutMs?: number;
}

export interface PrometheusInstance {
  /** http://127.0.0.1:<port> */
  url: string;
  /** the temp dir with its config and data (deleted on stop) */
  dir: string;
  /** the server's process id */
  pid: number;
  /** GET /api/v1/query; resolves with `data.result` */
  query(promql: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

/** One element of an instant-vector answer; values are strings in Prometheus's JSON. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusInstance> {
  const binary = options.binary ?? process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
  if (!existsSync(binary))
    throw new Error(`Prometheus is not installed (${binary} is missing): apt-get install prometheus`);
  const interval = options.scrapeIntervalSec ?? 1;
  await reapLeftoversOnce();
  const dir = await makeServiceDir('sb-prometheus-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(dir, 'prometheus.yml');
  await writeFile(
    configPath,
    prometheusConfig(options.scrapeTargets, interval, options.metricsPath ?? '/metrics'),
  );

  let output = '';
  let exited = false;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [SERVICE_DIR_ENV]: dir } },
  );
  const remember = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  child.once('exit', () => {
    exited = true;
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const cleanupSync = () => {
    if (!exited && child.pid !== undefined) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const forgetCleanup = onProcessEnd(cleanupSync);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    forgetCleanup();
    if (!exited && child.pid !== undefined) {
      child.kill('SIGTERM');
      await waitForExit(child.pid, 10_000);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    if (child.pid !== undefined) await recordPid(dir, 'prometheus', child.pid);
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (;;) {
      const failed = await Promise.race([spawnError, sleep(100).then(() => null)]);
      if (failed) throw new Error(`prometheus did not start: ${failed.message}`);
      if (exited) throw new Error(`prometheus exited while starting:\n${output}`);
      if (await ready(url)) break;
      if (Date.now() > deadline)
        throw new Error(`prometheus not ready after ${options.startTimeoutMs ?? 60_000} ms:\n${output}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    dir,
    pid: child.pid!,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: PromSample[] };
      };
      if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error ?? response.status}`);
      return body.data?.result ?? [];
    },
    stop,
  };
}

function prometheusConfig(targets: string[], intervalSec: number, metricsPath: string): string {
  const list = targets.map((target) => `'${target}'`).join(', ');
  return [
    'global:',
    `  scrape_interval: ${intervalSec}s`,
    `  scrape_timeout: ${intervalSec}s`,
    `  evaluation_interval: ${intervalSec}s`,
    'scrape_configs:',
    '  - job_name: targets',
    `    metrics_path: '${metricsPath}'`,
    '    static_configs:',
    `      - targets: [${list}]`,
    '',
  ].join('\n');
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
