/**
 * Live traffic: the latest tick in a TrafficModel (typed arrays, mutated in place), the overview
 * series, and the table's view state (sort, filter, frozen row order, selection).
 *
 * Per tick the work is O(n): apply the tick to the model, append tenants first seen now to the row
 * order, count out-of-order neighbours, append one overview point. Components subscribe to `seq`
 * (bumped once per change) and read the model for the few rows they draw, so a tick re-renders the
 * visible rows only, never all 10,000.
 *
 * Pause is a viewing aid of this window: ticks keep arriving (the core never stops them), the
 * figures freeze, kill switches stay current, and resuming reloads the snapshot to fill the gap.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  SwitchboardClient,
  TrafficMarker,
  TrafficSnapshot,
  TrafficTick,
} from '../../../electron/core/api';
import { errorText } from '../../client/client';
import { OverviewBuffer } from './overview';
import {
  appendNewSlots,
  computeOrder,
  countStale,
  DEFAULT_DIR,
  type SortKey,
  type SortSpec,
} from './tenant-order';
import { TrafficModel } from './traffic-model';

export interface TrafficState {
  /** bumped after every change to `model` (ticks, snapshot) */
  seq: number;
  /** bumped after every change to `overview` */
  overviewSeq: number;
  model: TrafficModel;
  overview: OverviewBuffer;
  loaded: boolean;
  loadError: string | null;
  overviewError: string | null;
  paused: boolean;
  /** epoch ms the latest tick arrived (for "data is stale" hints) */
  receivedAt: number;
  /** the rate source has not answered since the latest tick: the rates shown are its last ones */
  ratesStale: boolean;
  sort: SortSpec;
  filter: string;
  /** slots in display order; recomputed on explicit actions only (see tenant-order.ts) */
  order: Int32Array;
  /** model.size when `order` was last computed or extended */
  orderSeenSize: number;
  /**
   * adjacent pairs out of order for the current sort, plus tenants that stopped or started matching a
   * filter on statuses (0 = the rows are current)
   */
  staleRows: number;
  selectedId: string | null;
}

export type TrafficStore = StoreApi<TrafficState>;

export function createTrafficStore(): TrafficStore {
  return createStore<TrafficState>(() => ({
    seq: 0,
    overviewSeq: 0,
    model: new TrafficModel(),
    overview: new OverviewBuffer(),
    loaded: false,
    loadError: null,
    overviewError: null,
    paused: false,
    receivedAt: 0,
    ratesStale: false,
    sort: { key: 'rate', dir: 'desc' },
    filter: '',
    order: new Int32Array(0),
    orderSeenSize: 0,
    staleRows: 0,
    selectedId: null,
  }));
}

export function applySnapshot(store: TrafficStore, snapshot: TrafficSnapshot, now = Date.now()): void {
  const s = store.getState();
  s.model.applySnapshot(snapshot);
  s.overview.reset(snapshot.overview);
  const order = computeOrder(s.model, s.sort, s.filter);
  store.setState({
    seq: s.seq + 1,
    overviewSeq: s.overviewSeq + 1,
    loaded: true,
    loadError: null,
    paused: snapshot.paused,
    receivedAt: now,
    ratesStale: snapshot.tick.stale === true,
    order,
    orderSeenSize: s.model.size,
    staleRows: 0,
  });
}

/** Apply one tick. Returns true when the overview's top set changed (the caller refetches). */
export function applyTick(store: TrafficStore, tick: TrafficTick, now = Date.now()): boolean {
  const s = store.getState();
  if (!s.loaded) return false; // the snapshot that follows the connect carries this state anyway
  if (s.paused) {
    applyPausedTick(store, tick);
    return false;
  }
  // The core repeats its last tick marked stale when the rate source stops answering: the rates
  // stay on screen, marked, until a fresh tick arrives.
  if (tick.stale) {
    if (!s.ratesStale) store.setState({ ratesStale: true });
    return false;
  }
  if (!s.model.applyTick(tick)) return false;
  const model = s.model;
  const order = appendNewSlots(model, s.order, s.orderSeenSize, s.filter);
  const topChanged = s.overview.appendTick(tick, (id) => {
    const slot = model.slotOf(id);
    return slot >= 0 && model.present[slot] ? model.rate[slot]! : 0;
  });
  for (const marker of tick.markers ?? []) s.overview.addMarker(marker);
  store.setState({
    seq: s.seq + 1,
    overviewSeq: s.overviewSeq + 1,
    receivedAt: now,
    ratesStale: false,
    order,
    orderSeenSize: model.size,
    staleRows: countStale(model, s.sort, order, s.filter),
  });
  return topChanged;
}

