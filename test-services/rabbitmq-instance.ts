/**
 * A RabbitMQ for tests: a PRIVATE node started from the Debian package's binaries (all state in a
 * fresh temp dir, its own node name, ports, epmd and Erlang cookie), or — "find" mode — a broker
 * the environment names (SWITCHBOARD_TEST_RABBITMQ_MGMT + SWITCHBOARD_TEST_RABBITMQ_AMQP), of which
 * a test only ever gets a fresh vhost.
 *
 * Private node, as root and without systemd (see shared/reference/README.md):
 * - the binaries in /usr/lib/rabbitmq/bin directly (the /usr/sbin wrappers switch user);
 * - HOME is the temp dir and holds a fresh `.erlang.cookie` (mode 0400), read by the server and by
 *   every CLI call alike — the system broker's cookie is never read or needed;
 * - its own epmd on a free port (ERL_EPMD_PORT, bound to 127.0.0.1), started and stopped by us, so
 *   nothing of ours is left behind and the system epmd is never touched;
 * - AMQP, distribution, management and prometheus listeners on free ports of 127.0.0.1; the CLI's
 *   own distribution port is a fresh free port per call (its default range 35672–35682 is shared
 *   by every rabbitmqctl on the machine);
 * - the system `rabbitmq-env.conf` is not read (RABBITMQ_CONF_ENV_FILE points into the temp dir);
 * - the node and its epmd are stopped and the dir deleted however the test process ends: stop(),
 *   exit, SIGINT/SIGTERM/SIGHUP (process-end.ts); after a SIGKILL, the next start reaps them
 *   (leftovers.ts) — only processes whose environment names their dir, never the system broker.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, freePorts } from './free-ports';
import { makeServiceDir, reapLeftoversOnce, recordPid, SERVICE_DIR_ENV } from './leftovers';
import { onProcessEnd } from './process-end';
import { alive, run, sleep, waitForExit, waitForPort } from './processes';
import { amqpUrlForVhost, createVhost, deleteVhost, management } from './rabbitmq-management';

export const RABBITMQ_MGMT_ENV = 'SWITCHBOARD_TEST_RABBITMQ_MGMT';
export const RABBITMQ_AMQP_ENV = 'SWITCHBOARD_TEST_RABBITMQ_AMQP';
export const RABBITMQ_PROMETHEUS_ENV = 'SWITCHBOARD_TEST_RABBITMQ_PROMETHEUS';

export interface RabbitMqOptions {
  /** how often the broker refreshes its management stats: 1000 needs the retention lines too (default 1000) */
  statsIntervalMs?: 1000 | 5000;
  /**
   * The test changes the whole node (memory watermark, close_all_connections): never use a found
   * broker, always start a private one.
   */
  exclusive?: boolean;
  /** where the RabbitMQ binaries are (default $RABBITMQ_BIN_DIR or /usr/lib/rabbitmq/bin) */
  binDir?: string;
  /** give up starting after this long (default 120 s: a shared 2-core machine can be slow) */
  startTimeoutMs?: number;
}

export interface RabbitMq {
  /** AMQP URL of this test's vhost: "/" on a private node, a fresh vhost on a found broker */
  amqpUrl: string;
  /** http://127.0.0.1:<port> (credentials guest:guest, or those in the found URL) */
  managementUrl: string;
  /** http://127.0.0.1:<port> of the prometheus plugin (/metrics), or null when unknown */
  prometheusUrl: string | null;
  /** the Erlang node name (private), or null for a found broker */
  nodeName: string | null;
  vhost: string;
  /** true for a node started here; false for a found broker */
  private: boolean;
  /** the configured stats interval (private), or null for a found broker */
  statsIntervalMs: number | null;
  /** `rabbitmqctl -n <node> ...args`: resolves with stdout, rejects with the output on failure. Private only. */
  ctl(args: readonly string[]): Promise<string>;
  /** Stop the node and delete its directory (private), or delete the vhost (found). Idempotent. */
  stop(): Promise<void>;
}

let instanceCount = 0;

/** Start a private RabbitMQ, or use the broker the environment names (see the module comment). */
export async function startRabbitMq(options: RabbitMqOptions = {}): Promise<RabbitMq> {
  const found = process.env[RABBITMQ_MGMT_ENV];
  if (found && !options.exclusive) {
    const amqp = process.env[RABBITMQ_AMQP_ENV];
    if (!amqp) throw new Error(`${RABBITMQ_MGMT_ENV} is set but ${RABBITMQ_AMQP_ENV} is not`);
    return foundBroker(found, amqp);
  }
  return startPrivateRabbitMq(options);
}

async function foundBroker(managementUrl: string, amqpUrl: string): Promise<RabbitMq> {
  const vhost = `sb-test-${process.pid}-${++instanceCount}-${randomBytes(3).toString('hex')}`;
  await createVhost(managementUrl, vhost);
  let stopped = false;
  return {
    amqpUrl: amqpUrlForVhost(amqpUrl, vhost),
    managementUrl,
    prometheusUrl: process.env[RABBITMQ_PROMETHEUS_ENV] ?? null,
    nodeName: null,
    vhost,
    private: false,
    statsIntervalMs: null,
    ctl: async () => {
      throw new Error('rabbitmqctl is only available on a private instance (start with { exclusive: true })');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await deleteVhost(managementUrl, vhost);
    },
  };
}

