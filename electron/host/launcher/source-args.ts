import { errorText } from '../../core/errors/error-text';
import { type SourceConfig, sourceConfigSchema } from '../../core/metrics/source-config';
import { issueTexts } from '../../core/storage/zod-issue-text';

/** The metrics-source flags of `npm run serve` (and `npm start`), parsed and validated. */
export interface SourceFlags {
  rabbitmq?: string;
  rabbitmqTenantRules: string[];
  prometheus?: string;
  prometheusQuery?: string;
  scrape?: string;
  simulated: boolean;
}

export const SOURCE_USAGE = `  --rabbitmq <url>    watch a RabbitMQ management API, e.g. http://guest@127.0.0.1:15672
                      (password from the URL or SWITCHBOARD_RABBITMQ_PASSWORD)
  --rabbitmq-tenant-rule <from>:<regex>
                      per-tenant rates from the broker: from = queue|vhost|user|connection,
                      regex with a capture group, e.g. 'queue:^events\\.(.+)$' (repeatable)
  --prometheus <url>  per-tenant rates from Prometheus, e.g. http://127.0.0.1:9090
  --prometheus-query <promql>
                      default: sum by (tenant) (rate(events_published_total[30s]))
  --scrape <url>      per-tenant rates from a service's /metrics (events_published_total{tenant})
  --simulated         keep the simulated workload beside real sources`;

/**
 * No source flag at all: undefined, and the console runs its active profile (profiles.json; the
 * built-in "local" one is the simulated workload). Source flags make a command-line profile for this
 * launch: real sources, plus the simulated workload only when asked for. Per-tenant rates come from
 * the best source given (see rateSourceIndex).
 */
export function sourceConfigs(flags: SourceFlags, env: NodeJS.ProcessEnv): SourceConfig[] | undefined {
  if (!flags.rabbitmq && !flags.prometheus && !flags.scrape && !flags.simulated) return undefined;
  const configs: unknown[] = [];
  if (flags.prometheus)
    configs.push({ kind: 'prometheus', url: flags.prometheus, query: flags.prometheusQuery });
  if (flags.scrape) configs.push({ kind: 'scrape', url: flags.scrape });
  if (flags.rabbitmq) configs.push(rabbitmqConfig(flags, env));
  if (configs.length === 0 || flags.simulated) configs.push({ kind: 'simulated' });
  return configs.map((config, i) => {
    const parsed = sourceConfigSchema.safeParse(dropUndefined(config));
    if (!parsed.success) {
      throw new Error(`source ${i + 1}: ${issueTexts(parsed.error).join('; ')}`);
    }
    return parsed.data;
  });
}

function rabbitmqConfig(flags: SourceFlags, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const tenantRules = flags.rabbitmqTenantRules.map(parseTenantRule);
  const password = new URL(flags.rabbitmq!).password ? undefined : env.SWITCHBOARD_RABBITMQ_PASSWORD;
  return {
    kind: 'rabbitmq',
    url: flags.rabbitmq,
    password,
    tenantRules: tenantRules.length ? tenantRules : undefined,
  };
}

function parseTenantRule(text: string): { from: string; pattern: string } {
  const colon = text.indexOf(':');
  if (colon < 1)
    throw new Error(`--rabbitmq-tenant-rule must be <from>:<regex>, got ${JSON.stringify(text)}`);
  const pattern = text.slice(colon + 1);
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new Error(`--rabbitmq-tenant-rule ${JSON.stringify(text)}: ${errorText(error)}`);
  }
  return { from: text.slice(0, colon), pattern };
}

function dropUndefined(value: unknown): unknown {
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined),
  );
}
