import { lstat, readFile } from 'node:fs/promises';
import { parseSecretsFile, type SecretStore, secretEnvVar } from '../../core/secrets/secret-store';
import { writeFileAtomic } from '../../core/storage/atomic-file';
import { DataFileError } from '../../core/storage/data-file-error';

/**
 * Secrets for the web host (flag API tokens, broker passwords): from environment variables, or from a
 * JSON file only its owner can read. There is no keychain here, so the file's permissions are the
 * protection, and a file anyone else could read is refused rather than used.
 */

export interface FileSecretStoreOptions {
  /** e.g. <data dir>/secrets.json */
  file: string;
  env?: NodeJS.ProcessEnv;
  /** SWITCHBOARD_SECRET_<NAME> by default */
  envPrefix?: string;
}

export function createFileSecretStore(options: FileSecretStoreOptions): SecretStore {
  const env = options.env ?? process.env;
  const envName = (name: string) => secretEnvVar(name, options.envPrefix);
  // Writes are read-modify-write of one file: run them one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const update = (change: (secrets: Record<string, string>) => void) => {
    const next = queue.then(async () => {
      const secrets = await readSecretsFile(options.file);
      change(secrets);
      await writeFileAtomic(options.file, `${JSON.stringify(secrets, null, 2)}\n`, 0o600);
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const refuseIfFromEnv = (name: string) => {
    if (env[envName(name)] !== undefined) {
      throw new Error(`secret ${name} comes from the environment variable ${envName(name)}; change it there`);
    }
  };

  return {
    backend: 'file',
    warning: null,
    async get(name) {
      const fromEnv = env[envName(name)];
      if (fromEnv !== undefined) return fromEnv;
      return (await readSecretsFile(options.file))[name] ?? null;
    },
    async set(name, value) {
      refuseIfFromEnv(name);
      await update((secrets) => {
        secrets[name] = value;
      });
    },
    async delete(name) {
      // Only the stored copy: a secret given in the environment stays there (removing a profile
      // whose token comes from the environment must not fail after the profile is gone).
      await update((secrets) => {
        delete secrets[name];
      });
    },
  };
}

/** Missing file = no secrets. Anything else wrong with it is reported with its path and left untouched. */
export async function readSecretsFile(file: string): Promise<Record<string, string>> {
  const stats = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!stats) return {};
  if (!stats.isFile()) throw new DataFileError(file, '(file)', 'not a regular file (symlinks are refused)');
  if ((stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw new DataFileError(
      file,
      '(permissions)',
      `mode ${mode} lets others read it; run: chmod 600 ${file}`,
    );
  }
  if (typeof process.getuid === 'function' && stats.uid !== process.getuid()) {
    throw new DataFileError(file, '(owner)', 'owned by another user');
  }
  return parseSecretsFile(file, await readFile(file, 'utf8'));
}
