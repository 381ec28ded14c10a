/**
 * Which flag store a profile's changes land in. Time boxes belong to the store, not to the profile:
 * every embedded profile writes the same `flags.json`, and two profiles may point at the same Unleash
 * project or LaunchDarkly environment, so a time box set through one must run through any of them.
 */
import { createHash } from 'node:crypto';
import type { FlagProviderConfig } from './profile-schema';

/** The embedded store's time boxes keep the file name they always had. */
export const EMBEDDED_TIME_BOX_FILE = 'pending-reverts.json';

const LAUNCHDARKLY_DEFAULT_URL = 'https://app.launchdarkly.com';

/**
 * The store, as one exact string: the embedded one (one per data directory), or a remote provider's
 * server, project and environment. How a tenant is targeted there (context field or kind) does not
 * change which flags are written.
 */
export function flagStoreIdentity(flags: FlagProviderConfig): string {
  switch (flags.kind) {
    case 'embedded':
      return 'embedded';
    case 'unleash':
      return JSON.stringify(['unleash', serverOf(flags.url), flags.project, flags.environment]);
    case 'launchdarkly':
      return JSON.stringify([
        'launchdarkly',
        serverOf(flags.baseUrl ?? LAUNCHDARKLY_DEFAULT_URL),
        flags.project,
        flags.environment,
      ]);
  }
}

export function sameFlagStore(a: FlagProviderConfig, b: FlagProviderConfig): boolean {
  return flagStoreIdentity(a) === flagStoreIdentity(b);
}

/**
 * `<dataDir>/<this>` holds the store's pending time boxes: `pending-reverts.json` for the embedded
 * store, else `pending-reverts@unleash-<host>-<project>-<environment>-<hash>.json` — readable, safe in
 * any file system, and unique through the hash of the exact identity (the readable part folds case
 * and punctuation). The `@` keeps it apart from the per-profile files older versions wrote
 * (`pending-reverts.<profile>.json`; profile names have no `@`).
 */
export function timeBoxFileName(flags: FlagProviderConfig): string {
  if (flags.kind === 'embedded') return EMBEDDED_TIME_BOX_FILE;
  const identity = flagStoreIdentity(flags);
  const [kind, server, project, environment] = JSON.parse(identity) as string[];
  const readable = [kind, new URL(server!).host, project, environment]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '_')
    .slice(0, 80);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 12);
  return `pending-reverts@${readable}-${hash}.json`;
}

/**
 * The profile whose time boxes an older version kept in this file (`pending-reverts.<profile>.json`),
 * or null when it is not one. (The local profile's was `pending-reverts.json`, the embedded store's now:
 * see foldLocalTimeBoxes, which moves it once when local is not on the embedded store.)
 */
export function legacyTimeBoxProfile(fileName: string): string | null {
  const match = /^pending-reverts\.([A-Za-z0-9][A-Za-z0-9._-]{0,47})\.json$/.exec(fileName);
  return match?.[1] ?? null;
}

/** Where a URL's flags live: scheme, host, port and path — never a user name (nor a password). */
function serverOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}
