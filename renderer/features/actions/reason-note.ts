/**
 * Where a change's reason ends up, when that is not where the operator would expect it. Every
 * reason goes to Switchboard's audit; LaunchDarkly also gets it as the change's comment, and Unleash
 * gets it on the strategy it edits for a tenant. Unleash's environment on/off endpoints take no body
 * at all (see unleash-flag-provider.ts setFlagEnabled), so for a flag-wide on/off its event log has
 * only the token or user that made the call — the dialog says so before anyone relies on it.
 */
import type { ChangeIntent } from './actions-store';

export function reasonNote(providerKind: string | undefined, intent: ChangeIntent): string | null {
  if (providerKind !== 'unleash' || intent.kind !== 'flag-enabled') return null;
  const state = intent.enabled ? 'on' : 'off';
  return `Unleash records who turned ${intent.flag.key} ${state} (the token or user) but not why; the reason is kept in Switchboard's audit.`;
}
