import { withoutUrlPassword } from '../metrics/source-config';
import type { Profile } from './profile-schema';

/**
 * A profile as it may leave the main process: no source password (a command-line source keeps the
 * one from its URL or the environment in memory) and no password in any URL. Saved profiles cannot
 * hold either; this is the last line for the ones that are built in memory.
 */
export function redactedProfile(profile: Profile): Profile {
  return {
    ...profile,
    flags: redactedFlags(profile.flags),
    sources: profile.sources.map((source) => {
      if (source.kind === 'simulated') return source;
      const url = withoutUrlPassword(source.url);
      return source.kind === 'rabbitmq' ? { ...source, url, password: undefined } : { ...source, url };
    }),
  };
}

function redactedFlags(flags: Profile['flags']): Profile['flags'] {
  if (flags.kind === 'unleash') return { ...flags, url: withoutUrlPassword(flags.url) };
  if (flags.kind === 'launchdarkly' && flags.baseUrl)
    return { ...flags, baseUrl: withoutUrlPassword(flags.baseUrl) };
  return flags;
}

/** Whether a source of the profile holds a password in memory (command line: URL or environment). */
export function hasInMemoryPassword(profile: Profile): boolean {
  return profile.sources.some((source) => source.kind === 'rabbitmq' && source.password !== undefined);
}
