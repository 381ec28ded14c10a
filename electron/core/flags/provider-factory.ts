import type { FlagProviderConfig } from '../profiles/profile-schema';
import { ConnectingFlagProvider, type RetryDelays } from './connecting-flag-provider';
import { EmbeddedFlagProvider } from './embedded/embedded-flag-provider';
import type { FlagProvider } from './flag-provider';
import { LaunchDarklyFlagProvider } from './launchdarkly/launchdarkly-flag-provider';
import { UnleashFlagProvider } from './unleash/unleash-flag-provider';

export interface ProviderDeps {
  dataDir: string;
  /** the profile's flag API token from the secret store (never logged) */
  token: string | null;
  /**
   * What a provider wants a human to know without failing a call (a concurrent edit it kept, a poll
   * that failed or recovered). Default: the process log. Failures that last are `problem()` as well,
   * which the flags status shows.
   */
  onNotice?: (notice: string) => void;
}

/** One place that knows every kind of flag provider: adding one is a folder plus one case here. */
export async function createProvider(config: FlagProviderConfig, deps: ProviderDeps): Promise<FlagProvider> {
  switch (config.kind) {
    case 'embedded':
      return EmbeddedFlagProvider.open({ dataDir: deps.dataDir });
    case 'launchdarkly': {
      const notify = deps.onNotice ?? logNotice;
      const provider: LaunchDarklyFlagProvider = new LaunchDarklyFlagProvider({
        ...config,
        token: requireToken('LaunchDarkly', deps.token),
        onNotice: (notice) => notify(`${provider.label}: ${notice}`),
      });
      return loaded(provider);
    }
    case 'unleash':
      return loaded(new UnleashFlagProvider({ ...config, token: requireToken('Unleash', deps.token) }));
  }
}

export interface KeepConnectingDeps extends Omit<ProviderDeps, 'token'> {
  /** read again for every attempt: a token saved meanwhile is used by the next one */
  token: () => Promise<string | null>;
  retry?: RetryDelays;
  /** the real provider took over from the stand-in */
  onConnected?: (provider: FlagProvider) => void;
}

/**
 * The active profile's provider at launch. A remote flag system that cannot be reached (down, a bad
 * or missing token) must not keep the console from starting — the person needs it to switch profile:
 * the provider is then one that keeps connecting in the background and says why it is not yet.
 * The embedded store has nothing to wait for: its failures are reported as they are.
 */
export async function createProviderOrKeepConnecting(
  config: FlagProviderConfig,
  deps: KeepConnectingDeps,
): Promise<FlagProvider> {
  const connect = () => createQuietly(config, deps);
  try {
    return await connect();
  } catch (firstError) {
    if (config.kind === 'embedded') throw firstError;
    return new ConnectingFlagProvider({
      ...describeRemote(config),
      connect,
      firstError,
      retry: deps.retry,
      onConnected: deps.onConnected,
    });
  }
}

/**
 * One attempt. A provider's notices while it loads are kept until it has loaded: an attempt that
 * fails is said once, by the stand-in's problem(), not again in the log every few seconds.
 */
async function createQuietly(config: FlagProviderConfig, deps: KeepConnectingDeps): Promise<FlagProvider> {
  const notify = deps.onNotice ?? logNotice;
  const held: string[] = [];
  let loaded = false;
  const provider = await createProvider(config, {
    ...deps,
    token: await deps.token(),
    onNotice: (notice) => (loaded ? notify(notice) : held.push(notice)),
  });
  loaded = true;
  for (const notice of held) notify(notice);
  return provider;
}

/** Kind, label (as the provider will call itself) and where it connects — no credentials. */
function describeRemote(config: Exclude<FlagProviderConfig, { kind: 'embedded' }>): {
  kind: string;
  label: string;
  target: string;
} {
  if (config.kind === 'launchdarkly') {
    const url = withoutCredentials(config.baseUrl ?? LAUNCHDARKLY_URL);
    return {
      kind: 'launchdarkly',
      label: `LaunchDarkly ${config.project}/${config.environment}`,
      target: `LaunchDarkly at ${url}`,
    };
  }
  return {
    kind: 'unleash',
    label: `Unleash ${new URL(config.url).host} (${config.environment})`,
    target: `Unleash at ${withoutCredentials(config.url)}`,
  };
}

const LAUNCHDARKLY_URL = 'https://app.launchdarkly.com';

function withoutCredentials(text: string): string {
  const url = new URL(text);
  url.username = '';
  url.password = '';
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function logNotice(notice: string): void {
  console.warn(`switchboard: ${notice}`);
}

export function requireToken(kind: string, token: string | null): string {
  if (!token) throw new Error(`${kind}: no API token is set for this profile (profile secret "flagToken")`);
  return token;
}

/** A remote provider answers `valuesFor` from its last listing: list once before the first tick. */
async function loaded(provider: FlagProvider): Promise<FlagProvider> {
  try {
    await provider.listFlags();
    return provider;
  } catch (error) {
    await provider.close();
    throw error;
  }
}
