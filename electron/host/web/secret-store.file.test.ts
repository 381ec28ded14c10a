import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretEnvVar } from '../../core/secrets/secret-store';
import { createFileSecretStore } from './secret-store.file';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-secrets-'));
  file = join(dir, 'secrets.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file secret store', () => {
  it('writes a 0600 file and reads it back', async () => {
    const store = createFileSecretStore({ file, env: {} });
    expect(await store.get('unleash.token')).toBeNull();
    await store.set('unleash.token', 's3cret');
    await store.set('rabbitmq.password', 'guest');
    expect(await store.get('unleash.token')).toBe('s3cret');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await store.delete('unleash.token');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'rabbitmq.password': 'guest' });
    expect(store.warning).toBeNull();
  });

  it('prefers the environment and will not shadow it', async () => {
    expect(secretEnvVar('unleash.token')).toBe('SWITCHBOARD_SECRET_UNLEASH_TOKEN');
    const store = createFileSecretStore({ file, env: { SWITCHBOARD_SECRET_UNLEASH_TOKEN: 'from-env' } });
    expect(await store.get('unleash.token')).toBe('from-env');
    await expect(store.set('unleash.token', 'x')).rejects.toThrow(
      /environment variable SWITCHBOARD_SECRET_UNLEASH_TOKEN/,
    );
    // deleting (a profile being removed) drops only the stored copy and does not fail
    await store.delete('unleash.token');
    expect(await store.get('unleash.token')).toBe('from-env');
  });

  it('refuses a file others can read, and leaves it alone', async () => {
    await writeFile(file, '{"a":"b"}');
    await chmod(file, 0o644);
    const store = createFileSecretStore({ file, env: {} });
    await expect(store.get('a')).rejects.toThrow(/mode 0644 .*chmod 600/);
    await expect(store.set('a', 'c')).rejects.toThrow(/chmod 600/);
    expect(await readFile(file, 'utf8')).toBe('{"a":"b"}');
  });

  it('refuses a symlink and a malformed file', async () => {
    const target = join(dir, 'elsewhere.json');
    await writeFile(target, '{}', { mode: 0o600 });
    await symlink(target, file);
    await expect(createFileSecretStore({ file, env: {} }).get('a')).rejects.toThrow(/symlinks are refused/);
    await rm(file);
    await writeFile(file, '{"a": 1}', { mode: 0o600 });
    await expect(createFileSecretStore({ file, env: {} }).get('a')).rejects.toThrow(/a: expected a string/);
  });

  it('rejects odd secret names', async () => {
    const store = createFileSecretStore({ file, env: {} });
    await expect(store.get('../x')).rejects.toThrow(/invalid secret name/);
  });

  it('serialises concurrent writes', async () => {
    const store = createFileSecretStore({ file, env: {} });
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => store.set(name, name)));
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8'))).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
