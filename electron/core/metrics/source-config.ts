import { z } from 'zod';

/**
 * Which metrics sources a console watches. Credentials never live here: a RabbitMQ password comes
 * from the URL's userinfo only when the caller put it there, otherwise from the secret store/env.
 */
const httpUrl = z.url({ protocol: /^https?$/ });

export const sourceConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('simulated'),
      tenants: z.number().int().min(1).max(100_000).optional(),
      spikeAfterMs: z.number().int().min(0).nullable().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('rabbitmq'),
      id: z.string().min(1).optional(),
      url: httpUrl,
      username: z.string().optional(),
      password: z.string().optional(),
      vhost: z.string().optional(),
      tenantRules: z
        .array(
          z
            .object({ from: z.enum(['queue', 'vhost', 'user', 'connection']), pattern: z.string().min(1) })
            .strict(),
        )
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('prometheus'),
      id: z.string().min(1).optional(),
      url: httpUrl,
      query: z.string().min(1).optional(),
      tenantLabel: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('scrape'),
      id: z.string().min(1).optional(),
      url: httpUrl,
      counter: z.string().min(1).optional(),
      tenantLabel: z.string().min(1).optional(),
    })
    .strict(),
]);

export type SourceConfig = z.infer<typeof sourceConfigSchema>;

/** The source whose per-tenant rates drive the table: an application counter beats the broker's view. */
const RATE_PREFERENCE: SourceConfig['kind'][] = ['prometheus', 'scrape', 'rabbitmq', 'simulated'];

export function rateSourceIndex(configs: readonly SourceConfig[]): number {
  for (const kind of RATE_PREFERENCE) {
    const index = configs.findIndex(
      (c) =>
        c.kind === kind && (kind !== 'rabbitmq' || (c as { tenantRules?: unknown[] }).tenantRules?.length),
    );
    if (index >= 0) return index;
  }
  return -1;
}
