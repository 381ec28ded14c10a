import type { AuditEntry } from '../api';

/**
 * Where a change is made: the connection profile and its provider's environment. Two profiles may
 * use the same kind of provider (two LaunchDarkly projects, production and staging), so the kind
 * alone cannot say whether an audit entry belongs to the active profile.
 */
export interface ChangeOrigin {
  profile: string | null;
  /** null where the provider has one environment (the embedded store) */
  environment: string | null;
}

/** For services built without a profile (tests, tools): entries then name no profile. */
export const NO_ORIGIN: ChangeOrigin = { profile: null, environment: null };

/** A connection profile's origin: its name, and its flag provider's environment where it has one. */
export function originOf(profile: {
  name: string;
  flags: { kind: string; environment?: string };
}): ChangeOrigin {
  return { profile: profile.name, environment: profile.flags.environment ?? null };
}

/** The entry was made in this origin (entries written before origins were recorded name none). */
export function madeIn(entry: Pick<AuditEntry, 'profile' | 'environment'>, origin: ChangeOrigin): boolean {
  return (entry.profile ?? null) === origin.profile && (entry.environment ?? null) === origin.environment;
}

/**
 * The entry was made on the flag store these services write to, so theirs to settle after a crash.
 * The embedded store is one per data directory whichever profile wrote to it (an earlier launch's
 * command-line profile, say); a remote provider's entries are known by the profile and environment
 * that made them. Entries that name no profile (older versions) are nobody's.
 */
export function madeOnStore(
  entry: Pick<AuditEntry, 'provider' | 'profile' | 'environment'>,
  providerKind: string,
  origin: ChangeOrigin,
): boolean {
  if (entry.provider !== providerKind) return false;
  if (providerKind === 'embedded') return entry.profile != null;
  return madeIn(entry, origin);
}

/** 'profile "ld-prod" (environment production)', for messages. */
export function originText(origin: ChangeOrigin): string {
  const profile = origin.profile === null ? 'an unnamed profile' : `profile "${origin.profile}"`;
  return origin.environment === null ? profile : `${profile} (environment ${origin.environment})`;
}
