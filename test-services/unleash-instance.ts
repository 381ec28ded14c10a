/**
 * An Unleash server for tests: `unleash-server` (the npm devDependency) in a CHILD process of ours, on
 * a free port of 127.0.0.1, with an admin API token of its own, on a FRESH PostgreSQL database that
 * is dropped again by stop().
 *
 * PostgreSQL is the machine's (Debian's package, cluster `main`, 127.0.0.1:5432), or the one
 * SWITCHBOARD_TEST_PG_URL names (postgres://user:password@host:port/db, a role that may create
 * databases). How we log in, in this order:
 *  1. SWITCHBOARD_TEST_PG_URL;
 *  2. the `postgres` role over TCP without a password (works where pg_hba says `trust`);
 *  3. the role `switchboard_test` with a password kept in ~/.cache/switchboard/pg-test-password
 *     (0600, made once per machine). When it cannot log in yet, it is created (or its password
 *     reset) as the `postgres` OS user over the Unix socket — Debian's default `peer` login — with
 *     `runuser -u postgres -- psql` (needs root, as CI runs). Debian's default `host ... scram-sha-256`
 *     then lets it in over TCP. No pg_hba.conf is ever edited.
 * When nothing listens on 5432, the Debian cluster is started (`pg_ctlcluster --skip-systemctl-redirect
 * <version> main start`, root only) and the login retried.
 *
 * Databases, fast and never shared between suites:
 * - Unleash's ~370 migrations run once into a template database (`sb_unleash_tpl_<version>`), in a
 *   child process (`migrateDb`); each instance then gets `CREATE DATABASE sb_unleash_<pid>_<n>_<rand>
 *   TEMPLATE ...` (~0.4 s), so the server boots on a migrated but empty database.
 * - The template lives as long as some process uses it: every instance holds a shared advisory lock
 *   on its PostgreSQL session; the last one to stop (the exclusive lock is free) drops the template.
 *   Building and copying run under a second, exclusive lock, so parallel suites never migrate twice
 *   at once or copy a half-built template. A session that dies releases its locks with it.
 * - Databases left behind by a killed test process (its pid is in the name and is no longer alive)
 *   are dropped by the next start on the same machine.
 *
 * The server: `SEND_TELEMETRY=false`, `CHECK_VERSION=false`, `gracefulShutdownEnable: false` (we own
 * shutdown: the child stops Unleash on SIGTERM or when our IPC channel closes, so it dies with us).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg, { type Client } from 'pg';
import { freePort } from './free-ports';
import { alive, sleep, waitForExit, waitForPort } from './processes';

export const PG_URL_ENV = 'SWITCHBOARD_TEST_PG_URL';
/** The role created when `postgres` cannot log in over TCP (Debian's default pg_hba). */
export const TEST_ROLE = 'switchboard_test';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Advisory lock keys (classid, objid) on the PostgreSQL server: "in use" (shared) and "build/copy". */
const LOCK_CLASS = 0x5b0a;
const LOCK_USE = 1;
const LOCK_BUILD = 2;