const ONE_SECOND_STATS = [
  'collect_statistics_interval = 1000',
  // The collector runs at the smallest retention interval: without these it stays at 5 s.
  'management.sample_retention_policies.global.minute = 1',
  'management.sample_retention_policies.global.hour = 60',
  'management.sample_retention_policies.basic.minute = 1',
  'management.sample_retention_policies.basic.hour = 60',
  'management.sample_retention_policies.detailed.10 = 1',
];

async function startPrivateRabbitMq(options: RabbitMqOptions): Promise<RabbitMq> {
  const binDir = options.binDir ?? process.env.RABBITMQ_BIN_DIR ?? '/usr/lib/rabbitmq/bin';
  const server = join(binDir, 'rabbitmq-server');
  const ctlPath = join(binDir, 'rabbitmqctl');
  if (!existsSync(server)) {
    throw new Error(
      `RabbitMQ is not installed (${server} is missing): apt-get install rabbitmq-server, ` +
        `or point ${RABBITMQ_MGMT_ENV} and ${RABBITMQ_AMQP_ENV} at a running broker`,
    );
  }
  const statsIntervalMs = options.statsIntervalMs ?? 1000;
  await reapLeftoversOnce();
  const dir = await makeServiceDir('sb-rabbitmq-');
  const nodeName = `sb-${process.pid}-${++instanceCount}@localhost`;
  const [amqpPort, distPort, mgmtPort, promPort, epmdPort] = await freePorts(5);
  const pidFile = join(dir, 'rabbit.pid');

  await mkdir(join(dir, 'log'));
  await writeFile(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.1 = 127.0.0.1:${amqpPort}`,
      `management.tcp.port = ${mgmtPort}`,
      'management.tcp.ip = 127.0.0.1',
      `prometheus.tcp.port = ${promPort}`,
      'prometheus.tcp.ip = 127.0.0.1',
      'log.console = false',
      'log.file.level = info',
      ...(statsIntervalMs === 1000 ? ONE_SECOND_STATS : []),
      '',
    ].join('\n'),
  );
  // What `rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus` writes
  // (dependencies are resolved at boot), without booting an extra Erlang VM for it.
  await writeFile(join(dir, 'enabled_plugins'), '[rabbitmq_management,rabbitmq_prometheus].\n');
  await writeFile(join(dir, 'rabbitmq-env.conf'), '# private test instance: nothing from /etc/rabbitmq\n');
  const cookiePath = join(dir, '.erlang.cookie');
  await writeFile(cookiePath, randomBytes(20).toString('hex').toUpperCase());
  await chmod(cookiePath, 0o400);

  const env: NodeJS.ProcessEnv = {
    ...withoutErlangEnv(process.env),
    HOME: dir,
    // Marks the node, its epmd and every CLI call as this dir's, for the reaper (leftovers.ts).
    [SERVICE_DIR_ENV]: dir,
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: pidFile,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: String(epmdPort),
    ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };

  let epmd: ChildProcess | null = null;
  let beamPid: number | null = null;
  let stopped = false;

  const ctlRaw = async (args: readonly string[], timeoutMs = 60_000) => {
    // A fresh distribution port for this CLI process (min = max).
    const port = String(await freePort());
    return run(ctlPath, ['-n', nodeName, ...args], {
      env: { ...env, RABBITMQ_CTL_DIST_PORT_MIN: port, RABBITMQ_CTL_DIST_PORT_MAX: port },
      timeoutMs,
    });
  };

  const cleanupSync = () => {
    // Last resort when the test process ends without stop(): only pids we started. While starting,
    // the node's pid is only in its pid file.
    beamPid ??= readPidSync(pidFile);
    if (beamPid !== null && alive(beamPid)) safeKill(beamPid, 'SIGKILL');
    if (epmd?.pid !== undefined && alive(epmd.pid)) safeKill(epmd.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const forgetCleanup = onProcessEnd(cleanupSync);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    forgetCleanup();
    try {
      beamPid ??= await readPid(pidFile);
      if (beamPid !== null && alive(beamPid)) {
        // With the pid file, `stop` returns once the VM has exited.
        const result = await ctlRaw(['stop', pidFile], 60_000).catch(() => null);
        if (result?.code !== 0) safeKill(beamPid, 'SIGTERM');
        await waitForExit(beamPid, 20_000);
      }
    } finally {
      if (epmd?.pid !== undefined) {
        safeKill(epmd.pid, 'SIGTERM');
        await waitForExit(epmd.pid, 5_000);
      }
      await rm(dir, { recursive: true, force: true });
    }
  };

  try {
    // Our own epmd: the node registers here, and it goes away with us.
    epmd = spawn('epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], { env, stdio: 'ignore' });
    const epmdFailed = new Promise<never>((_, reject) => {
      epmd!.once('error', (error) => reject(new Error(`epmd did not start: ${error.message}`)));
    });
    epmdFailed.catch(() => {});
    if (epmd.pid !== undefined) await recordPid(dir, 'epmd', epmd.pid);
    await Promise.race([waitForPort(epmdPort, 10_000), epmdFailed]);

    const started = await run(server, ['-detached'], { env, timeoutMs: 60_000 });
    if (started.code !== 0)
      throw new Error(`rabbitmq-server -detached failed: ${started.stderr || started.stdout}`);

    await awaitStartup(ctlRaw, pidFile, dir, options.startTimeoutMs ?? 120_000, (pid) => {
      beamPid = pid;
    });
    // The management listener comes up with the app, but give it its moment.
    await waitForPort(mgmtPort, 30_000);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  return {
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    managementUrl: `http://127.0.0.1:${mgmtPort}`,
    prometheusUrl: `http://127.0.0.1:${promPort}`,
    nodeName,
    vhost: '/',
    private: true,
    statsIntervalMs,
    async ctl(args) {
      if (stopped) throw new Error(`rabbitmqctl ${args.join(' ')}: the instance is stopped`);
      const result = await ctlRaw(args);
      if (result.code !== 0) {
        throw new Error(
          `rabbitmqctl ${args.join(' ')} exited ${result.code}: ${(result.stderr || result.stdout).trim()}`,
        );
      }
      return result.stdout;
    },
    stop,
  };
}