/**
 * Paused: the chart, rates and sparklines stay as the reader froze them, but a kill switch is not a
 * figure. A switch flipped while paused (here or in another window) must show its new state, or the
 * row and the tenant panel would offer to flip it again; the snapshot on resume brings the rest.
 */
function applyPausedTick(store: TrafficStore, tick: TrafficTick): void {
  const s = store.getState();
  if (tick.stale || !s.model.applySwitches(tick)) return;
  store.setState({ seq: s.seq + 1, staleRows: countStale(s.model, s.sort, s.order, s.filter) });
}

export function addMarker(store: TrafficStore, marker: TrafficMarker): void {
  const s = store.getState();
  s.overview.addMarker(marker);
  store.setState({ overviewSeq: s.overviewSeq + 1 });
}

/** Click on a column header: a new column sorts in its natural direction, the same one flips. */
export function toggleSort(store: TrafficStore, key: SortKey): void {
  const { sort } = store.getState();
  const dir = sort.key === key ? (sort.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[key];
  setSort(store, { key, dir });
}

export function setSort(store: TrafficStore, sort: SortSpec): void {
  const s = store.getState();
  const order = computeOrder(s.model, sort, s.filter);
  store.setState({ sort, order, orderSeenSize: s.model.size, staleRows: 0 });
}

export function setFilter(store: TrafficStore, filter: string): void {
  const s = store.getState();
  const order = computeOrder(s.model, s.sort, filter);
  store.setState({ filter, order, orderSeenSize: s.model.size, staleRows: 0 });
}

/** The explicit "re-sort now" action. */
export function resort(store: TrafficStore): void {
  setSort(store, store.getState().sort);
}

export function select(store: TrafficStore, id: string | null): void {
  if (store.getState().selectedId !== id) store.setState({ selectedId: id });
}

/** ↑/↓: move the selection within the current order. Returns the new row index (or -1). */
export function moveSelection(store: TrafficStore, delta: number): number {
  const { order, model, selectedId } = store.getState();
  if (order.length === 0) return -1;
  const current = selectedId === null ? -1 : order.indexOf(model.slotOf(selectedId));
  let next: number;
  if (current === -1) next = delta > 0 ? 0 : order.length - 1;
  else next = Math.max(0, Math.min(order.length - 1, current + delta));
  store.setState({ selectedId: model.ids[order[next]!]! });
  return next;
}

/**
 * Wire the store to the client: ticks, pause changes, the snapshot reload on resume (however it
 * came: this window, the palette, another window) and on an app reset, and the overview refetch
 * when the top set changes (one request in flight; changes during it trigger one more). Returns
 * the unsubscribe.
 */
export function connectTraffic(store: TrafficStore, client: SwitchboardClient): () => void {
  let inFlight = false;
  let again = false;
  let disposed = false;
  const refetchOverview = () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    client
      .call('traffic.overview', {})
      .then(
        (series) => {
          if (disposed) return;
          const s = store.getState();
          s.overview.reset(series);
          store.setState({ overviewSeq: s.overviewSeq + 1, overviewError: null });
        },
        (error) => {
          if (!disposed) store.setState({ overviewError: `overview: ${errorText(error)}` });
        },
      )
      .finally(() => {
        inFlight = false;
        if (again && !disposed) {
          again = false;
          refetchOverview();
        }
      });
  };
  const offTick = client.on('traffic.onTick', (tick) => {
    if (applyTick(store, tick)) refetchOverview();
  });
  const offPaused = client.on('traffic.onPaused', ({ paused }) => store.setState({ paused }));
  const offResume = store.subscribe((state, previous) => {
    if (previous.paused && !state.paused && !disposed) void loadTraffic(store, client);
  });
  // A reset (another profile active, the flag system back) reloads the snapshot, but not into a
  // paused window: its figures stay as the reader froze them, and the resume reloads anyway.
  const offReset = client.on('app.onReset', () => {
    if (!store.getState().paused) void loadTraffic(store, client);
  });
  return () => {
    disposed = true;
    offTick();
    offPaused();
    offResume();
    offReset();
  };
}

/** Load (or reload after a reconnect) the snapshot. */
export async function loadTraffic(store: TrafficStore, client: SwitchboardClient): Promise<void> {
  try {
    applySnapshot(store, await client.call('traffic.snapshot', {}));
  } catch (error) {
    store.setState({ loadError: `traffic: ${errorText(error)}` });
  }
}
