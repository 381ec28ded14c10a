import { access, constants } from 'node:fs/promises';
import { ApiError, type ConnectionTest, type ParsedInput } from '../api';
import { errorText } from '../errors/error-text';
import type { FlagProvider } from '../flags/flag-provider';
import { LaunchDarklyFlagProvider } from '../flags/launchdarkly/launchdarkly-flag-provider';
import { createProvider } from '../flags/provider-factory';
import { createSource } from '../metrics/source-factory';
import type { Profile } from './profile-schema';
import type { ProfileStore } from './profile-store';

export interface ProfileCheckDeps {
  dataDir: string;
  token: string | null;
  rabbitmqPassword: string | null;
}

const noGate = {
  allowed: () => true,
  setTenants: () => {},
  onChange: () => () => {},
  close: async () => {},
};

/**
 * The `profiles.test` call: a saved profile by name, or a form's draft before it is saved. A draft
 * is refused as `profiles.save` would refuse it, yet nothing is stored and no session changes; a
 * secret the form left blank ("unchanged") is the one stored for the saved profile of that name.
 */
export async function testProfileInput(
  profiles: ProfileStore,
  input: ParsedInput<'profiles.test'>,
  dataDir: string,
): Promise<ConnectionTest> {
  if ('name' in input) {
    const profile = profiles.get(input.name);
    if (!profile) throw new ApiError('NOT_FOUND', `no profile "${input.name}"`);
    return testProfile(profile, { dataDir, ...(await storedSecrets(profiles, profile.name)) });
  }
  const draft = profiles.validate(input.profile);
  const stored = profiles.get(draft.name)
    ? await storedSecrets(profiles, draft.name)
    : { token: null, rabbitmqPassword: null };
  return testProfile(draft, {
    dataDir,
    token: input.secrets?.flagToken ?? stored.token,
    rabbitmqPassword: input.secrets?.rabbitmqPassword ?? stored.rabbitmqPassword,
  });
}

async function storedSecrets(profiles: ProfileStore, name: string) {
  return {
    token: await profiles.secret(name, 'flagToken'),
    rabbitmqPassword: await profiles.secret(name, 'rabbitmqPassword'),
  };
}

/**
 * "Test connection": open the profile's flag provider and read its flags, then sample each metrics
 * source once — without touching the running session. Each part says what works and what does not.
 */
export async function testProfile(profile: Profile, deps: ProfileCheckDeps): Promise<ConnectionTest> {
  const checks = [await checkFlags(profile, deps)];
  const secrets = [deps.token, deps.rabbitmqPassword];
  for (const config of profile.sources) {
    const withPassword =
      config.kind === 'rabbitmq' && deps.rabbitmqPassword && !config.password
        ? { ...config, password: deps.rabbitmqPassword }
        : config;
    if (withPassword.kind === 'rabbitmq') secrets.push(withPassword.password ?? null);
    checks.push(await checkSource(withPassword));
  }
  const redacted = checks.map((check) => ({ ...check, message: withoutSecrets(check.message, secrets) }));
  return { ok: checks.every((c) => c.ok), checks: redacted };
}

/**
 * A server's error body is quoted in the message, and a misconfigured one (a proxy, a login page)
 * may echo the credentials it was sent: the result goes to the renderer, so no secret stays in it.
 */
function withoutSecrets(message: string, secrets: (string | null | undefined)[]): string {
  let text = message;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) text = text.split(form).join('•••');
  }
  return text;
}

async function checkFlags(profile: Profile, deps: ProfileCheckDeps) {
  const part = `flags (${profile.flags.kind})`;
  try {
    const provider = await createProvider(profile.flags, { dataDir: deps.dataDir, token: deps.token });
    try {
      const flags = await provider.listFlags();
      const problem = provider.problem?.() ?? null;
      if (problem) return { part, ok: false, message: problem };
      const count = flags.length === 1 ? '1 flag' : `${flags.length} flags`;
      const found = [count, skippedFlags(provider), await canWrite(profile, deps.dataDir)];
      return { part, ok: true, message: found.filter(Boolean).join(' · ') };
    } finally {
      await provider.close();
    }
  } catch (error) {
    return { part, ok: false, message: errorText(error) };
  }
}

/**
 * Flags the provider lists but cannot show ("1 flag not shown: config-blob (JSON or mixed variations
 * are not supported)"): the test still passes — the others work — yet says which ones are missing.
 */
function skippedFlags(provider: FlagProvider): string | null {
  return provider instanceof LaunchDarklyFlagProvider ? provider.skippedFlagsSummary() : null;
}

/**
 * Whether writes would be allowed, as far as it can be known without writing. Neither Unleash nor
 * LaunchDarkly answers "may this token write?" short of a write (LaunchDarkly's roles can be custom
 * policies), so a reader token passes the test: say so rather than imply otherwise.
 */
async function canWrite(profile: Profile, dataDir: string): Promise<string> {
  if (profile.flags.kind !== 'embedded')
    return 'can write: not checked (the provider offers no check short of a write; a read-only token passes this test)';
  try {
    await access(dataDir, constants.W_OK);
    return 'can write: yes';
  } catch {
    return `can write: no (the data directory ${dataDir} is not writable)`;
  }
}

async function checkSource(config: Profile['sources'][number]) {
  const part = `metrics (${config.kind})`;
  try {
    const source = createSource(config, { gate: () => noGate, defaultTenants: 5, defaultSpikeAfterMs: null });
    try {
      await source.start();
      const sample = await source.sample(Date.now());
      const status = source.status();
      if (status.state === 'down') return { part, ok: false, message: status.message ?? 'down' };
      const what = [
        source.provides.tenantRates ? `${sample.rates.size} tenants` : null,
        sample.broker ? `broker ${sample.broker.version ?? ''}`.trim() : null,
      ].filter(Boolean);
      return { part, ok: true, message: what.join(', ') || 'answers' };
    } finally {
      await source.close();
    }
  } catch (error) {
    return { part, ok: false, message: errorText(error) };
  }
}
