/**
 * `npm run demo -- [options]`: what the demo publisher does, from flags and environment variables.
 */
import { parseArgs } from 'node:util';
import { errorText } from '../../electron/core/errors/error-text';
import { defaultTenantLoads, parseTenantLoads, type SpikeOptions, type TenantLoad } from './tenant-load';

export interface DemoOptions {
  amqpUrl: string;
  managementUrl: string;
  /** the console's OFREP endpoint; null: start an embedded flag server */
  ofrep: string | null;
  ofrepToken: string | undefined;
  /** gate the publisher by Unleash instead (its Node SDK): base URL and a backend token */
  unleash: { url: string; token: string } | null;
  /** embedded flag server: its data dir (null: a temp dir) and port */
  dataDir: string | null;
  ofrepPort: number;
  flags: boolean;
  tenants: TenantLoad[];
  spike: SpikeOptions | null;
  channelLeak: boolean;
  metricsPort: number;
  maxInFlight: number;
  statusEverySec: number;
}

export const DEMO_USAGE = `usage: npm run demo -- [options]

  --amqp <url>           RabbitMQ AMQP URL (env SWITCHBOARD_DEMO_AMQP; default amqp://guest:guest@127.0.0.1:5672)
  --management <url>     management API (env SWITCHBOARD_DEMO_MANAGEMENT; default http://127.0.0.1:15672)
  --ofrep <url>          an already running console's OFREP endpoint, e.g. http://127.0.0.1:8016/ofrep/v1
                         (env OFREP_ENDPOINT); without it the demo starts the console itself
  --ofrep-token <token>  bearer token for the OFREP server (env SWITCHBOARD_OFREP_TOKEN)
  --unleash <url>        gate by Unleash instead, through its Node SDK (backend token in env
                         SWITCHBOARD_DEMO_UNLEASH_TOKEN); flip tenants from a console profile on that Unleash
  --data-dir <dir>       the console's data directory (default: a temporary one)
  --ofrep-port <port>    the console's OFREP port (default 0: a free one)
  --no-flags             publish without a kill switch (no gate)
  --tenants <n|list>     number of tenants (default 30: acme 200/s, globex 100/s, initech 50/s, the rest 1-8/s)
                         or a list "acme=200,globex=50,initech=5"
  --scale <x>            multiply every rate (default 1)
  --spike-after <s>      the spike starts after s seconds (default 30; 0 = at once; "off" = none)
  --no-spike             no spike (as the console's serve)
  --spike-tenant <id>    default acme
  --spike-factor <x>     default 15
  --leak                 channel-leak mode: a new channel per publish, never closed (the original bug)
  --metrics-port <port>  /metrics on 127.0.0.1 (default 9464; 0 = a free port)
  --max-in-flight <n>    unconfirmed publishes at most (default 1000)
  --status-every <s>     print a status line every s seconds (default 5)
  -h, --help`;

export class UsageError extends Error {}

export function parseDemoOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): DemoOptions | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(errorText(error));
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const scale = number(v.scale ?? '1', '--scale', 0);
  const tenantsSpec = v.tenants ?? '30';
  let tenants: TenantLoad[];
  try {
    tenants = /^\d+$/.test(tenantsSpec)
      ? defaultTenantLoads(Number(tenantsSpec), scale)
      : parseTenantLoads(tenantsSpec).map((t) => ({ ...t, rate: t.rate * scale }));
  } catch (error) {
    throw new UsageError(`--tenants: ${errorText(error)}`);
  }
  if (tenants.length === 0) throw new UsageError('--tenants: at least one tenant');
  // As `npm run serve`: 0 spikes at once, "off" (or --no-spike) never.
  const noSpike = v['no-spike'] === true || v['spike-after'] === 'off';
  const spikeAfter = noSpike ? 0 : number(v['spike-after'] ?? '30', '--spike-after', 0);
  return {
    amqpUrl: v.amqp ?? env.SWITCHBOARD_DEMO_AMQP ?? 'amqp://guest:guest@127.0.0.1:5672',
    managementUrl: v.management ?? env.SWITCHBOARD_DEMO_MANAGEMENT ?? 'http://127.0.0.1:15672',
    ofrep: v.ofrep ?? env.OFREP_ENDPOINT ?? null,
    ofrepToken: v['ofrep-token'] ?? env.SWITCHBOARD_OFREP_TOKEN,
    unleash: unleashOption(v.unleash, env),
    dataDir: v['data-dir'] ?? null,
    ofrepPort: port(v['ofrep-port'] ?? '0', '--ofrep-port'),
    flags: !v['no-flags'],
    tenants,
    spike: !noSpike
      ? {
          tenantId: v['spike-tenant'] ?? 'acme',
          afterMs: spikeAfter * 1000,
          factor: number(v['spike-factor'] ?? '15', '--spike-factor', 1),
        }
      : null,
    channelLeak: Boolean(v.leak),
    metricsPort: port(v['metrics-port'] ?? '9464', '--metrics-port'),
    maxInFlight: number(v['max-in-flight'] ?? '1000', '--max-in-flight', 1),
    statusEverySec: number(v['status-every'] ?? '5', '--status-every', 0.5),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      amqp: { type: 'string' },
      management: { type: 'string' },
      ofrep: { type: 'string' },
      'ofrep-token': { type: 'string' },
      unleash: { type: 'string' },
      'data-dir': { type: 'string' },
      'ofrep-port': { type: 'string' },
      'no-flags': { type: 'boolean' },
      tenants: { type: 'string' },
      scale: { type: 'string' },
      'spike-after': { type: 'string' },
      'no-spike': { type: 'boolean' },
      'spike-tenant': { type: 'string' },
      'spike-factor': { type: 'string' },
      leak: { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'status-every': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function number(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new UsageError(`${flag}: "${text}" is not a number ≥ ${min}`);
  return value;
}

function port(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new UsageError(`${flag}: "${text}" is not a port`);
  return value;
}

/** amqp://guest:secret@h:5672 → amqp://guest:***@h:5672, for printing. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

function unleashOption(
  url: string | undefined,
  env: NodeJS.ProcessEnv,
): { url: string; token: string } | null {
  if (!url) return null;
  const token = env.SWITCHBOARD_DEMO_UNLEASH_TOKEN;
  if (!token) throw new UsageError('--unleash needs a backend token in SWITCHBOARD_DEMO_UNLEASH_TOKEN');
  return { url, token };
}
