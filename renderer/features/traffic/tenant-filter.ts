/**
 * The tenants table's filter. Plain words match the name and id ("acme prod": every word must
 * match). `is:` words match what a row is now: a status — is:spike, is:elevated, is:over-limit (or
 * is:over), is:silent, is:off, is:normal — any of which may match (is:spike is:silent: either), and
 * is:unknown for tenants seen in traffic but not in the tenants file. A leading `-` turns an `is:`
 * word around: `-is:normal` is every tenant with something to say, `-is:off` the ones publishing.
 *
 * A status changes from tick to tick while the table's order is frozen between them
 * (tenant-order.ts): rows that stopped or started matching count as stale, and re-sort applies the
 * filter again — a tenant that calms down does not vanish from under the cursor.
 */
import type { TenantStatus } from '../../../electron/core/api';
import { STATUS_CODES, type TrafficModel } from './traffic-model';

export interface TenantFilter {
  /** lower-cased words, each of which must be in the row's "name id" */
  terms: string[];
  /** per status code: 1 = matches; null = any status */
  statuses: Uint8Array | null;
  /** true: tenants not in the tenants file only; false: listed ones only; null: either */
  unknown: boolean | null;
  /** `is:` words that name nothing, for the hint */
  unrecognized: string[];
}

/** What `is:` understands, in the hint's order. */
export const IS_WORDS = ['spike', 'elevated', 'over-limit', 'silent', 'off', 'normal', 'unknown'] as const;

const STATUS_WORDS: Record<string, TenantStatus> = {
  spike: 'spike',
  spiking: 'spike',
  elevated: 'elevated',
  'over-limit': 'over-limit',
  over: 'over-limit',
  silent: 'silent',
  off: 'off',
  normal: 'normal',
};

export function parseFilter(text: string): TenantFilter {
  const filter: TenantFilter = { terms: [], statuses: null, unknown: null, unrecognized: [] };
  const included = new Set<TenantStatus>();
  const excluded = new Set<TenantStatus>();
  for (const word of text.toLowerCase().split(/\s+/)) {
    const is = /^(-?)is:(.*)$/.exec(word);
    if (!is) {
      if (word) filter.terms.push(word);
      continue;
    }
    const negated = is[1] === '-';
    const name = is[2]!;
    if (name === 'unknown') filter.unknown = !negated;
    else if (STATUS_WORDS[name]) (negated ? excluded : included).add(STATUS_WORDS[name]);
    else filter.unrecognized.push(word);
  }
  if (included.size > 0 || excluded.size > 0) {
    filter.statuses = new Uint8Array(STATUS_CODES.length);
    STATUS_CODES.forEach((status, code) => {
      const wanted = included.size === 0 || included.has(status);
      filter.statuses![code] = wanted && !excluded.has(status) ? 1 : 0;
    });
  }
  return filter;
}

/** Whether the filter reads the rows' statuses (so its matches can change from tick to tick). */
export function isLive(filter: TenantFilter): boolean {
  return filter.statuses !== null;
}

export function matches(model: TrafficModel, slot: number, filter: TenantFilter): boolean {
  if (filter.statuses && filter.statuses[model.status[slot]!] !== 1) return false;
  if (filter.unknown !== null && (model.known[slot] === 0) !== filter.unknown) return false;
  if (filter.unrecognized.length > 0) return false;
  const hay = model.searchText[slot]!;
  for (const term of filter.terms) if (!hay.includes(term)) return false;
  return true;
}

/** How many tenants the shown rows disagree with: shown but no longer matching, or matching but not shown. O(n). */
export function countMismatched(model: TrafficModel, order: Int32Array, filter: TenantFilter): number {
  if (!isLive(filter)) return 0;
  const shown = new Uint8Array(model.size);
  for (const slot of order) shown[slot] = 1;
  let n = 0;
  for (let s = 0; s < model.size; s++) if (matches(model, s, filter) !== (shown[s] === 1)) n++;
  return n;
}
