import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../secrets/secret-store';
import { timeBoxFileName } from './flag-store';
import { LOCAL_PROFILE, type Profile } from './profile-schema';
import { ProfileStore } from './profile-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-profiles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memorySecrets(): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    backend: 'memory',
    warning: null,
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => void values.set(name, value),
    delete: async (name) => void values.delete(name),
  };
}

const unleash: Profile = {
  name: 'production',
  production: true,
  readOnly: false,
  flags: {
    kind: 'unleash',
    url: 'http://127.0.0.1:4242',
    project: 'default',
    environment: 'production',
    contextField: 'customerId',
  },
  sources: [{ kind: 'rabbitmq', url: 'http://127.0.0.1:15672' }],
};

describe('ProfileStore', () => {
  it('starts with the built-in local profile and no file', async () => {
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(store.activeProfile()).toEqual(LOCAL_PROFILE);
    expect((await store.view()).profiles.map((p) => p.name)).toEqual(['local']);
  });

  it('saves profiles without their secrets, keeps secrets in the store, and only says whether they are set', async () => {
    const secrets = memorySecrets();
    const store = await ProfileStore.open({ dataDir: dir, secrets });
    await store.save(unleash, { flagToken: '*:production.abc123', rabbitmqPassword: 'hunter2' });
    const file = await readFile(join(dir, 'profiles.json'), 'utf8');
    expect(file).not.toContain('abc123');
    expect(file).not.toContain('hunter2');
    expect(secrets.values.get('production.flagToken')).toBe('*:production.abc123');
    const view = await store.view();
    expect(JSON.stringify(view)).not.toContain('abc123');
    expect(view.profiles.find((p) => p.name === 'production')?.secrets).toEqual({
      flagToken: { configured: true },
      rabbitmqPassword: { configured: true },
    });
  });

  it('remembers the active profile across restarts, refuses to delete it, deletes others with their secrets', async () => {
    const secrets = memorySecrets();
    const store = await ProfileStore.open({ dataDir: dir, secrets });
    await store.save(unleash, { flagToken: 't' });
    await store.activate('production');
    const again = await ProfileStore.open({ dataDir: dir, secrets });
    expect(again.activeProfile().name).toBe('production');
    await expect(again.remove('production')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await again.activate('local');
    await again.remove('production');
    expect(secrets.values.has('production.flagToken')).toBe(false);
  });

  it('lists a command-line profile as active and transient, never saves it, and hides its password', async () => {
    const transient: Profile = {
      ...LOCAL_PROFILE,
      name: 'command-line',
      sources: [{ kind: 'rabbitmq', url: 'http://127.0.0.1:15672', password: 'from-env' }],
    };
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets(), transient });
    const view = await store.view();
    expect(view.active).toBe('command-line');
    expect(view.profiles[0]).toMatchObject({ name: 'command-line', transient: true });
    expect(JSON.stringify(view)).not.toContain('from-env');
    await expect(store.save({ ...transient, sources: [] })).rejects.toThrow(/command-line profile/);
  });

  it('moves a command-line URL password into memory: the source still has it, no view ever shows it', async () => {
    const transient: Profile = {
      ...LOCAL_PROFILE,
      name: 'command-line',
      sources: [{ kind: 'rabbitmq', url: 'http://ops:p%40ss%3Aword@127.0.0.1:15672' }],
    };
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets(), transient });
    expect(store.activeProfile().sources[0]).toEqual({
      kind: 'rabbitmq',
      url: 'http://ops@127.0.0.1:15672/',
      password: 'p@ss:word',
    });
    const view = await store.view();
    const text = JSON.stringify(view);
    expect(text).not.toContain('p%40ss');
    expect(text).not.toContain('p@ss');
    expect(view.profiles[0]?.sources[0]).toMatchObject({ url: 'http://ops@127.0.0.1:15672/' });
    expect(view.profiles[0]?.secrets.rabbitmqPassword).toEqual({ configured: true });
  });

  it('refuses a command-line Prometheus or scrape URL with a password: those sources take no credentials', async () => {
    const transient: Profile = {
      ...LOCAL_PROFILE,
      name: 'command-line',
      sources: [{ kind: 'prometheus', url: 'http://u:secret@127.0.0.1:9090' }],
    };
    const refusal = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets(), transient }).catch(
      (error: Error) => error,
    );
    expect((refusal as Error).message).toMatch(
      /prometheus URL http:\/\/u@127\.0\.0\.1:9090\/ carries a password/,
    );
    expect((refusal as Error).message).not.toContain('secret');
  });

  it('refuses to save a URL with a password, naming the password field, and writes nothing', async () => {
    const secrets = memorySecrets();
    const store = await ProfileStore.open({ dataDir: dir, secrets });
    const withPassword: Profile = {
      ...unleash,
      sources: [{ kind: 'rabbitmq', url: 'http://ops:hunter2@127.0.0.1:15672' }],
    };
    await expect(store.save(withPassword, { flagToken: 't' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/sources\[0\]\.url: .*RabbitMQ password field/),
    });
    await expect(
      store.save({
        ...unleash,
        flags: { ...unleash.flags, url: 'http://a:b@127.0.0.1:4242' } as Profile['flags'],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/flags\.url/) });
    await expect(readFile(join(dir, 'profiles.json'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(secrets.values.size).toBe(0);
    // A username alone is no secret: http://guest@host stays allowed.
    await store.save({ ...unleash, sources: [{ kind: 'rabbitmq', url: 'http://guest@127.0.0.1:15672' }] });
  });

  it('reports an invalid profiles.json with its field, serves local, and never overwrites the file', async () => {
    const bad = '{"active":"nope","profiles":[{"name":"a","flags":{"kind":"embedded"}}]}';
    await writeFile(join(dir, 'profiles.json'), bad);
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(store.problems().map((p) => p.message)).toEqual([
      expect.stringMatching(/profiles\.json: active: active must name one of the profiles/),
    ]);
    expect(store.activeProfile().name).toBe('local');
    await expect(store.save(unleash)).rejects.toMatchObject({ code: 'DATA_FILE_INVALID' });
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).toBe(bad);
  });
});

