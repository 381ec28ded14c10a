/** The short name a provider's rows are tagged with ("Unleash", "LaunchDarkly"), from the app info. */
import type { AppInfo } from '../../../electron/core/api';

/**
 * The first word of the active provider's label ("Unleash 127.0.0.1:4242 (production)" → "Unleash");
 * the kind itself for a provider that is not the active one.
 */
export function providerName(kind: string, flagProvider: AppInfo['flagProvider'] | null | undefined): string {
  if (flagProvider && flagProvider.kind === kind) {
    const first = flagProvider.label.trim().split(/\s+/)[0];
    if (first) return first;
  }
  return kind;
}
