import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-ports';
import { alive, run } from './processes';
import {
  type PostgresLogin,
  type PostgresTarget,
  postgresLogin,
  startUnleash,
  TEST_ROLE,
  type UnleashInstance,
} from './unleash-instance';

const STARTUP = 180_000;

async function databaseExists(login: PostgresLogin, name: string): Promise<boolean> {
  const client = new pg.Client({ ...login, database: 'postgres' });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length === 1;
  } finally {
    await client.end();
  }
}

describe('a private Unleash on a fresh database', () => {
  let a: UnleashInstance;
  let b: UnleashInstance;

  beforeAll(async () => {
    a = await startUnleash({ constraintValuesLimit: 7 });
    b = await startUnleash();
  }, STARTUP);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  }, 60_000);

  it('answers the admin API with its own admin token, on its own port', async () => {
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.url).not.toBe(b.url);
    expect(a.version).toBe('7.5.1');
    const config = await a.api<{ resourceLimits: { constraintValues: number } }>(
      'GET',
      '/api/admin/ui-config',
    );
    expect(config.resourceLimits.constraintValues).toBe(7);
    const other = await b.api<{ resourceLimits: { constraintValues: number } }>(
      'GET',
      '/api/admin/ui-config',
    );
    expect(other.resourceLimits.constraintValues).toBe(250);
    const denied = await fetch(`${a.url}/api/admin/projects/default/features`, {
      headers: { Authorization: b.adminToken },
    });
    expect(denied.status).toBe(401);
  });

  it('gives each instance its own empty database', async () => {
    expect(a.database).not.toBe(b.database);
    await a.api('POST', '/api/admin/projects/default/features', { name: 'only-in-a', type: 'release' });
    const inA = await a.api<{ features: { name: string }[] }>('GET', '/api/admin/projects/default/features');
    const inB = await b.api<{ features: { name: string }[] }>('GET', '/api/admin/projects/default/features');
    expect(inA.features.map((f) => f.name)).toEqual(['only-in-a']);
    expect(inB.features).toEqual([]);
  });

  it('makes SDK tokens and serves the client API with them', async () => {
    const secret = await a.createToken({ tokenName: 'sdk', type: 'backend' });
    expect(secret).toMatch(/^\*:development\./);
    const answer = await fetch(`${a.url}/api/client/features`, { headers: { Authorization: secret } });
    expect(answer.status).toBe(200);
  });

  it(
    'stops the server and drops its database',
    async () => {
      const login = await postgresLogin();
      const c = await startUnleash();
      expect(await databaseExists(login, c.database)).toBe(true);
      await c.stop();
      await c.stop(); // idempotent
      expect(await databaseExists(login, c.database)).toBe(false);
      await expect(fetch(`${c.url}/health`)).rejects.toThrow();
    },
    STARTUP,
  );
});

/**
 * What CI has: Debian's PostgreSQL with its default pg_hba.conf (`peer` on the socket, `scram-sha-256`
 * over TCP, no trust). Reproduced with a throwaway cluster of our own (initdb as the postgres OS
 * user, a free port, its socket in a temp dir), so the machine's cluster is never reconfigured.
 */
const initdb = (() => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((x, y) => Number(y) - Number(x));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
})();
const canRunCluster = initdb !== null && process.getuid?.() === 0;

describe.skipIf(!canRunCluster)("Unleash on Debian's default PostgreSQL authentication", () => {
  let dir: string;
  let target: PostgresTarget;
  let pgPid: number | null = null;

  const asPostgres = (binary: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(initdb!, binary), ...args], { timeoutMs: 60_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-pg-'));
    const { uid, gid } = await lookupPostgres();
    await chown(dir, uid, gid);
    const init = await asPostgres('initdb', [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      '--no-sync',
    ]);
    if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    const port = await freePort();
    const started = await asPostgres('pg_ctl', [
      '-D',
      join(dir, 'data'),
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
    if (started.code !== 0) throw new Error(`pg_ctl start failed: ${started.stderr || started.stdout}`);
    pgPid = Number((await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    target = { host: '127.0.0.1', port, socketDir: dir };
  }, 120_000);

  afterAll(async () => {
    if (dir) {
      await asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(
        () => null,
      );
      if (pgPid !== null && alive(pgPid)) process.kill(pgPid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has no trust: postgres cannot log in over TCP', async () => {
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      user: 'postgres',
      password: '',
      database: 'postgres',
    });
    client.on('error', () => {});
    await expect(client.connect()).rejects.toThrow();
    await client.end().catch(() => {});
  });

  it(
    'creates the test role through peer login and boots Unleash with it',
    async () => {
      const login = await postgresLogin(target);
      expect(login).toMatchObject({ via: 'test-role', user: TEST_ROLE, port: target.port });
      // Idempotent: the second time the role just logs in.
      expect(await postgresLogin(target)).toMatchObject({ via: 'test-role' });

      const unleash = await startUnleash({ postgres: target });
      try {
        const flags = await unleash.api<{ features: unknown[] }>(
          'GET',
          '/api/admin/projects/default/features',
        );
        expect(flags.features).toEqual([]);
        expect(await databaseExists(login, unleash.database)).toBe(true);
      } finally {
        await unleash.stop();
      }
      expect(await databaseExists(login, unleash.database)).toBe(false);
    },
    STARTUP,
  );
});

async function lookupPostgres(): Promise<{ uid: number; gid: number }> {
  const id = await run('id', ['-u', 'postgres']);
  const gid = await run('id', ['-g', 'postgres']);
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