describe('profiles and their flag system’s time boxes', () => {
  const NOW = Date.now();
  const revert = (auditId: string, tenantId: string | null, minutesLeft: number, extra: object = {}) => ({
    auditId,
    flagKey: 'publish-events',
    tenantId,
    revertTo: true,
    revertAt: new Date(NOW + minutesLeft * 60_000).toISOString(),
    timeboxMs: 60 * 60_000,
    ...extra,
  });
  const writeReverts = (file: string, reverts: object[]) =>
    writeFile(join(dir, file), JSON.stringify({ reverts }));
  const readReverts = async (file: string) => JSON.parse(await readFile(join(dir, file), 'utf8')).reverts;
  const exists = (file: string) =>
    readFile(join(dir, file)).then(
      () => true,
      () => false,
    );

  it('refuses to delete the last profile on a flag system with time boxes pending, saying how many and when', async () => {
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    await store.save(unleash);
    const file = timeBoxFileName(unleash.flags);
    await writeReverts(file, [revert('a1', 'acme', 12), revert('a2', null, -1)]);

    const refused = (await store.remove('production').catch((e: Error) => e)) as Error;
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect(refused.message).toBe(
      '"production" has 2 time boxes pending on its flag system (the time box of publish-events for everyone is due now ' +
        "and acme's time box (publish-events) ends in 12 min), and no other profile uses that flag system, so they " +
        'would never run. Switch to "production" and let them end (or change those switches without a time box), then delete it.',
    );
    expect(store.get('production')).not.toBeNull();

    // Pointing it at another environment would strand them just the same.
    const staging = { ...unleash, flags: { ...unleash.flags, environment: 'staging' } };
    await expect(store.save(staging)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/then change its flag system\.$/),
    });

    await writeReverts(file, []);
    await store.remove('production');
    expect(store.get('production')).toBeNull();
    expect(await exists(file)).toBe(false);
  });

  it('refuses moving a profile with time boxes pending to another flag system before touching its token', async () => {
    const secrets = memorySecrets();
    const store = await ProfileStore.open({ dataDir: dir, secrets });
    await store.save(unleash, { flagToken: 'production-writer' });
    await writeReverts(timeBoxFileName(unleash.flags), [revert('a1', 'acme', 12)]);
    const profilesBefore = await readFile(join(dir, 'profiles.json'), 'utf8');

    const staging = { ...unleash, flags: { ...unleash.flags, environment: 'staging' } };
    await expect(store.save(staging, { flagToken: 'staging-writer' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    // the pending time box still reverts through production, with production's token
    expect(secrets.values.get('production.flagToken')).toBe('production-writer');
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).toBe(profilesBefore);
    expect(store.get('production')?.flags).toEqual(unleash.flags);
  });

  it('deletes a profile whose flag system another profile still runs, leaving its time boxes to that one', async () => {
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    await store.save({ ...LOCAL_PROFILE, name: 'sim-eu' });
    await writeReverts('pending-reverts.json', [revert('a1', 'acme', 12)]);
    await store.remove('sim-eu');
    expect(await readReverts('pending-reverts.json')).toEqual([revert('a1', 'acme', 12)]);
  });

  it('folds the per-profile time box files of older versions into their flag system’s, losing nothing', async () => {
    await writeFile(
      join(dir, 'profiles.json'),
      JSON.stringify({
        active: 'local',
        profiles: [LOCAL_PROFILE, { ...LOCAL_PROFILE, name: 'sim' }, unleash],
      }),
    );
    await writeReverts('pending-reverts.json', [revert('local-1', 'acme', 10)]);
    // an earlier launch's command-line profile (embedded) and a saved embedded one, both on flags.json
    await writeReverts('pending-reverts.command-line.json', [revert('cl-1', 'globex', 5)]);
    await writeReverts('pending-reverts.sim.json', [revert('sim-1', null, 20)]);
    await writeReverts('pending-reverts.production.json', [revert('prod-1', 'acme', 30)]);
    await writeReverts('pending-reverts.gone.json', [revert('gone-1', 'acme', 1)]);

    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });

    expect(await readReverts('pending-reverts.json')).toEqual([
      revert('local-1', 'acme', 10),
      revert('cl-1', 'globex', 5),
      revert('sim-1', null, 20),
    ]);
    expect(await readReverts(timeBoxFileName(unleash.flags))).toEqual([revert('prod-1', 'acme', 30)]);
    for (const file of ['command-line', 'sim', 'production', 'gone']) {
      expect(await exists(`pending-reverts.${file}.json`)).toBe(false);
    }
    // a deleted profile's: set aside (a new profile of that name must not inherit them), and reported
    expect(await readReverts('pending-reverts.gone.json.orphaned')).toEqual([revert('gone-1', 'acme', 1)]);
    expect(store.problems().map((p) => p.message)).toEqual([
      expect.stringMatching(
        /pending-reverts\.gone\.json\.orphaned: \(file\): time boxes of the profile "gone", which no longer exists, were not run: acme's time box \(publish-events\) ends in 1 min/,
      ),
    ]);
    await store.save({ ...LOCAL_PROFILE, name: 'saving-still-works' });
  });

  it('folds two time boxes of one switch into one that returns to the state before both', async () => {
    await writeReverts('pending-reverts.json', [revert('later', 'acme', 50, { revertTo: false })]);
    await writeReverts('pending-reverts.command-line.json', [revert('earlier', 'acme', 5)]);
    await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    const [only, ...none] = await readReverts('pending-reverts.json');
    expect(none).toEqual([]);
    const { replaces, ...kept } = only;
    expect(kept).toEqual(revert('later', 'acme', 50, { revertTo: true }));
    expect(replaces).toEqual(revert('earlier', 'acme', 5));
  });

  it('leaves an invalid per-profile file where it is, and says its time boxes are not running', async () => {
    await writeFile(join(dir, 'pending-reverts.command-line.json'), '{"reverts": [');
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(await readFile(join(dir, 'pending-reverts.command-line.json'), 'utf8')).toBe('{"reverts": [');
    expect(store.problems().map((p) => p.message)).toEqual([
      expect.stringMatching(
        /pending-reverts\.command-line\.json: .*not valid JSON.* left untouched, so its time boxes are not running/,
      ),
    ]);
  });
});

