import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BASIC_TEXT_OPTED_IN_WARNING,
  BASIC_TEXT_WARNING,
  createSafeStorageSecretStore,
  plainTextOptIn,
  type SafeStorageLike,
} from './secret-store.safe-storage';

/** A reversible stand-in for the OS key store (XOR), enough to see what is stored where. */
function fakeSafeStorage(
  backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']> = 'gnome_libsecret',
) {
  const xor = (buffer: Buffer) => Buffer.from(buffer.map((b) => b ^ 0x5a));
  const encryptAs = (version: string) => async (text: string) => xor(Buffer.from(`${version}:${text}`));
  const fake = {
    available: true,
    reEncrypt: false,
    getSelectedStorageBackend: () => backend,
    isAsyncEncryptionAvailable: async () => fake.available,
    encryptStringAsync: encryptAs('v2'),
    encryptAs,
    decryptStringAsync: async (buffer: Buffer) => {
      const plain = xor(buffer).toString();
      return { result: plain.replace(/^v\d:/, ''), shouldReEncrypt: fake.reEncrypt };
    },
  };
  return fake;
}

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-safe-'));
  file = join(dir, 'secrets.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safeStorage secret store', () => {
  it('stores tagged ciphertext in a 0600 file and reads it back', async () => {
    const store = createSafeStorageSecretStore({ safeStorage: fakeSafeStorage(), file, platform: 'linux' });
    expect(store.backend).toBe('gnome_libsecret');
    expect(store.warning).toBeNull();
    await store.set('launchdarkly.token', 'api-123');
    const raw = JSON.parse(await readFile(file, 'utf8'));
    expect(raw['launchdarkly.token']).toMatch(/^sb1:[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(raw)).not.toContain('api-123');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await store.get('launchdarkly.token')).toBe('api-123');
    expect(await store.get('missing')).toBeNull();
    await store.delete('launchdarkly.token');
    expect(await store.get('launchdarkly.token')).toBeNull();
  });

  it('reports basic_text and refuses to store without an opt-in, saying how to opt in', async () => {
    const warnings: string[] = [];
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage('basic_text'),
      file,
      platform: 'linux',
      env: {},
      onWarning: (w) => warnings.push(w),
    });
    expect(store.warning).toBe(BASIC_TEXT_WARNING);
    expect(warnings).toEqual([BASIC_TEXT_WARNING]);
    // The warning promises exactly the ways out that exist.
    expect(BASIC_TEXT_WARNING).toContain('SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS=1');
    expect(BASIC_TEXT_WARNING).toContain('SWITCHBOARD_SECRET_PRODUCTION_FLAGTOKEN');
    await expect(store.set('unleash.flagToken', 'x')).rejects.toThrow(
      /SWITCHBOARD_SECRET_UNLEASH_FLAGTOKEN.*SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS=1/,
    );
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stores under basic_text once opted in through SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS, and says so', async () => {
    const env = { SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS: '1' };
    const warnings: string[] = [];
    const optedIn = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage('basic_text'),
      file,
      platform: 'linux',
      env,
      allowPlainText: plainTextOptIn(env),
      onWarning: (w) => warnings.push(w),
    });
    expect(optedIn.warning).toBe(BASIC_TEXT_OPTED_IN_WARNING);
    expect(warnings).toEqual([BASIC_TEXT_OPTED_IN_WARNING]);
    await optedIn.set('unleash.flagToken', 'x');
    expect(JSON.parse(await readFile(file, 'utf8'))['unleash.flagToken']).toMatch(/^sb1:/);
    expect(await optedIn.get('unleash.flagToken')).toBe('x');
  });

  it('reads the opt-in strictly: 1/true/yes, 0/false/no or unset, anything else refused', () => {
    expect(plainTextOptIn({})).toBe(false);
    expect(plainTextOptIn({ SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS: 'true' })).toBe(true);
    expect(plainTextOptIn({ SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS: '0' })).toBe(false);
    expect(() => plainTextOptIn({ SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS: 'please' })).toThrow(
      /SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS must be 1 or 0/,
    );
  });

  it('takes a token from SWITCHBOARD_SECRET_<PROFILE>_<SECRET> first, even with no keyring', async () => {
    const env = { SWITCHBOARD_SECRET_PRODUCTION_FLAGTOKEN: 'from-env' };
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage('basic_text'),
      file,
      platform: 'linux',
      env,
    });
    expect(await store.get('production.flagToken')).toBe('from-env');
    expect(await store.get('production.rabbitmqPassword')).toBeNull();
    await expect(store.set('production.flagToken', 'typed')).rejects.toThrow(
      /comes from the environment variable SWITCHBOARD_SECRET_PRODUCTION_FLAGTOKEN/,
    );
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    // Removing the profile deletes only what was stored; the variable still gives the token.
    await store.delete('production.flagToken');
    expect(await store.get('production.flagToken')).toBe('from-env');
  });

  it('refuses to store when OS encryption is unavailable', async () => {
    const safeStorage = fakeSafeStorage();
    safeStorage.available = false;
    const store = createSafeStorageSecretStore({ safeStorage, file, platform: 'linux' });
    await expect(store.set('a', 'b')).rejects.toThrow(/not available/);
  });

  it('re-encrypts when the key store asks to', async () => {
    const safeStorage = fakeSafeStorage();
    const store = createSafeStorageSecretStore({ safeStorage, file, platform: 'linux' });
    await store.set('a', 'secret');
    const before = await readFile(file, 'utf8');
    safeStorage.reEncrypt = true;
    safeStorage.encryptStringAsync = safeStorage.encryptAs('v3');
    expect(await store.get('a')).toBe('secret');
    expect(await readFile(file, 'utf8')).not.toBe(before);
  });

  it('refuses values without the format tag, and leaves the file alone', async () => {
    await writeFile(file, '{"a":"plaintext"}', { mode: 0o600 });
    const store = createSafeStorageSecretStore({ safeStorage: fakeSafeStorage(), file, platform: 'linux' });
    await expect(store.get('a')).rejects.toThrow(/a: unknown secret format/);
    await expect(store.set('b', 'c')).rejects.toThrow(/unknown secret format/);
    expect(await readFile(file, 'utf8')).toBe('{"a":"plaintext"}');
  });

  it('names the OS key store off Linux', () => {
    expect(
      createSafeStorageSecretStore({ safeStorage: fakeSafeStorage(), file, platform: 'darwin' }).backend,
    ).toBe('keychain');
  });
});
