import { readFile } from 'node:fs/promises';
import type { SafeStorage } from 'electron';
import { writeFileAtomic } from '../../core/storage/atomic-file';
import { DataFileError } from '../../core/storage/data-file-error';

/**
 * Secrets for the Electron host, encrypted with the OS key store through `safeStorage` and kept in one
 * JSON file in userData. Each value carries a format tag (`sb1:` = safeStorage, base64) so the format
 * can change later without guessing. On Linux without a keyring Electron falls back to `basic_text`,
 * which is obfuscation, not protection: that is reported, and storing then needs an explicit opt-in.
 */

/** Same shape as the web host's file store; the core sees only this. */
export interface SecretStore {
  readonly backend: string;
  /** Set when secrets are not really protected; the UI shows it. */
  readonly warning: string | null;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

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
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

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
      checkName(name);
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
      checkName(name);
      if (warning && !options.allowPlainText) throw new Error(`refusing to store ${name}: ${warning}`);
      const ciphertext = await encrypt(value);
      await update((values) => {
        values[name] = ciphertext;
      });
    },
    async delete(name) {
      checkName(name);
      await update((values) => {
        delete values[name];
      });
    },
  };
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid secret name ${JSON.stringify(name).slice(0, 40)}`);
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataFileError(file, '(file)', 'not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataFileError(file, '(root)', 'expected an object of name → ciphertext');
  }
  const values: Record<string, string> = {};
  for (const [name, stored] of Object.entries(value)) {
    if (typeof stored !== 'string' || !stored.startsWith(CIPHERTEXT_TAG)) {
      throw new DataFileError(file, name, `unknown secret format (expected ${CIPHERTEXT_TAG}...)`);
    }
    values[name] = stored;
  }
  return values;
}
