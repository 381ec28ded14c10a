import { readFile } from 'node:fs/promises';
import type { SafeStorage } from 'electron';
import {
  checkSecretName,
  parseSecretsFile,
  type SecretStore,
  secretEnvVar,
} from '../../core/secrets/secret-store';
import { writeFileAtomic } from '../../core/storage/atomic-file';

/**
 * Secrets for the Electron host, encrypted with the OS key store through `safeStorage` and kept in one
 * JSON file in userData. Each value carries a format tag (`sb1:` = safeStorage, base64) so the format
 * can change later without guessing. On Linux without a keyring Electron falls back to `basic_text`,
 * which is obfuscation, not protection: that is reported, and storing then needs an explicit opt-in
 * (SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS=1). As in the web host, SWITCHBOARD_SECRET_<PROFILE>_<SECRET>
 * environment variables are read first, so a token can be given without storing it at all.
 */

export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export interface SafeStorageSecretStoreOptions {
  safeStorage: SafeStorageLike;
  /** e.g. <userData>/secrets.json */
  file: string;
  platform?: NodeJS.Platform;
  /** store secrets even when the backend is basic_text (the user said yes: see `plainTextOptIn`) */
  allowPlainText?: boolean;
  /** where SWITCHBOARD_SECRET_<NAME> variables are read first (default process.env) */
  env?: NodeJS.ProcessEnv;
  onWarning?: (warning: string) => void;
}

export const CIPHERTEXT_TAG = 'sb1:';

export const PLAINTEXT_OPT_IN_ENV = 'SWITCHBOARD_ALLOW_PLAINTEXT_SECRETS';

export const BASIC_TEXT_WARNING =
  'No OS keyring was found, so Electron could only store secrets with its basic_text backend ' +
  '(obfuscated, not protected): saving a token is refused. Install and unlock a keyring (GNOME Keyring, ' +
  'KWallet) and restart; or give the token as an environment variable SWITCHBOARD_SECRET_<PROFILE>_<SECRET> ' +
  `(e.g. SWITCHBOARD_SECRET_PRODUCTION_FLAGTOKEN); or start Switchboard with ${PLAINTEXT_OPT_IN_ENV}=1 ` +
  'to store secrets this way anyway.';

export const BASIC_TEXT_OPTED_IN_WARNING =
  `No OS keyring was found and ${PLAINTEXT_OPT_IN_ENV}=1 is set: secrets are stored with Electron's ` +
  'basic_text backend, obfuscated but not protected — anyone who can read secrets.json can recover them.';

/** The opt-in to basic_text storage: 1/true/yes or 0/false/no (or unset); anything else is refused. */
export function plainTextOptIn(env: NodeJS.ProcessEnv): boolean {
  const raw = (env[PLAINTEXT_OPT_IN_ENV] ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['', '0', 'false', 'no'].includes(raw)) return false;
  throw new Error(`${PLAINTEXT_OPT_IN_ENV} must be 1 or 0, got ${JSON.stringify(env[PLAINTEXT_OPT_IN_ENV])}`);
}

function backendOf(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend();
  return platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'dpapi' : 'os';
}

export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { safeStorage, file } = options;
  const env = options.env ?? process.env;
  const backend = backendOf(safeStorage, options.platform ?? process.platform);
  const plainText = backend === 'basic_text';
  const warning = plainText
    ? options.allowPlainText
      ? BASIC_TEXT_OPTED_IN_WARNING
      : BASIC_TEXT_WARNING
    : null;
  if (warning) options.onWarning?.(warning);
  const fromEnv = (name: string) => env[secretEnvVar(name)];
  const refuseIfFromEnv = (name: string) => {
    if (fromEnv(name) !== undefined) {
      throw new Error(
        `secret ${name} comes from the environment variable ${secretEnvVar(name)}; change it there`,
      );
    }
  };

  let queue: Promise<unknown> = Promise.resolve();
  const update = (change: (values: Record<string, string>) => Promise<void> | void) => {
    const next = queue.then(async () => {
      const values = await readCiphertexts(file);
      await change(values);
      await writeFileAtomic(file, `${JSON.stringify(values, null, 2)}\n`, 0o600);
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const encrypt = async (value: string) => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) throw new Error('OS encryption is not available');
    return CIPHERTEXT_TAG + (await safeStorage.encryptStringAsync(value)).toString('base64');
  };

  return {
    backend,
    warning,
    async get(name) {
      const given = fromEnv(name);
      if (given !== undefined) return given;
      const stored = (await readCiphertexts(file))[name];
      if (stored === undefined) return null;
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(
        Buffer.from(stored.slice(CIPHERTEXT_TAG.length), 'base64'),
      );
      // The key was rotated or a better one exists: rewrite under it, but reading never fails for that.
      if (shouldReEncrypt) {
        await update(async (values) => {
          values[name] = await encrypt(result);
        }).catch(() => undefined);
      }
      return result;
    },
    async set(name, value) {
      refuseIfFromEnv(name);
      if (plainText && !options.allowPlainText) {
        throw new Error(
          `refusing to store ${name}: no OS keyring (basic_text). Set ${secretEnvVar(name)} in the environment, ` +
            `or start Switchboard with ${PLAINTEXT_OPT_IN_ENV}=1 to store it obfuscated but unprotected`,
        );
      }
      const ciphertext = await encrypt(value);
      await update((values) => {
        values[name] = ciphertext;
      });
    },
    async delete(name) {
      // Only the stored copy: an environment variable still gives the secret (removing a profile must
      // not fail because its token comes from the environment).
      checkSecretName(name);
      await update((values) => {
        delete values[name];
      });
    },
  };
}

/** Missing file = no secrets; a malformed one is reported with its path and never overwritten. */
async function readCiphertexts(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseSecretsFile(file, text, (_name, stored) =>
    stored.startsWith(CIPHERTEXT_TAG) ? null : `unknown secret format (expected ${CIPHERTEXT_TAG}...)`,
  );
}
