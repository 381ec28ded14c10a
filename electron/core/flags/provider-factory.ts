import type { FlagProviderConfig } from '../profiles/profile-schema';
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
