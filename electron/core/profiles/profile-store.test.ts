import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../secrets/secret-store';
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
      message: expect.stringMatching(/sources\.0\.url: .*RabbitMQ password field/),
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
    expect(store.problem()?.message).toMatch(/profiles\.json: active: active must name one of the profiles/);
    expect(store.activeProfile().name).toBe('local');
    await expect(store.save(unleash)).rejects.toMatchObject({ code: 'DATA_FILE_INVALID' });
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).toBe(bad);
  });
});
