import { access, constants } from 'node:fs/promises';
import type { ConnectionTest } from '../api';
import { createProvider } from '../flags/provider-factory';
import { createSource } from '../metrics/source-factory';
import type { Profile } from './profile-schema';

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
 * "Test connection": open the profile's flag provider and read its flags, then sample each metrics
 * source once — without touching the running session. Each part says what works and what does not.
 */
export async function testProfile(profile: Profile, deps: ProfileCheckDeps): Promise<ConnectionTest> {
  const checks = [await checkFlags(profile, deps)];
  for (const config of profile.sources) {
    const withPassword =
      config.kind === 'rabbitmq' && deps.rabbitmqPassword && !config.password
        ? { ...config, password: deps.rabbitmqPassword }
        : config;
    checks.push(await checkSource(withPassword));
  }
  return { ok: checks.every((c) => c.ok), checks };
}

async function checkFlags(profile: Profile, deps: ProfileCheckDeps) {
  const part = `flags (${profile.flags.kind})`;
  try {
    const provider = await createProvider(profile.flags, { dataDir: deps.dataDir, token: deps.token });
    try {
      const flags = await provider.listFlags();
      const problem = provider.problem?.() ?? null;
      return problem
        ? { part, ok: false, message: problem }
        : { part, ok: true, message: `${flags.length} flags · ${await canWrite(profile, deps.dataDir)}` };
    } finally {
      await provider.close();
    }
  } catch (error) {
    return { part, ok: false, message: (error as Error).message };
  }
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
    return { part, ok: false, message: (error as Error).message };
  }
}
