import { describe, expect, it } from 'vitest';
import type { FlagInfo } from '../../../electron/core/api';
import { sortFlags, stopsEveryone } from './flag-list';

const flag = (key: string, kind: FlagInfo['kind']): FlagInfo => ({
  key,
  kind,
  description: '',
  enabled: true,
  valueType: 'boolean',
  variants: { on: true, off: false },
  defaultVariant: 'on',
  offValue: false,
});

describe('sortFlags', () => {
  it('puts kill switches first, then release, then operational flags, each by key', () => {
    const sorted = sortFlags([
      flag('batch-size', 'operational'),
      flag('new-ui', 'release'),
      flag('publish-events', 'kill-switch'),
      flag('beta-export', 'release'),
      flag('accept-webhooks', 'kill-switch'),
    ]);
    expect(sorted.map((f) => f.key)).toEqual([
      'accept-webhooks',
      'publish-events',
      'beta-export',
      'new-ui',
      'batch-size',
    ]);
  });
});

describe('stopsEveryone', () => {
  it("is true only for a kill switch whose off value is false (LaunchDarkly, Unleash), not flagd's default true", () => {
    expect(stopsEveryone(flag('publish-events', 'kill-switch'))).toBe(true);
    expect(stopsEveryone({ ...flag('publish-events', 'kill-switch'), offValue: true })).toBe(false);
    expect(stopsEveryone({ ...flag('publish-events', 'kill-switch'), offValue: null })).toBe(false);
    expect(stopsEveryone(flag('new-ui', 'release'))).toBe(false);
  });
});
