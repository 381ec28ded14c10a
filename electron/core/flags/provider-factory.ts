import type { FlagProviderConfig } from '../profiles/profile-schema';
import { EmbeddedFlagProvider } from './embedded/embedded-flag-provider';
import type { FlagProvider } from './flag-provider';
import { LaunchDarklyFlagProvider } from './launchdarkly/launchdarkly-flag-provider';
import { UnleashFlagProvider } from './unleash/unleash-flag-provider';

export interface ProviderDeps {
  dataDir: string;
  /** the profile's flag API token from the secret store (never logged) */
  token: string | null;
}

/** One place that knows every kind of flag provider: adding one is a folder plus one case here. */
export async function createProvider(config: FlagProviderConfig, deps: ProviderDeps): Promise<FlagProvider> {
  switch (config.kind) {
    case 'embedded':
      return EmbeddedFlagProvider.open({ dataDir: deps.dataDir });
    case 'launchdarkly': {
      const provider = new LaunchDarklyFlagProvider({
        ...config,
        token: requireToken('LaunchDarkly', deps.token),
      });
      return loaded(provider);
    }
    case 'unleash':
      return loaded(new UnleashFlagProvider({ ...config, token: requireToken('Unleash', deps.token) }));
  }
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