/**
 * `await_startup` fails until the node has registered with epmd, so retry it; fail fast when the VM
 * died (its pid file names a dead process), with the end of its log.
 */
async function awaitStartup(
  ctlRaw: (
    args: readonly string[],
    timeoutMs?: number,
  ) => Promise<{ code: number; stdout: string; stderr: string }>,
  pidFile: string,
  dir: string,
  timeoutMs: number,
  onPid: (pid: number) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const pid = await readPid(pidFile);
    if (pid !== null) {
      onPid(pid);
      if (!alive(pid)) throw new Error(`RabbitMQ exited while starting.\n${await logTail(dir)}`);
    }
    const remaining = Math.max(5, Math.round((deadline - Date.now()) / 1000));
    const result = await ctlRaw(['await_startup', '--timeout', String(Math.min(remaining, 30))], 40_000);
    if (result.code === 0) {
      const found = await readPid(pidFile);
      if (found !== null) onPid(found);
      return;
    }
    last = (result.stderr || result.stdout).trim();
    if (Date.now() > deadline) {
      throw new Error(`RabbitMQ did not start within ${timeoutMs} ms: ${last}\n${await logTail(dir)}`);
    }
    await sleep(500);
  }
}

function readPidSync(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function readPid(pidFile: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(pidFile, 'utf8')).trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function logTail(dir: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const logDir = join(dir, 'log');
  const files = await readdir(logDir).catch(() => [] as string[]);
  const parts: string[] = [];
  for (const file of files) {
    const text = await readFile(join(logDir, file), 'utf8').catch(() => '');
    parts.push(`--- ${file}\n${text.split('\n').slice(-30).join('\n')}`);
  }
  return parts.join('\n');
}

/** The test process's own RABBITMQ_ and ERL_ variables must not leak into a private node. */
function withoutErlangEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('RABBITMQ_') || key.startsWith('ERL_')) continue;
    clean[key] = value;
  }
  return clean;
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Raise the broker's memory alarm (absolute watermark), restore the default relative one, or set an
 * absolute watermark in bytes — e.g. a little above the memory in use, so that a growing load (a
 * channel leak) is what drives the broker into the alarm.
 */
export async function setMemoryWatermark(
  broker: RabbitMq,
  watermark: 'alarm' | 'default' | { absoluteBytes: number },
): Promise<void> {
  if (watermark === 'alarm') await broker.ctl(['set_vm_memory_high_watermark', 'absolute', '50MB']);
  else if (watermark === 'default') await broker.ctl(['set_vm_memory_high_watermark', '0.4']);
  else {
    const bytes = watermark.absoluteBytes;
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new Error(`setMemoryWatermark: absoluteBytes must be a positive integer, got ${bytes}`);
    }
    await broker.ctl(['set_vm_memory_high_watermark', 'absolute', String(bytes)]);
  }
}

/** The memory the node uses, in bytes (mem_used from /api/nodes; the largest, on a cluster). */
export async function memoryUsed(broker: RabbitMq): Promise<number> {
  const nodes = await management<{ mem_used?: number }[]>(broker.managementUrl, 'GET', '/nodes');
  const used = Math.max(...nodes.map((node) => node.mem_used ?? Number.NaN));
  if (!Number.isFinite(used)) throw new Error('memoryUsed: /api/nodes gave no mem_used yet');
  return used;
}

/** Whether the memory alarm is on, from /api/nodes. */
export async function memoryAlarm(broker: RabbitMq): Promise<boolean> {
  const nodes = await management<{ mem_alarm: boolean }[]>(broker.managementUrl, 'GET', '/nodes');
  return nodes.some((node) => node.mem_alarm);
}
