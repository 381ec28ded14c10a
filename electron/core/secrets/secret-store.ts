import { DataFileError } from '../storage/data-file-error';

/**
 * Where the main process keeps tokens for flag APIs and brokers. Each host has its own (safeStorage in
 * Electron, env vars or a 0600 file in the web host); the core and the renderer see only this shape,
 * and a secret's value never crosses the bridge.
 */
export interface SecretStore {
  readonly backend: string;
  /** Set when secrets are not really protected; the UI shows it. */
  readonly warning: string | null;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkSecretName(name: string): string {
  if (!SECRET_NAME.test(name)) throw new Error(`invalid secret name ${JSON.stringify(name).slice(0, 40)}`);
  return name;
}

/**
 * The environment variable a secret may come from: `production.flagToken` →
 * `SWITCHBOARD_SECRET_PRODUCTION_FLAGTOKEN`. Both hosts read it first, so a token can be given
 * without storing it anywhere (a machine with no keyring, a container, CI).
 */
export function secretEnvVar(name: string, prefix = 'SWITCHBOARD_SECRET_'): string {
  return (
    prefix +
    checkSecretName(name)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '_')
  );
}

/**
 * A secrets file is one JSON object of name → string. Anything else is reported with its path and
 * never overwritten; `checkValue` adds a store's own format rule (e.g. a ciphertext tag).
 */
export function parseSecretsFile(
  file: string,
  text: string,
  checkValue: (name: string, value: string) => string | null = () => null,
): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataFileError(file, '(file)', 'not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataFileError(file, '(root)', 'expected an object of name → secret');
  }
  const secrets: Record<string, string> = {};
  for (const [name, secret] of Object.entries(value)) {
    if (typeof secret !== 'string') throw new DataFileError(file, name, 'expected a string');
    const problem = checkValue(name, secret);
    if (problem) throw new DataFileError(file, name, problem);
    secrets[name] = secret;
  }
  return secrets;
}