describe('the local profile’s time boxes of older versions', () => {
  const NOW = Date.now();
  const revert = (auditId: string, tenantId: string | null, minutesLeft: number) => ({
    auditId,
    flagKey: 'publish-events',
    tenantId,
    revertTo: true,
    revertAt: new Date(NOW + minutesLeft * 60_000).toISOString(),
    timeboxMs: 60 * 60_000,
  });
  const writeReverts = (file: string, reverts: object[]) =>
    writeFile(join(dir, file), JSON.stringify({ reverts }));
  const readReverts = async (file: string) => JSON.parse(await readFile(join(dir, file), 'utf8')).reverts;
  const localOnUnleash = { ...unleash, name: 'local' };
  const writeProfiles = (profiles: Profile[]) =>
    writeFile(join(dir, 'profiles.json'), JSON.stringify({ active: 'local', profiles }));

  it('moves pending-reverts.json to local’s flag store when local is not embedded, once', async () => {
    // an older version kept local's time boxes in pending-reverts.json, whatever its flag system
    await writeProfiles([localOnUnleash, { ...LOCAL_PROFILE, name: 'sim' }]);
    await writeReverts('pending-reverts.json', [revert('local-1', 'acme', 10)]);
    await writeReverts('pending-reverts.sim.json', [revert('sim-1', 'globex', 20)]);

    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(store.problems()).toEqual([]);
    expect(await readReverts(timeBoxFileName(unleash.flags))).toEqual([revert('local-1', 'acme', 10)]);
    // sim's (embedded) were folded in after local's had left: they stay on the embedded store
    expect(await readReverts('pending-reverts.json')).toEqual([revert('sim-1', 'globex', 20)]);

    // pending-reverts.json is the embedded store's from now on: a later launch leaves it there
    await writeReverts('pending-reverts.json', [revert('sim-2', 'globex', 30)]);
    await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(await readReverts('pending-reverts.json')).toEqual([revert('sim-2', 'globex', 30)]);
    expect(await readReverts(timeBoxFileName(unleash.flags))).toEqual([revert('local-1', 'acme', 10)]);
  });

  it('leaves pending-reverts.json to the embedded store when local is embedded, and never moves it later', async () => {
    await writeReverts('pending-reverts.json', [revert('local-1', 'acme', 10)]);
    await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(await readReverts('pending-reverts.json')).toEqual([revert('local-1', 'acme', 10)]);

    // local later pointed at Unleash (profiles.json edited by hand): the embedded store's boxes stay put
    await writeProfiles([localOnUnleash]);
    await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(await readReverts('pending-reverts.json')).toEqual([revert('local-1', 'acme', 10)]);
  });

  it('tries again at the next start when local’s store file is invalid, reporting it meanwhile', async () => {
    await writeProfiles([localOnUnleash]);
    await writeReverts('pending-reverts.json', [revert('local-1', 'acme', 10)]);
    await writeFile(join(dir, timeBoxFileName(unleash.flags)), '{"reverts": [');

    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(store.problems().map((p) => p.message)).toEqual([
      expect.stringMatching(
        /pending-reverts\.json: \(file\): its time boxes could not be moved into .*which is invalid/,
      ),
    ]);
    expect(await readReverts('pending-reverts.json')).toEqual([revert('local-1', 'acme', 10)]);

    await writeReverts(timeBoxFileName(unleash.flags), []);
    const again = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(again.problems()).toEqual([]);
    expect(await readReverts(timeBoxFileName(unleash.flags))).toEqual([revert('local-1', 'acme', 10)]);
  });
});

