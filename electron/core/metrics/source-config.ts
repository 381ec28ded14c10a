import { z } from 'zod';
import { tenantPatternProblem } from './rabbitmq/tenant-pattern';

/**
 * Which metrics sources a console watches. A password never stays in a URL: a saved profile refuses
 * one (the secret store holds it), and a command-line URL's password is moved into the in-memory
 * `password` field (see `movePasswordOutOfUrl`) before anything is shown or logged.
 */
const httpUrl = z.url({ protocol: /^https?$/ });

/** A tenant rule's regular expression, checked here so a bad one is an invalid field, not a crash later. */
const tenantPattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    const problem = pattern === '' ? null : tenantPatternProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

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
            .object({ from: z.enum(['queue', 'vhost', 'user', 'connection']), pattern: tenantPattern })
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

// ── Passwords in URLs ────────────────────────────────────────────────────────────────────────────

/** `http://user:secret@host` carries a password; `http://user@host` (a username alone) does not. */
export function urlHasPassword(url: string): boolean {
  return URL.canParse(url) && new URL(url).password !== '';
}

/** The URL with its password removed (the username, which is not a secret, stays). */
export function withoutUrlPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '';
  return parsed.href;
}

/**
 * A command-line source whose URL carries a password (`--rabbitmq http://user:pass@host`): the
 * password moves to the source's in-memory `password` (an explicit one wins) and leaves the URL, so no
 * view, label or message built from the URL can show it. Prometheus and scrape sources take no
 * credentials at all, so a password in their URL is refused rather than silently dropped.
 */
export function movePasswordOutOfUrl(config: SourceConfig): SourceConfig {
  if (config.kind === 'simulated' || !urlHasPassword(config.url)) return config;
  if (config.kind !== 'rabbitmq') {
    throw new Error(
      `the ${config.kind} URL ${withoutUrlPassword(config.url)} carries a password: ${config.kind} sources take no credentials; remove it from the URL`,
    );
  }
  const password = decodeURIComponent(new URL(config.url).password);
  return { ...config, url: withoutUrlPassword(config.url), password: config.password ?? password };
}
