import { readFile } from 'node:fs/promises';
import type { SafeStorage } from 'electron';
import { checkSecretName, parseSecretsFile, type SecretStore } from '../../core/secrets/secret-store';
import { writeFileAtomic } from '../../core/storage/atomic-file';

/**
 * Secrets for the Electron host, encrypted with the OS key store through `safeStorage` and kept in one
 * JSON file in userData. Each value carries a format tag (`sb1:` = safeStorage, base64) so the format
 * can change later without guessing. On Linux without a keyring Electron falls back to `basic_text`,
 * which is obfuscation, not protection: that is reported, and storing then needs an explicit opt-in.
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
  /** store secrets even when the backend is basic_text (the user said yes) */
  allowPlainText?: boolean;
  onWarning?: (warning: string) => void;
}

export const CIPHERTEXT_TAG = 'sb1:';

export const BASIC_TEXT_WARNING =
  'No OS keyring was found, so Electron would store secrets with its basic_text backend: obfuscated, not protected. ' +
  'Install and unlock a keyring (GNOME Keyring, KWallet), or opt in to storing secrets this way.';

function backendOf(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend();
  return platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'dpapi' : 'os';
}

export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { safeStorage, file } = options;
  const backend = backendOf(safeStorage, options.platform ?? process.platform);
  const warning = backend === 'basic_text' ? BASIC_TEXT_WARNING : null;
  if (warning) options.onWarning?.(warning);

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
      checkSecretName(name);
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
      checkSecretName(name);
      if (warning && !options.allowPlainText) throw new Error(`refusing to store ${name}: ${warning}`);
      const ciphertext = await encrypt(value);
      await update((values) => {
        values[name] = ciphertext;
      });
    },
    async delete(name) {
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
