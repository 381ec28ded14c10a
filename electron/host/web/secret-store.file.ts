import { lstat, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/storage/atomic-file';
import { DataFileError } from '../../core/storage/data-file-error';

/**
 * Secrets for the web host (flag API tokens, broker passwords): from environment variables, or from a
 * JSON file only its owner can read. There is no keychain here, so the file's permissions are the
 * protection, and a file anyone else could read is refused rather than used.
 */

/** Same shape as the Electron host's safeStorage store; the core sees only this. */
export interface SecretStore {
  readonly backend: string;
  /** Set when secrets are not really protected; the UI shows it. */
  readonly warning: string | null;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface FileSecretStoreOptions {
  /** e.g. <data dir>/secrets.json */
  file: string;
  env?: NodeJS.ProcessEnv;
  /** SWITCHBOARD_SECRET_<NAME> by default */
  envPrefix?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function envVarFor(name: string, prefix = 'SWITCHBOARD_SECRET_'): string {
  return prefix + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function createFileSecretStore(options: FileSecretStoreOptions): SecretStore {
  const env = options.env ?? process.env;
  const envName = (name: string) => envVarFor(checkName(name), options.envPrefix);
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
      refuseIfFromEnv(name);
      await update((secrets) => {
        delete secrets[name];
      });
    },
  };
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid secret name ${JSON.stringify(name).slice(0, 40)}`);
  return name;
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
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new DataFileError(file, '(file)', 'not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataFileError(file, '(root)', 'expected an object of name → secret');
  }
  const secrets: Record<string, string> = {};
  for (const [name, secret] of Object.entries(value)) {
    if (typeof secret !== 'string') throw new DataFileError(file, name, 'expected a string');
    secrets[name] = secret;
  }
  return secrets;
}
