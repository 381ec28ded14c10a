import type { KillSwitchFlag } from '../../api';
import type { FlagsDocument } from './flags-file-schema';

export const FLAGD_SCHEMA_URL = 'https://flagd.dev/schema/v0/flags.json';

/** The kill switch every tenant row shows; the traffic view reads it by this key. */
export const KILL_SWITCH_FLAG: KillSwitchFlag = 'publish-events';

/**
 * What a fresh data directory starts with: the kill switch, and two release flags so that the
 * customer-success path (turn a feature on for one account) has something to work with.
 */
export function defaultFlagsDocument(): FlagsDocument {
  return {
    $schema: FLAGD_SCHEMA_URL,
    flags: {
      [KILL_SWITCH_FLAG]: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'on',
        metadata: { kind: 'kill-switch', description: 'Tenant may publish events (false = stop publishing)' },
      },
      'new-dashboard': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        metadata: { kind: 'release', description: 'New dashboard for the tenant’s users' },
      },
      'export-format': {
        state: 'ENABLED',
        variants: { csv: 'csv', parquet: 'parquet' },
        defaultVariant: 'csv',
        metadata: { kind: 'release', description: 'File format of the tenant’s data exports' },
      },
    },
  };
}

export function serializeFlagsDocument(document: FlagsDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
