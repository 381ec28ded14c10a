import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SourceConfig } from '../../core/metrics/source-config';
import { assertUsableToken } from '../../flag-server/bearer-token';
import { parseAllowedOrigin } from '../../flag-server/cors';
import { SOURCE_USAGE, sourceConfigs } from './source-args';

/** `npm run serve -- [options]`: what the web host needs to start, checked before anything starts. */

export interface ServeOptions {
  port: number;
  ofrepPort: number;
  dataDir: string;
  tenants: number;
  /** ms until the scripted demo spike; null with --no-spike (off) */
  spikeAfterMs: number | null;
  /** metrics sources from flags (a command-line profile), or undefined: the active profile decides */
  sources: SourceConfig[] | undefined;
  /** bearer token the OFREP server requires (and the simulated workload's flag client sends) */
  ofrepToken: string | undefined;
  /** browser origins the OFREP server answers with CORS headers; empty: none */
  ofrepCorsOrigins: string[];
}

export type ServeArgs = { help: true } | ({ help: false } & ServeOptions);

export const SERVE_USAGE = `Usage: npm run serve -- [options]

Serves the Switchboard console on http://127.0.0.1 for a browser.

Options:
  --port <n>          console port (default 7410; 0 picks a free port)
  --ofrep-port <n>    embedded flag server (OFREP) port (default 8016; 0 picks a free port)
  --ofrep-token <t>   require this bearer token on the OFREP server; prefer the
                      SWITCHBOARD_OFREP_TOKEN variable (a flag shows in the process list)
  --ofrep-cors-origin <origin>
                      let browser pages from this origin read the OFREP server, e.g.
                      http://localhost:5173 (repeatable; default none)
  --data-dir <dir>    where flags, tenants, audit and settings live
                      (default $XDG_DATA_HOME/switchboard or ~/.local/share/switchboard)
  --tenants <n>       simulated tenants (default 50)
  --spike-after <s>   seconds until the scripted demo spike (default 30)
  --no-spike          do not script the demo spike
${SOURCE_USAGE}
  --help              show this help`;

export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

const MAX_TENANTS = 100_000;

export function defaultDataDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share');
  return join(base, 'switchboard');
}

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'ofrep-port': { type: 'string' },
        'ofrep-token': { type: 'string' },
        'ofrep-cors-origin': { type: 'string', multiple: true },
        'data-dir': { type: 'string' },
        tenants: { type: 'string' },
        'spike-after': { type: 'string' },
        'no-spike': { type: 'boolean' },
        rabbitmq: { type: 'string' },
        'rabbitmq-tenant-rule': { type: 'string', multiple: true },
        prometheus: { type: 'string' },
        'prometheus-query': { type: 'string' },
        scrape: { type: 'string' },
        simulated: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ArgsError(`${(error as Error).message.split('\n')[0]}\n\n${SERVE_USAGE}`);
  }
  if (values.help) return { help: true };
  const dataDir = values['data-dir'] as string | undefined;
  if (dataDir !== undefined && dataDir.trim() === '') throw new ArgsError('--data-dir must not be empty');
  return {
    help: false,
    port: integerOption('--port', values.port, 7410, 0, 65_535),
    ofrepPort: integerOption('--ofrep-port', values['ofrep-port'], 8016, 0, 65_535),
    dataDir: dataDir ? resolve(dataDir) : defaultDataDir(env),
    tenants: integerOption('--tenants', values.tenants, 50, 1, MAX_TENANTS),
    sources: parseSources(values, env),
    ofrepToken: ofrepToken(values['ofrep-token'] as string | undefined, env),
    ofrepCorsOrigins: ((values['ofrep-cors-origin'] as string[] | undefined) ?? []).map((origin) =>
      checked('--ofrep-cors-origin', () => parseAllowedOrigin(origin)),
    ),
    spikeAfterMs: values['no-spike']
      ? null
      : integerOption('--spike-after', values['spike-after'], 30, 0, 86_400) * 1000,
  };
}

function integerOption(flag: string, raw: unknown, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ArgsError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The flag wins over SWITCHBOARD_OFREP_TOKEN; an empty variable counts as unset. */
function ofrepToken(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag !== undefined) return checked('--ofrep-token', () => assertUsableToken(flag, '--ofrep-token'));
  const fromEnv = env.SWITCHBOARD_OFREP_TOKEN;
  if (!fromEnv) return undefined;
  return checked('SWITCHBOARD_OFREP_TOKEN', () => assertUsableToken(fromEnv, 'SWITCHBOARD_OFREP_TOKEN'));
}

function checked<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = (error as Error).message;
    throw new ArgsError(message.startsWith(flag) ? message : `${flag}: ${message}`);
  }
}

function parseSources(values: Record<string, unknown>, env: NodeJS.ProcessEnv): SourceConfig[] | undefined {
  try {
    return sourceConfigs(
      {
        rabbitmq: values.rabbitmq as string | undefined,
        rabbitmqTenantRules: (values['rabbitmq-tenant-rule'] as string[] | undefined) ?? [],
        prometheus: values.prometheus as string | undefined,
        prometheusQuery: values['prometheus-query'] as string | undefined,
        scrape: values.scrape as string | undefined,
        simulated: values.simulated === true,
      },
      env,
    );
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
}
