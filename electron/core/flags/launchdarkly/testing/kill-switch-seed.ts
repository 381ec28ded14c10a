import type { EnvironmentSeed, FlagSeed } from './ld-contract-server';

/**
 * The contract server's `publish-events` kill switch as most tests want it: on in production,
 * serving true (variation 0) by default and false (variation 1) when off.
 */
export function killSwitchSeed(production: EnvironmentSeed = {}): FlagSeed {
  return {
    key: 'publish-events',
    tags: ['kill-switch'],
    variations: [{ value: true }, { value: false }],
    environments: { production: { on: true, fallthrough: 0, offVariation: 1, ...production } },
  };
}
