import { describe, expect, it } from 'vitest';
import { defaultFlagsDocument } from '../core/flags/embedded/default-flags';
import type { FlagsDocument } from '../core/flags/embedded/flags-file-schema';
import { parseFlagsFile } from '../core/flags/embedded/parse-flags-file';
import { changedTargetingKeys } from './changed-targeting-keys';

const inList = (tenants: string[]) => ({ in: [{ var: 'targetingKey' }, tenants] });

/** The default flags with the kill switch's override lists (and optionally a rule after them). */
function snapshot(off: string[], on: string[] = [], edit: (d: FlagsDocument) => void = () => {}) {
  const document = defaultFlagsDocument();
  const clauses: unknown[] = [];
  if (off.length) clauses.push(inList(off), 'off');
  if (on.length) clauses.push(inList(on), 'on');
  if (clauses.length) document.flags['publish-events']!.targeting = { if: [...clauses, null] };
  edit(document);
  return parseFlagsFile('/flags.json', JSON.stringify(document));
}

describe('changedTargetingKeys', () => {
  it('names the tenants whose override was added, removed or moved', () => {
    const before = snapshot(['acme', 'globex'], ['initech']);
    const after = snapshot(['acme', 'initech'], ['hooli']);
    expect(changedTargetingKeys(before, after)?.sort()).toEqual(['globex', 'hooli', 'initech']);
  });

  it('names the tenant of the first override of a flag and of the last one removed (the first kill of an incident)', () => {
    expect(changedTargetingKeys(snapshot([]), snapshot(['acme']))).toEqual(['acme']);
    expect(changedTargetingKeys(snapshot(['acme']), snapshot([]))).toEqual(['acme']);
  });

  it('is empty when no override changed', () => {
    expect(changedTargetingKeys(snapshot(['acme']), snapshot(['acme']))).toEqual([]);
  });

  it.each([
    [
      'a default variant',
      snapshot(['acme']),
      snapshot(['acme'], [], (d) => {
        d.flags['publish-events']!.defaultVariant = 'off';
      }),
    ],
    [
      'a flag turned off',
      snapshot(['acme']),
      snapshot(['acme'], [], (d) => {
        d.flags['new-dashboard']!.state = 'DISABLED';
      }),
    ],
    [
      'a flag added',
      snapshot(['acme']),
      snapshot(['acme'], [], (d) => {
        d.flags.extra = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' };
      }),
    ],
    [
      'shared metadata',
      snapshot(['acme']),
      snapshot(['acme'], [], (d) => {
        d.metadata = { team: 'ops' };
      }),
    ],
  ])('gives no hint after %s', (_label, before, after) => {
    expect(changedTargetingKeys(before, after)).toBeNull();
  });

  it('gives no hint when more tenants changed than the limit', () => {
    const many = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(changedTargetingKeys(snapshot(['acme']), snapshot(['acme', ...many]), 10)).toBeNull();
    expect(changedTargetingKeys(snapshot(['acme']), snapshot(['acme', ...many]), 20)).toHaveLength(20);
  });
});