export interface UnleashOptions {
  /**
   * Unleash's limit of values per constraint (`resourceLimits.constraintValues`, also
   * UNLEASH_CONSTRAINT_VALUES_LIMIT); Unleash's default is 250.
   */
  constraintValuesLimit?: number;
  /** give up booting after this long (default 120 s: two shared cores can be slow) */
  startTimeoutMs?: number;
  /** Unleash's own log level, written to the test's stderr only when starting fails (default warn) */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** where PostgreSQL is (default: the machine's cluster, see the module comment) */
  postgres?: PostgresTarget;
}

export interface UnleashInstance {
  /** http://127.0.0.1:<port> */
  url: string;
  /** an admin API token (`*:*.<random>`, token name "switchboard-test") */
  adminToken: string;
  /** the name the admin token shows up with in Unleash's event log (`createdBy`) */
  adminTokenName: string;
  /** this instance's database */
  database: string;
  /** the Unleash version that runs */
  version: string;
  /** One admin-API call with the admin token: resolves with the JSON body (null when empty), rejects on non-2xx. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A new API token of another type, e.g. `backend` for an SDK (`environment` default "development"). */
  createToken(input: {
    tokenName: string;
    type: 'backend' | 'admin' | 'frontend';
    environment?: string;
    projects?: string[];
  }): Promise<string>;
  /** Stop the server, drop its database (and the template when no one else uses it). Idempotent. */
  stop(): Promise<void>;
}

/** Where a PostgreSQL server listens: TCP for logins with a password, the socket dir for `peer`. */
export interface PostgresTarget {
  host: string;
  port: number;
  /** where its Unix socket is (Debian: /var/run/postgresql) */
  socketDir: string;
}

/** How to log in over TCP. */
export interface PostgresLogin {
  host: string;
  port: number;
  user: string;
  password: string;
  /** which rule of the module comment gave it */
  via: 'env' | 'postgres-trust' | 'test-role';
}

export const SYSTEM_POSTGRES: PostgresTarget = {
  host: '127.0.0.1',
  port: 5432,
  socketDir: '/var/run/postgresql',
};

let instanceCount = 0;

export async function startUnleash(options: UnleashOptions = {}): Promise<UnleashInstance> {
  const target = options.postgres ?? SYSTEM_POSTGRES;
  const login = await postgresLogin(target);
  const version = unleashVersion();
  const template = `sb_unleash_tpl_${version.replace(/\W/g, '_')}`;
  const database = `sb_unleash_${process.pid}_${++instanceCount}_${randomBytes(3).toString('hex')}`;

  // This session holds the "in use" lock for the instance's whole life.
  const holder = await connect(login, 'postgres', 'switchboard-test-holder');
  let child: ChildProcess | null = null;
  let exited = false;
  let output = '';
  let stopped = false;
  let databaseCreated = false;

  const cleanupSync = () => {
    // The test process exits without stop(): never leave the server behind. The database is dropped
    // by the next start (its pid is dead by then).
    if (child?.pid !== undefined && !exited) child.kill('SIGKILL');
  };
  process.once('exit', cleanupSync);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', cleanupSync);
    try {
      if (child?.pid !== undefined && !exited) {
        child.kill('SIGTERM');
        await waitForExit(child.pid, 15_000);
      }
    } finally {
      try {
        if (databaseCreated) await holder.query(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`);
        await holder.query('SELECT pg_advisory_unlock_shared($1, $2)', [LOCK_CLASS, LOCK_USE]);
        // The last user drops the template: nobody else holds "in use" (shared), so nobody is copying.
        const last = await holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
          LOCK_CLASS,
          LOCK_USE,
        ]);
        if (last.rows[0]?.ok) {
          await holder.query(`DROP DATABASE IF EXISTS ${ident(template)} WITH (FORCE)`);
          await holder.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_USE]);
        }
      } finally {
        await holder.end().catch(() => {});
      }
    }
  };

  try {
    await holder.query('SELECT pg_advisory_lock_shared($1, $2)', [LOCK_CLASS, LOCK_USE]);
    await holder.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, LOCK_BUILD]);
    try {
      if (isLocal(login.host)) await dropLeftovers(holder);
      const exists = await holder.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rows.length === 0) await buildTemplate(holder, login, template);
      await holder.query(`CREATE DATABASE ${ident(database)} TEMPLATE ${ident(template)}`);
      databaseCreated = true;
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_BUILD]);
    }

    const port = await freePort();
    const adminToken = `*:*.${randomBytes(24).toString('hex')}`;
    const adminTokenName = 'switchboard-test';
    const started = spawnUnleash({
      mode: 'serve',
      db: dbConfig(login, database),
      port,
      adminToken,
      adminTokenName,
      adminPassword: randomBytes(12).toString('hex'),
      logLevel: options.logLevel ?? 'warn',
      constraintValues: options.constraintValuesLimit ?? null,
    });
    child = started.child;
    child.once('exit', () => {
      exited = true;
    });
    const remember = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-6_000);
    };
    child.stdout?.on('data', remember);
    child.stderr?.on('data', remember);
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    await started.ready(timeoutMs, () => output);
    await waitForPort(port, 10_000);

    const url = `http://127.0.0.1:${port}`;
    const api = <T>(method: string, path: string, body?: unknown) =>
      adminCall<T>(url, adminToken, method, path, body);
    return {
      url,
      adminToken,
      adminTokenName,
      database,
      version,
      api,
      async createToken(input) {
        const created = await api<{ secret: string }>('POST', '/api/admin/api-tokens', {
          tokenName: input.tokenName,
          type: input.type,
          environment: input.environment ?? 'development',
          projects: input.projects ?? ['*'],
        });
        return created.secret;
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** The installed unleash-server version (the template is per version). */
export function unleashVersion(): string {
  const file = join(PROJECT_DIR, 'node_modules', 'unleash-server', 'package.json');
  if (!existsSync(file)) throw new Error(`unleash-server is not installed (${file} is missing): npm ci`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

// ── PostgreSQL login ─────────────────────────────────────────────────────────────────────────────

/** A TCP login that may create databases (see the module comment for the order tried). */
export async function postgresLogin(
  target: PostgresTarget = SYSTEM_POSTGRES,
  options: { skipTrust?: boolean } = {},
): Promise<PostgresLogin> {
  const fromEnv = process.env[PG_URL_ENV];
  if (fromEnv) return loginFromUrl(fromEnv);

  if (!options.skipTrust) {
    let trust = await tryLogin({ ...target, user: 'postgres', password: process.env.PGPASSWORD ?? '' });
    if (trust === 'down' && target === SYSTEM_POSTGRES) {
      await startSystemCluster(target);
      trust = await tryLogin({ ...target, user: 'postgres', password: process.env.PGPASSWORD ?? '' });
    }
    if (trust === 'down') throw postgresDown(target);
    if (trust === 'ok') {
      return { ...target, user: 'postgres', password: process.env.PGPASSWORD ?? '', via: 'postgres-trust' };
    }
  }

  const password = await testRolePassword();
  const role = { host: target.host, port: target.port, user: TEST_ROLE, password };
  const first = await tryLogin(role);
  if (first === 'ok') return { ...role, via: 'test-role' };
  if (first === 'down') throw postgresDown(target);
  await createTestRole(target, password);
  const second = await tryLogin(role);
  if (second !== 'ok') {
    throw new Error(
      `the role ${TEST_ROLE} was created but cannot log in over TCP at ${target.host}:${target.port} ` +
        `(pg_hba.conf needs a "host all all 127.0.0.1/32 scram-sha-256" line, Debian's default), or set ${PG_URL_ENV}`,
    );
  }
  return { ...role, via: 'test-role' };
}

function loginFromUrl(raw: string): PostgresLogin {
  const url = new URL(raw);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    via: 'env',
  };
}

async function tryLogin(login: Omit<PostgresLogin, 'via'>): Promise<'ok' | 'denied' | 'down'> {
  const client = new pg.Client({ ...login, database: 'postgres', connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return 'ok';
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ECONNREFUSED' || code === 'ENOENT' ? 'down' : 'denied';
  } finally {
    await client.end().catch(() => {});
  }
}

function postgresDown(target: PostgresTarget): Error {
  return new Error(
    `PostgreSQL does not answer on ${target.host}:${target.port}: apt-get install postgresql, then ` +
      `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set ${PG_URL_ENV})`,
  );
}

/** Debian's cluster, started without systemd (root only); a no-op where it cannot be done. */
async function startSystemCluster(target: PostgresTarget): Promise<void> {
  if (process.getuid?.() !== 0 || !existsSync('/etc/postgresql')) return;
  const versions = await readdir('/etc/postgresql').catch(() => [] as string[]);
  for (const version of versions) {
    await runWithInput(
      'pg_ctlcluster',
      ['--skip-systemctl-redirect', version, 'main', 'start'],
      '',
      60_000,
    ).catch(() => null);
  }
  await waitForPort(target.port, 30_000).catch(() => {});
}

/** The test role's password: random, made once per machine, readable by this user only. */
async function testRolePassword(): Promise<string> {
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchboard');
  const file = join(dir, 'pg-test-password');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': of two processes making it at once, one wins and the other reads the winner's.
    await writeFile(file, randomBytes(18).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  await chmod(file, 0o600);
  for (let attempt = 0; ; attempt++) {
    const password = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{36}$/.test(password)) return password;
    if (attempt > 20) throw new Error(`${file} does not hold a test password; delete it`);
    await sleep(50);
  }
}

/** As the `postgres` OS user over the Unix socket (peer): the password goes on stdin, never argv. */
async function createTestRole(target: PostgresTarget, password: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `cannot log in to PostgreSQL at ${target.host}:${target.port} as postgres (no trust) or ${TEST_ROLE}, ` +
        `and only root can create the role (runuser -u postgres); set ${PG_URL_ENV} to a role that may create databases`,
    );
  }
  const sql = [
    'DO $$ BEGIN',
    `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEST_ROLE}') THEN`,
    `    CREATE ROLE ${TEST_ROLE} LOGIN CREATEDB PASSWORD '${password}';`,
    '  ELSE',
    `    ALTER ROLE ${TEST_ROLE} WITH LOGIN CREATEDB PASSWORD '${password}';`,
    '  END IF;',
    'END $$;',
    '',
  ].join('\n');
  const psqlArgs = ['-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1'];
  psqlArgs.push('-h', target.socketDir, '-p', String(target.port), '-d', 'postgres', '-f', '-');
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await runWithInput('runuser', psqlArgs, sql, 30_000);
    if (result.code === 0) return;
    // Two processes creating the role at once: one gets "already exists"; the retry ALTERs.
    last = (result.stderr || result.stdout).trim();
    await sleep(200);
  }
  throw new Error(`could not create the PostgreSQL role ${TEST_ROLE} as the postgres OS user: ${last}`);
}

function runWithInput(
  command: string,
  args: readonly string[],
  input: string,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

// ── databases ────────────────────────────────────────────────────────────────────────────────────

async function connect(login: PostgresLogin, database: string, applicationName: string): Promise<Client> {
  const client = new pg.Client({
    host: login.host,
    port: login.port,
    user: login.user,
    password: login.password,
    database,
    connectionTimeoutMillis: 10_000,
    application_name: applicationName,
  });
  // A dropped session is noticed by the next query; an unhandled 'error' would crash the test run.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Migrate a fresh database in a child process, then rename it: a template exists only complete. */
async function buildTemplate(admin: Client, login: PostgresLogin, template: string): Promise<void> {
  const building = `sb_unleash_tplbuild_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${ident(building)}`);
  try {
    const migrate = spawnUnleash({ mode: 'migrate', db: dbConfig(login, building) });
    let output = '';
    const remember = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-6_000);
    };
    migrate.child.stdout?.on('data', remember);
    migrate.child.stderr?.on('data', remember);
    await migrate.ready(180_000, () => output);
    await new Promise<void>((resolve) => {
      if (migrate.child.exitCode !== null) resolve();
      else migrate.child.once('exit', () => resolve());
    });
    await admin.query(`ALTER DATABASE ${ident(building)} RENAME TO ${ident(template)}`);
  } catch (error) {
    await admin.query(`DROP DATABASE IF EXISTS ${ident(building)} WITH (FORCE)`).catch(() => {});
    throw error;
  }
}

/** Databases of test processes that no longer run (killed before stop()). Local servers only. */
async function dropLeftovers(admin: Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'sb\\_unleash\\_%'",
  );
  for (const { datname } of rows) {
    const match = /^sb_unleash_(?:tplbuild_)?(\d+)_/.exec(datname);
    if (!match || alive(Number(match[1]))) continue;
    await admin.query(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`).catch(() => {});
  }
}

function isLocal(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('/');
}

function ident(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${name}`);
  return `"${name}"`;
}

function dbConfig(login: PostgresLogin, database: string) {
  return {
    driver: 'postgres',
    user: login.user,
    password: login.password,
    host: login.host,
    port: login.port,
    database,
    ssl: false,
    schema: 'public',
  };
}

// ── the Unleash child process ────────────────────────────────────────────────────────────────────

type ChildConfig =
  | { mode: 'migrate'; db: ReturnType<typeof dbConfig> }
  | {
      mode: 'serve';
      db: ReturnType<typeof dbConfig>;
      port: number;
      adminToken: string;
      adminTokenName: string;
      adminPassword: string;
      logLevel: string;
      constraintValues: number | null;
    };

/**
 * Runs in the child (`node --input-type=module -e`, cwd = the project, so `unleash-server` resolves
 * from its node_modules). The config comes in an environment variable that the child removes first.
 */
const CHILD_SCRIPT = `
const cfg = JSON.parse(process.env.SB_UNLEASH_CHILD);
delete process.env.SB_UNLEASH_CHILD;
process.env.SEND_TELEMETRY = 'false';
process.env.CHECK_VERSION = 'false';
if (cfg.constraintValues) process.env.UNLEASH_CONSTRAINT_VALUES_LIMIT = String(cfg.constraintValues);
const unleash = await import('unleash-server');
if (cfg.mode === 'migrate') {
  await unleash.migrateDb({ db: cfg.db });
  process.send({ ready: true }, () => process.exit(0));
} else {
  const server = await unleash.start({
    db: cfg.db,
    server: { host: '127.0.0.1', port: cfg.port, gracefulShutdownEnable: false },
    authentication: {
      type: 'open-source',
      createAdminUser: true,
      initialAdminUser: { username: 'admin', password: cfg.adminPassword },
      initApiTokens: [{ secret: cfg.adminToken, type: 'admin', environment: '*', projects: ['*'], tokenName: cfg.adminTokenName }],
    },
    versionCheck: { enable: false },
    telemetry: false,
    logLevel: cfg.logLevel,
    ...(cfg.constraintValues ? { resourceLimits: { constraintValues: cfg.constraintValues } } : {}),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 8000).unref();
    Promise.resolve().then(() => server.stop()).catch(() => {}).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.send({ ready: true });
}
`;

function spawnUnleash(config: ChildConfig): {
  child: ChildProcess;
  ready(timeoutMs: number, output: () => string): Promise<void>;
} {
  const env: NodeJS.ProcessEnv = { ...process.env, SB_UNLEASH_CHILD: JSON.stringify(config) };
  // Unleash reads these before its options; ours must win.
  for (const key of ['DATABASE_URL', 'DATABASE_URL_FILE', 'UNLEASH_CONSTRAINT_VALUES_LIMIT']) delete env[key];
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
    cwd: PROJECT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let readyNow: () => void = () => {};
  const readyMessage = new Promise<void>((resolve) => {
    readyNow = resolve;
    child.on('message', (message: { ready?: boolean }) => {
      if (message?.ready) resolve();
    });
  });
  return {
    child,
    async ready(timeoutMs, output) {
      let timer: NodeJS.Timeout | undefined;
      const what = config.mode === 'migrate' ? 'migrating the Unleash template' : 'starting Unleash';
      const failed = new Promise<never>((_, reject) => {
        child.once('error', (error) => reject(new Error(`${what}: ${error.message}`)));
        child.once('exit', (code, signal) => {
          // A migration that finished may exit before its message is read.
          if (config.mode === 'migrate' && code === 0) readyNow();
          else
            reject(
              new Error(`${what}: the process exited (${signal ?? code}) before it was ready:\n${output()}`),
            );
        });
        timer = setTimeout(
          () => reject(new Error(`${what}: not ready after ${timeoutMs} ms:\n${output()}`)),
          timeoutMs,
        );
      });
      // The child exits later too (stop): that must not become an unhandled rejection.
      failed.catch(() => {});
      try {
        await Promise.race([readyMessage, failed]);
      } catch (error) {
        if (child.exitCode === null && child.pid !== undefined) {
          child.kill('SIGKILL');
          await waitForExit(child.pid, 5_000);
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function adminCall<T>(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      Authorization: token,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : null) as T;
}
