import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ConsoleCoreOptions } from '../../core/console-core.types';
import { errorText } from '../../core/errors/error-text';
import type { SourceConfig } from '../../core/metrics/source-config';
import { assertUsableToken } from '../../flag-server/bearer-token';
import { parseAllowedOrigin } from '../../flag-server/cors';
import { defaultDataDir } from './data-dir';
import { SOURCE_USAGE, sourceConfigs } from './source-args';

/**
 * The console's command line, the same for `npm run serve`, `npm start` and the Electron app: what
 * a host needs to start, checked before anything starts. Where a flag is not given, the
 * SWITCHBOARD_* variable of the same knob is read (a desktop launcher has no flags to give), then
 * the default.
 */

export interface ServeOptions {
  /** the web console's port (the Electron app has no use for it) */
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

export type ConsoleCommand = 'npm run serve' | 'npm start';

export function consoleUsage(command: ConsoleCommand): string {
  const what =
    command === 'npm start'
      ? 'Runs the Switchboard desktop app, or, where Electron cannot run, serves the same console\non http://127.0.0.1 for a browser.'
      : 'Serves the Switchboard console on http://127.0.0.1 for a browser.';
  const port = command === 'npm start' ? ' (browser only)' : '';
  const electron =
    command === 'npm start'
      ? `

Electron's, Chromium's and Node's own switches (--no-sandbox, --disable-gpu, --enable-logging,
--ozone-platform=wayland, --inspect=9229, --remote-debugging-port=9222, …) are passed on to
Electron, their values after "="; the browser console does not use them. Any other option is
refused.`
      : '';
  return `Usage: ${command} -- [options]

${what}

Options:
  --port <n>          console port${port} (default 7410; 0 picks a free port)
  --ofrep-port <n>    embedded flag server (OFREP) port (default 8016; 0 picks a free port;
                      or SWITCHBOARD_OFREP_PORT)
  --ofrep-token <t>   require this bearer token on the OFREP server; prefer the
                      SWITCHBOARD_OFREP_TOKEN variable (a flag shows in the process list)
  --ofrep-cors-origin <origin>
                      let browser pages from this origin read the OFREP server, e.g.
                      http://localhost:5173 (repeatable; default none; or
                      SWITCHBOARD_OFREP_CORS_ORIGINS, comma-separated)
  --data-dir <dir>    where flags, tenants, audit and settings live (default ${defaultDataDirText()})
  --tenants <n>       simulated tenants (default 50; or SWITCHBOARD_TENANTS)
  --spike-after <s>   seconds until the scripted demo spike (default 30; or
                      SWITCHBOARD_SPIKE_AFTER, "off" for none)
  --no-spike          do not script the demo spike
${SOURCE_USAGE}
  --help              show this help${electron}`;
}

function defaultDataDirText(): string {
  if (process.platform === 'win32') return '%APPDATA%\\Switchboard';
  if (process.platform === 'darwin') return '~/Library/Application Support/Switchboard';
  return '$XDG_CONFIG_HOME/Switchboard or ~/.config/Switchboard';
}

export const SERVE_USAGE = consoleUsage('npm run serve');
export const START_USAGE = consoleUsage('npm start');

export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

const MAX_TENANTS = 100_000;

/** Every option the console takes; the Electron app picks these out of its own argv (electron-args.ts). */
export const CONSOLE_OPTIONS = {
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
} as const satisfies ParseArgsConfig['options'];

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: CONSOLE_OPTIONS,
    }));
  } catch (error) {
    throw new ArgsError(`${parseErrorText(error as Error & { code?: string })} (--help lists the options)`);
  }
  if (values.help) return { help: true };
  const dataDir = values['data-dir'] as string | undefined;
  if (dataDir !== undefined && dataDir.trim() === '') throw new ArgsError('--data-dir must not be empty');
  return {
    help: false,
    port: integerOption('--port', values.port, 7410, 0, 65_535),
    ofrepPort: integerOption(
      ...flagOrEnv('--ofrep-port', values['ofrep-port'], env, 'SWITCHBOARD_OFREP_PORT'),
      8016,
      0,
      65_535,
    ),
    dataDir: dataDir ? resolve(dataDir) : defaultDataDir(env),
    tenants: integerOption(
      ...flagOrEnv('--tenants', values.tenants, env, 'SWITCHBOARD_TENANTS'),
      50,
      1,
      MAX_TENANTS,
    ),
    sources: parseSources(values, env),
    ofrepToken: ofrepToken(values['ofrep-token'] as string | undefined, env),
    ofrepCorsOrigins: corsOrigins(values['ofrep-cors-origin'] as string[] | undefined, env),
    spikeAfterMs: spikeAfterMs(values, env),
  };
}

/** What the core is started with, from the parsed command line; the host adds its own parts. */
export function consoleCoreOptions(
  args: ServeOptions,
  host: ConsoleCoreOptions['host'],
): Omit<ConsoleCoreOptions, 'secrets' | 'actor'> {
  return {
    dataDir: args.dataDir,
    host,
    tenants: args.tenants,
    ofrepPort: args.ofrepPort,
    ofrepToken: args.ofrepToken,
    ofrepCorsOrigins: args.ofrepCorsOrigins,
    spikeAfterMs: args.spikeAfterMs,
    sources: args.sources,
  };
}

/** node:util's messages, said for a person running a command rather than writing one. */
function parseErrorText(error: Error & { code?: string }): string {
  const first = error.message.split('\n')[0]!;
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(first)?.[1] ?? first;
    return `unknown option ${option}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const value = /'([^']+)'/.exec(first)?.[1] ?? first;
    return `unexpected argument "${value}": every option starts with --`;
  }
  return first;
}

/** The flag's value and name when given, else the variable's (its name then names the error). */
function flagOrEnv(
  flag: string,
  raw: unknown,
  env: NodeJS.ProcessEnv,
  variable: string,
): [name: string, raw: unknown] {
  if (raw !== undefined) return [flag, raw];
  const fromEnv = env[variable];
  return fromEnv ? [variable, fromEnv] : [flag, undefined];
}

function spikeAfterMs(values: Record<string, unknown>, env: NodeJS.ProcessEnv): number | null {
  if (values['no-spike']) return null;
  const [name, raw] = flagOrEnv('--spike-after', values['spike-after'], env, 'SWITCHBOARD_SPIKE_AFTER');
  if (name === 'SWITCHBOARD_SPIKE_AFTER' && String(raw).trim() === 'off') return null;
  return integerOption(name, raw, 30, 0, 86_400) * 1000;
}

function corsOrigins(flags: string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  if (flags?.length)
    return flags.map((origin) => checked('--ofrep-cors-origin', () => parseAllowedOrigin(origin)));
  const fromEnv = (env.SWITCHBOARD_OFREP_CORS_ORIGINS ?? '').split(',').filter((o) => o.trim() !== '');
  return fromEnv.map((origin) =>
    checked('SWITCHBOARD_OFREP_CORS_ORIGINS', () => parseAllowedOrigin(origin.trim())),
  );
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
    const message = errorText(error);
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
    throw new ArgsError(errorText(error));
  }
}
