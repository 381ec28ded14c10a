/**
 * Row order of the tenants table: sort + filter over the TrafficModel's slots.
 *
 * Order policy (the brief left it to us): the order is computed only on an explicit action — a click
 * on a column header, a change of the filter, the "re-sort" button (or `r`), a reconnect — and is
 * frozen between ticks. A spiking tenant is highlighted where it is; it does not jump under the
 * operator's cursor or keyboard selection at 3 a.m. Tenants first seen after the order was computed
 * are appended at the end (if they match the filter). Each tick we count, in O(n), how many adjacent
 * pairs are out of order for the chosen sort (and, for a filter on statuses, how many tenants
 * stopped or started matching it: tenant-filter.ts), and the table offers "order is stale ·
 * re-sort" when that count is not zero; the header's spiking count also re-sorts by status on click.
 */
import { countMismatched, matches, parseFilter } from './tenant-filter';
import { STATUS_SEVERITY, type TrafficModel } from './traffic-model';

export type SortKey = 'name' | 'rate' | 'baseline' | 'ratio' | 'share' | 'limitUse' | 'status' | 'publishing';
export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  key: SortKey;
  dir: SortDir;
}

/** The direction a column sorts in on its first click: figures biggest-first, names A→Z. */
export const DEFAULT_DIR: Record<SortKey, SortDir> = {
  name: 'asc',
  rate: 'desc',
  baseline: 'desc',
  ratio: 'desc',
  share: 'desc',
  limitUse: 'desc',
  status: 'desc',
  publishing: 'asc',
};

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

interface NameRanks {
  version: number;
  /** slot → position in the (name, id) order: the total tie-break */
  tie: Int32Array;
  /** slot → rank of its name, equal for names the collator calls equal */
  group: Int32Array;
}
const rankCache = new WeakMap<TrafficModel, NameRanks>();

/**
 * The name order of all slots, computed with the collator once per change of the names (a new
 * tenant, a rename) instead of in every comparison: sorting 10,000 tenants then compares integers.
 */
function nameRanks(model: TrafficModel): NameRanks {
  const cached = rankCache.get(model);
  if (cached && cached.version === model.namesVersion && cached.tie.length === model.size) return cached;
  const n = model.size;
  const { names, ids } = model;
  const slots = new Int32Array(n);
  for (let s = 0; s < n; s++) slots[s] = s;
  slots.sort((a, b) => {
    const byName = collator.compare(names[a]!, names[b]!);
    if (byName !== 0) return byName;
    const ia = ids[a]!;
    const ib = ids[b]!;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const tie = new Int32Array(n);
  const group = new Int32Array(n);
  let g = 0;
  for (let i = 0; i < n; i++) {
    const s = slots[i]!;
    if (i > 0 && collator.compare(names[slots[i - 1]!]!, names[s]!) !== 0) g++;
    group[s] = g;
    tie[s] = i;
  }
  const ranks = { version: model.namesVersion, tie, group };
  rankCache.set(model, ranks);
  return ranks;
}

/** The sort column's value per slot (NaN = missing), read in place where the model has it. */
function sortValues(model: TrafficModel, key: Exclude<SortKey, 'name'>): ArrayLike<number> {
  switch (key) {
    case 'rate':
      return model.rate;
    case 'baseline':
      return model.baseline;
    case 'ratio':
      return model.ratio;
    case 'share':
      return model.share;
    case 'limitUse':
      return model.limitUse;
    case 'publishing':
      return model.publishing;
    case 'status': {
      const out = new Uint8Array(model.size);
      for (let s = 0; s < model.size; s++) out[s] = STATUS_SEVERITY[model.status[s]!]!;
      return out;
    }
  }
}

/**
 * A comparator of slots for a sort; ties (and names) fall back to name then id, so the order is total
 * and repeatable. Missing values (no limit → NaN) always go last, whatever the direction. Build it
 * once per sort or scan: it captures the name ranks and the column.
 */
export function slotComparator(model: TrafficModel, sort: SortSpec): (a: number, b: number) => number {
  const { tie, group } = nameRanks(model);
  const sign = sort.dir === 'asc' ? 1 : -1;
  if (sort.key === 'name') {
    // a name tie goes by id ascending in both directions
    return (a, b) => (group[a]! - group[b]!) * sign || tie[a]! - tie[b]!;
  }
  const values = sortValues(model, sort.key);
  return (a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    const na = Number.isNaN(va);
    const nb = Number.isNaN(vb);
    if (na !== nb) return na ? 1 : -1;
    if (!na && va !== vb) return va < vb ? -sign : sign;
    return tie[a]! - tie[b]!;
  };
}

/** The full order for a sort and filter: O(n log n), run on explicit actions only. */
export function computeOrder(model: TrafficModel, sort: SortSpec, filterText: string): Int32Array {
  const filter = parseFilter(filterText);
  const slots = new Int32Array(model.size);
  let n = 0;
  for (let s = 0; s < model.size; s++) if (matches(model, s, filter)) slots[n++] = s;
  const out = slots.subarray(0, n);
  out.sort(slotComparator(model, sort));
  return out.slice();
}

/** Append the slots created since `seenSize` that match the filter; the existing order is kept as is. */
export function appendNewSlots(
  model: TrafficModel,
  order: Int32Array,
  seenSize: number,
  filterText: string,
): Int32Array {
  if (model.size <= seenSize) return order;
  const filter = parseFilter(filterText);
  const added: number[] = [];
  for (let s = seenSize; s < model.size; s++) if (matches(model, s, filter)) added.push(s);
  if (added.length === 0) return order;
  const next = new Int32Array(order.length + added.length);
  next.set(order);
  next.set(added, order.length);
  return next;
}

/** How many adjacent rows are out of order for the sort: O(n), run every tick. 0 = order is current. */
export function countOutOfOrder(model: TrafficModel, sort: SortSpec, order: Int32Array): number {
  const compare = slotComparator(model, sort);
  let n = 0;
  for (let i = 1; i < order.length; i++) if (compare(order[i - 1]!, order[i]!) > 0) n++;
  return n;
}

/**
 * How stale the frozen rows are: adjacent rows out of order, plus — for a filter on statuses —
 * tenants that stopped or started matching since. O(n), run every tick; 0 = the rows are current.
 */
export function countStale(
  model: TrafficModel,
  sort: SortSpec,
  order: Int32Array,
  filterText: string,
): number {
  return countOutOfOrder(model, sort, order) + countMismatched(model, order, parseFilter(filterText));
}
