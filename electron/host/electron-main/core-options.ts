import type { ConsoleCoreOptions } from '../../core/console-core.types';
import { assertUsableToken } from '../../flag-server/bearer-token';
import { parseAllowedOrigin } from '../../flag-server/cors';

/**
 * The desktop app takes the same knobs as `npm run serve` from the environment (a desktop launcher
 * has no flags to give): SWITCHBOARD_TENANTS, SWITCHBOARD_SPIKE_AFTER (seconds, "off" for none),
 * SWITCHBOARD_OFREP_PORT, SWITCHBOARD_OFREP_TOKEN (the OFREP server's bearer token) and
 * SWITCHBOARD_OFREP_CORS_ORIGINS (browser origins, comma-separated). A malformed value is refused
 * with the variable's name, never guessed.
 */
export function coreOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  base: Pick<ConsoleCoreOptions, 'dataDir' | 'actor'>,
): ConsoleCoreOptions {
  const options: ConsoleCoreOptions = { ...base, host: 'electron' };
  if (env.SWITCHBOARD_TENANTS)
    options.tenants = integer('SWITCHBOARD_TENANTS', env.SWITCHBOARD_TENANTS, 1, 100_000);
  if (env.SWITCHBOARD_OFREP_PORT)
    options.ofrepPort = integer('SWITCHBOARD_OFREP_PORT', env.SWITCHBOARD_OFREP_PORT, 0, 65_535);
  const spike = env.SWITCHBOARD_SPIKE_AFTER;
  if (spike)
    options.spikeAfterMs =
      spike === 'off' ? null : integer('SWITCHBOARD_SPIKE_AFTER', spike, 0, 86_400) * 1000;
  if (env.SWITCHBOARD_OFREP_TOKEN)
    options.ofrepToken = assertUsableToken(env.SWITCHBOARD_OFREP_TOKEN, 'SWITCHBOARD_OFREP_TOKEN');
  const origins = env.SWITCHBOARD_OFREP_CORS_ORIGINS?.split(',').filter((o) => o.trim() !== '');
  if (origins?.length) options.ofrepCorsOrigins = origins.map(corsOrigin);
  return options;
}

function corsOrigin(text: string): string {
  try {
    return parseAllowedOrigin(text);
  } catch (error) {
    throw new Error(`SWITCHBOARD_OFREP_CORS_ORIGINS: ${(error as Error).message}`);
  }
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
