import { z } from 'zod';
import { sourceConfigSchema, urlHasPassword } from '../metrics/source-config';

/**
 * A connection profile: which flag system and which metrics sources, and how careful to be. No
 * secret is ever part of a profile: tokens and passwords live in the host's secret store under
 * `<profile>.<secret>` names and only "configured: yes/no" crosses to the UI.
 */
const httpUrl = z.url({ protocol: /^https?$/ });

export const flagProviderConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }).strict(),
  z
    .object({
      kind: z.literal('unleash'),
      url: httpUrl,
      project: z.string().min(1).max(100).default('default'),
      environment: z.string().min(1).max(100).default('development'),
      contextField: z.string().min(1).max(100).default('customerId'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('launchdarkly'),
      baseUrl: httpUrl.optional(),
      project: z.string().min(1).max(100),
      environment: z.string().min(1).max(100),
      contextKind: z.string().min(1).max(100).default('tenant'),
    })
    .strict(),
]);

/**
 * Sources in a profile carry no password — neither in a field nor in a URL's userinfo, which would
 * land in profiles.json and in the renderer: the RabbitMQ one comes from the secret store.
 */
const profileSourceSchema = sourceConfigSchema
  .refine((source) => source.kind !== 'rabbitmq' || source.password === undefined, {
    message: 'a profile never holds a password: set it as the profile secret "rabbitmqPassword"',
    path: ['password'],
  })
  .refine((source) => source.kind === 'simulated' || !urlHasPassword(source.url), {
    message:
      'a profile never holds a password in a URL: remove it from the URL (user@host is fine) and type it in the RabbitMQ password field, which keeps it in the secret store',
    path: ['url'],
  });

/** A flag system's URL with a password would be saved in profiles.json: the API token is the secret. */
const profileFlagsSchema = flagProviderConfigSchema.superRefine((flags, ctx) => {
  const [field, url] =
    flags.kind === 'unleash'
      ? ['url', flags.url]
      : flags.kind === 'launchdarkly'
        ? ['baseUrl', flags.baseUrl]
        : [];
  if (field && url && urlHasPassword(url)) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message:
        'a profile never holds a password in a URL: remove it, and put the API token in the token field (kept in the secret store)',
    });
  }
});

export const profileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/, 'letters, digits and . _ - (up to 48)');

export const profileSchema = z
  .object({
    name: profileNameSchema,
    /** flips ask for a confirmation naming the tenant */
    production: z.boolean().default(false),
    /** every write control is disabled and every write refused */
    readOnly: z.boolean().default(false),
    flags: profileFlagsSchema,
    sources: z
      .array(profileSourceSchema)
      .max(8)
      .default([{ kind: 'simulated' }]),
  })
  .strict();

export const profilesFileSchema = z
  .object({ active: profileNameSchema, profiles: z.array(profileSchema).min(1) })
  .strict()
  .refine((file) => file.profiles.some((p) => p.name === file.active), {
    message: 'active must name one of the profiles',
    path: ['active'],
  })
  .refine((file) => new Set(file.profiles.map((p) => p.name)).size === file.profiles.length, {
    message: 'profile names must be unique',
    path: ['profiles'],
  });

export type FlagProviderConfig = z.infer<typeof flagProviderConfigSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type ProfilesFile = z.infer<typeof profilesFileSchema>;

/** The secrets a profile may need, by the name the UI and the secret store use. */
export const PROFILE_SECRETS = ['flagToken', 'rabbitmqPassword'] as const;
export type ProfileSecret = (typeof PROFILE_SECRETS)[number];

export const secretKey = (profile: string, secret: ProfileSecret): string => `${profile}.${secret}`;

/**
 * The profile `npm run serve -- --rabbitmq …` builds from its flags for one launch: the local profile
 * (embedded flags) with the command line's sources, never saved.
 */
export const COMMAND_LINE_PROFILE_NAME = 'command-line';

export const LOCAL_PROFILE: Profile = {
  name: 'local',
  production: false,
  readOnly: false,
  flags: { kind: 'embedded' },
  sources: [{ kind: 'simulated' }],
};