describe('time box files set aside for deleted profiles', () => {
  const NOW = Date.now();
  const revert = (auditId: string, tenantId: string, minutesLeft: number) => ({
    auditId,
    flagKey: 'publish-events',
    tenantId,
    revertTo: true,
    revertAt: new Date(NOW + minutesLeft * 60_000).toISOString(),
    timeboxMs: 60 * 60_000,
  });
  const writeReverts = (file: string, reverts: object[]) =>
    writeFile(join(dir, file), JSON.stringify({ reverts }));
  const readReverts = async (file: string) => JSON.parse(await readFile(join(dir, file), 'utf8')).reverts;

  it('are reported on every start, each of them, and an earlier one is never overwritten', async () => {
    // a profile "gone" deleted once already left a set-aside file; an older version's file of a second "gone"
    await writeReverts('pending-reverts.gone.json.orphaned', [revert('first', 'acme', 10)]);
    await writeReverts('pending-reverts.gone.json', [revert('second', 'globex', 20)]);
    await writeReverts('pending-reverts.other.json', [revert('third', 'initech', 30)]);

    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(await readReverts('pending-reverts.gone.json.orphaned')).toEqual([revert('first', 'acme', 10)]);
    expect(await readReverts('pending-reverts.gone.json.2.orphaned')).toEqual([
      revert('second', 'globex', 20),
    ]);
    expect(await readReverts('pending-reverts.other.json.orphaned')).toEqual([
      revert('third', 'initech', 30),
    ]);
    const reported = [
      expect.stringMatching(/pending-reverts\.gone\.json\.2\.orphaned: .*profile "gone".*globex's time box/),
      expect.stringMatching(/pending-reverts\.gone\.json\.orphaned: .*profile "gone".*acme's time box/),
      expect.stringMatching(/pending-reverts\.other\.json\.orphaned: .*profile "other".*initech's time box/),
    ];
    expect(store.problems().map((p) => p.message)).toEqual(reported);

    const later = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    expect(later.problems().map((p) => p.message)).toEqual(reported);
  });
});

describe('profile names and secret environment variables', () => {
  it('refuses a new name whose SWITCHBOARD_SECRET_* variables another profile already reads', async () => {
    const store = await ProfileStore.open({ dataDir: dir, secrets: memorySecrets() });
    await store.save({ ...unleash, name: 'prod-eu' });
    for (const name of ['prod_eu', 'PROD.EU', 'Prod-Eu']) {
      await expect(store.save({ ...unleash, name })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: `"${name}" would read the same secret environment variables as the profile "prod-eu" (SWITCHBOARD_SECRET_PROD_EU_FLAGTOKEN): names that differ only in case or in . - _ cannot be told apart there; choose another name`,
      });
    }
    expect(() => store.validate({ ...unleash, name: 'prod_eu' })).toThrow(
      /same secret environment variables/,
    );
    // the profile itself can still be edited, and a name that differs in letters is fine
    await store.save({ ...unleash, name: 'prod-eu', production: false });
    await store.save({ ...unleash, name: 'prod-eu2' });
    expect((await store.view()).profiles.map((p) => p.name)).toEqual(['local', 'prod-eu', 'prod-eu2']);
  });
});
