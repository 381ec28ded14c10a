/**
 * Row order of the tenants table: sort + filter over the TrafficModel's slots.
 *
 * Order policy (the brief left it to us): the order is computed only on an explicit action — a click
 * on a column header, a change of the filter, the "re-sort" button (or `r`), a reconnect — and is
 * frozen between ticks. A spiking tenant is highlighted where it is; it does not jump under the
 * operator's cursor or keyboard selection at 3 a.m. Tenants first seen after the order was computed
 * are appended at the end (if they match the filter). Each tick we count, in O(n), how many adjacent
 * pairs are out of order for the chosen sort, and the table offers "order is stale · re-sort" when
 * that count is not zero; the header's spiking count also re-sorts by status on click.
 */
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

function sortValue(model: TrafficModel, key: SortKey, slot: number): number {
  switch (key) {
    case 'rate':
      return model.rate[slot]!;
    case 'baseline':
      return model.baseline[slot]!;
    case 'ratio':
      return model.ratio[slot]!;
    case 'share':
      return model.share[slot]!;
    case 'limitUse':
      return model.limitUse[slot]!;
    case 'status':
      return STATUS_SEVERITY[model.status[slot]!]!;
    case 'publishing':
      return model.publishing[slot]!;
    default:
      return 0;
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Compare two slots; ties (and names) fall back to name then id, so the order is total and repeatable. */
export function compareSlots(model: TrafficModel, sort: SortSpec, a: number, b: number): number {
  const sign = sort.dir === 'asc' ? 1 : -1;
  if (sort.key !== 'name') {
    const va = sortValue(model, sort.key, a);
    const vb = sortValue(model, sort.key, b);
    // missing values (no limit → NaN) always go last, whatever the direction
    const na = Number.isNaN(va);
    const nb = Number.isNaN(vb);
    if (na !== nb) return na ? 1 : -1;
    if (!na && va !== vb) return va < vb ? -sign : sign;
  }
  const byName = collator.compare(model.names[a]!, model.names[b]!);
  if (byName !== 0) return sort.key === 'name' ? byName * sign : byName;
  const ia = model.ids[a]!;
  const ib = model.ids[b]!;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** Lower-cased, trimmed terms; a row matches when every term is in its "name id". */
export function parseFilter(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matches(model: TrafficModel, slot: number, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const hay = model.searchText[slot]!;
  for (const term of terms) if (!hay.includes(term)) return false;
  return true;
}

/** The full order for a sort and filter: O(n log n), run on explicit actions only. */
export function computeOrder(model: TrafficModel, sort: SortSpec, filter: string): Int32Array {
  const terms = parseFilter(filter);
  const slots = new Int32Array(model.size);
  let n = 0;
  for (let s = 0; s < model.size; s++) if (matches(model, s, terms)) slots[n++] = s;
  const out = slots.subarray(0, n);
  out.sort((a, b) => compareSlots(model, sort, a, b));
  return out.slice();
}

/** Append the slots created since `seenSize` that match the filter; the existing order is kept as is. */
export function appendNewSlots(
  model: TrafficModel,
  order: Int32Array,
  seenSize: number,
  filter: string,
): Int32Array {
  if (model.size <= seenSize) return order;
  const terms = parseFilter(filter);
  const added: number[] = [];
  for (let s = seenSize; s < model.size; s++) if (matches(model, s, terms)) added.push(s);
  if (added.length === 0) return order;
  const next = new Int32Array(order.length + added.length);
  next.set(order);
  next.set(added, order.length);
  return next;
}

/** How many adjacent rows are out of order for the sort: O(n), run every tick. 0 = order is current. */
export function countOutOfOrder(model: TrafficModel, sort: SortSpec, order: Int32Array): number {
  let n = 0;
  for (let i = 1; i < order.length; i++) if (compareSlots(model, sort, order[i - 1]!, order[i]!) > 0) n++;
  return n;
}
