/**
 * Broker health (RabbitMQ management API): each broker's latest sample and its last 15 minutes.
 *
 * Loaded with `broker.health` on every connect, then appended from `broker.onHealth` (one batch per
 * tick) — never polled. Events that arrive while the load is in flight are kept and applied after it,
 * so the history has no gap and no duplicate. With no broker source configured the core answers
 * `{current: [], history: {}}` and sends no events: the state then stays empty.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BrokerHealth, BrokerHistory, SwitchboardClient } from '../../../electron/core/api';
import { errorText } from '../../client/client';

export const BROKER_WINDOW_MS = 15 * 60_000;

/** One broker's history in columns, oldest first; mutated in place (the store bumps `seq`). */
export class BrokerSeries {
  t: number[] = [];
  memUsed: number[] = [];
  memLimit: number[] = [];
  channels: number[] = [];
  connections: number[] = [];
  publishRate: number[] = [];

  static from(history: BrokerHistory): BrokerSeries {
    const s = new BrokerSeries();
    const n = history.t.length;
    const col = (values: readonly number[]) => Array.from({ length: n }, (_, i) => values[i] ?? Number.NaN);
    s.t = [...history.t];
    s.memUsed = col(history.memUsed);
    s.memLimit = col(history.memLimit);
    s.channels = col(history.channels);
    s.connections = col(history.connections);
    s.publishRate = col(history.publishRate);
    return s;
  }

  get length(): number {
    return this.t.length;
  }

  get lastT(): number {
    return this.t.length ? this.t[this.t.length - 1]! : Number.NEGATIVE_INFINITY;
  }

  /** Append one sample. Older than the newest: time went back (another broker, a restart), start over. */
  push(h: BrokerHealth): void {
    if (h.t === this.lastT) return; // the same sample again (load and event overlapping)
    if (h.t < this.lastT) this.clear();
    this.t.push(h.t);
    this.memUsed.push(h.memory.used);
    this.memLimit.push(h.memory.limit);
    this.channels.push(h.channels);
    this.connections.push(h.connections);
    this.publishRate.push(h.publishRate);
    this.trim(h.t - BROKER_WINDOW_MS);
  }

  clear(): void {
    for (const col of this.columns()) col.length = 0;
  }

  private trim(from: number): void {
    let cut = 0;
    while (cut < this.t.length && this.t[cut]! < from) cut++;
    if (cut > 0) for (const col of this.columns()) col.splice(0, cut);
  }

  private columns(): number[][] {
    return [this.t, this.memUsed, this.memLimit, this.channels, this.connections, this.publishRate];
  }
}

export interface BrokerState {
  /** true once `broker.health` answered on this connection */
  loaded: boolean;
  error: string | null;
  /** every broker's latest sample (empty: no broker source, or none has answered yet) */
  current: BrokerHealth[];
  /** sourceId → history, mutated in place */
  series: Map<string, BrokerSeries>;
  /** bumped after every change to `current` or `series` */
  seq: number;
}
export type BrokerStore = StoreApi<BrokerState>;

export function createBrokerStore(): BrokerStore {
  return createStore<BrokerState>(() => ({
    loaded: false,
    error: null,
    current: [],
    series: new Map(),
    seq: 0,
  }));
}

/**
 * Apply one `broker.onHealth` batch. `onlyNewer` (events held while a load was in flight) skips the
 * samples the load already brought, and a batch with nothing newer changes nothing.
 */
export function applyHealth(store: BrokerStore, batch: BrokerHealth[], onlyNewer = false): void {
  const s = store.getState();
  if (onlyNewer) {
    const newer = batch.filter((h) => h.t > (s.series.get(h.sourceId)?.lastT ?? Number.NEGATIVE_INFINITY));
    if (newer.length === 0) return;
  }
  for (const h of batch) {
    let series = s.series.get(h.sourceId);
    if (!series) {
      series = new BrokerSeries();
      s.series.set(h.sourceId, series);
    }
    if (!onlyNewer || h.t > series.lastT) series.push(h);
  }
  store.setState({ current: batch, seq: s.seq + 1 });
}

/** Replace everything with a `broker.health` answer. */
export function applyLoaded(
  store: BrokerStore,
  answer: { current: BrokerHealth[]; history: Record<string, BrokerHistory> },
): void {
  const series = new Map<string, BrokerSeries>();
  for (const [id, history] of Object.entries(answer.history)) series.set(id, BrokerSeries.from(history));
  // the latest sample belongs in the history even if the core's copy did not have it yet
  for (const h of answer.current) {
    let s = series.get(h.sourceId);
    if (!s) {
      s = new BrokerSeries();
      series.set(h.sourceId, s);
    }
    if (h.t > s.lastT) s.push(h);
  }
  store.setState({
    loaded: true,
    error: null,
    current: answer.current,
    series,
    seq: store.getState().seq + 1,
  });
}

/**
 * Wire the store to the client: load now and after every reconnect (`load()`), and append events.
 * Returns `{ load, dispose }`.
 */
export function connectBroker(
  store: BrokerStore,
  client: SwitchboardClient,
): { load: () => Promise<void>; dispose: () => void } {
  let loading = 0;
  let held: BrokerHealth[][] = [];
  let disposed = false;
  const off = client.on('broker.onHealth', (batch) => {
    if (loading > 0) held.push(batch);
    else applyHealth(store, batch);
  });
  const load = async () => {
    loading++;
    const ticket = loading;
    try {
      const answer = await client.call('broker.health', {});
      if (disposed || ticket !== loading) return; // a newer load is under way
      applyLoaded(store, answer);
    } catch (error) {
      if (!disposed && ticket === loading) store.setState({ error: `broker health: ${errorText(error)}` });
    } finally {
      if (ticket === loading) {
        loading = 0;
        const pending = held;
        held = [];
        // newer than what the load brought: `push` skips samples it already has
        if (!disposed) for (const batch of pending) applyHealth(store, batch, true);
      }
    }
  };
  return {
    load,
    dispose: () => {
      disposed = true;
      off();
    },
  };
}
