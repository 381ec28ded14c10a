/**
 * Rates from cumulative counters and our own timestamps.
 *
 * A counter read from a live exporter (prom-client) moves between any two reads, so its rate is
 * simply Δ/Δt. A counter read from RabbitMQ's management API moves only when the broker refreshes its
 * stats (every 5 s on a stock broker, 1 s when configured): polled each second it reads 0,0,0,0,+5r.
 * For such a *refreshing* counter the rate is held between refreshes — the increase is divided by the
 * time since the counter last moved — and falls to zero only once a refresh has plainly gone by with
 * no movement. Either way: a counter that goes down was reset (a restart) and counts from zero, never
 * as a negative rate; an object that appears between two reads counts from zero; an object without
 * stats yet (`message_stats: []`) waits until its counter shows up.
 */

export interface CounterReading {
  /** the cumulative value, or undefined when the object has no stats yet */
  value: number | undefined;
  /** the server's own rate, used only until our counters have moved once (a first sample is not 0) */
  hint?: number;
}

export interface CounterRatesOptions {
  /** true: the counter moves continuously (an exporter); false: it moves at the server's refresh */
  live: boolean;
}

interface CounterState {
  value: number | undefined;
  /** when we saw the counter move last (or first saw it) */
  changedAt: number;
  rate: number;
  /** our own rate exists (the counter moved while we watched) */
  measured: boolean;
}

export class CounterRates {
  private readonly states = new Map<string, CounterState>();
  private lastAt: number | null = null;
  private lastRates = new Map<string, number>();

  constructor(private readonly options: CounterRatesOptions) {}

  /** Whether any counter moved in the last update (a broker stats refresh was observed). */
  moved = false;

  /**
   * Feed one read of every counter at `t` (ms). `refreshMs` is the server's stats refresh (ignored
   * for live counters). Counters absent from `readings` are forgotten (the object is gone).
   * Returns each counter's rate per second.
   */
  update(t: number, readings: ReadonlyMap<string, CounterReading>, refreshMs = 0): Map<string, number> {
    if (this.lastAt !== null && t <= this.lastAt) return new Map(this.lastRates);
    const previousAt = this.lastAt;
    const pollGap = previousAt === null ? 0 : t - previousAt;
    const refresh = this.options.live ? 0 : Math.max(refreshMs, 0);
    // Hold while a refresh may not have happened since the last movement, with room for jitter.
    const holdMs = this.options.live ? 0 : 1.5 * refresh + 0.5 * pollGap;
    const rates = new Map<string, number>();
    this.moved = false;
    for (const [key, reading] of readings) {
      const state = this.states.get(key);
      const value = validCount(reading.value);
      if (!state) {
        const fresh: CounterState = {
          value,
          changedAt: t,
          rate: previousAt === null ? Math.max(0, validCount(reading.hint) ?? 0) : 0,
          measured: false,
        };
        // Appeared since the last read: everything it counted happened since then (or since its
        // stats started, one refresh after it was created).
        if (previousAt !== null && value !== undefined && value > 0) {
          const serverRate = this.options.live ? undefined : validCount(reading.hint);
          fresh.rate =
            serverRate !== undefined && serverRate > 0
              ? serverRate
              : value / (Math.max(pollGap, refresh) / 1000);
          fresh.measured = true;
          this.moved = true;
        }
        this.states.set(key, fresh);
        rates.set(key, fresh.rate);
        continue;
      }
      if (value === undefined) {
        // Stats vanished for now: keep the last value, let the held rate run out.
        rates.set(key, this.heldRate(state, t, holdMs));
        continue;
      }
      const before = state.value ?? 0;
      if (state.value !== undefined && value === before) {
        rates.set(key, this.heldRate(state, t, holdMs));
        continue;
      }
      // Moved (or first stats): a decrease is a reset, counted from zero.
      const increase = value >= before ? value - before : value;
      state.rate = this.rateOf(state, increase, t, pollGap, refresh, holdMs, reading.hint);
      state.value = value;
      state.changedAt = t;
      state.measured = true;
      this.moved = true;
      rates.set(key, state.rate);
    }
    for (const key of this.states.keys()) if (!readings.has(key)) this.states.delete(key);
    this.lastAt = t;
    this.lastRates = rates;
    return new Map(rates);
  }

  /** Forget everything (a new connection to a different server). */
  reset(): void {
    this.states.clear();
    this.lastAt = null;
    this.lastRates = new Map();
  }

  /** The rate after a movement of `increase` at `t`. */
  private rateOf(
    state: CounterState,
    increase: number,
    t: number,
    pollGap: number,
    refresh: number,
    holdMs: number,
    hint: number | undefined,
  ): number {
    const sinceChange = t - state.changedAt;
    const perSecond = (ms: number) => (ms > 0 ? increase / (ms / 1000) : 0);
    if (this.options.live) return perSecond(sinceChange);
    const oneRefresh = Math.max(refresh, pollGap);
    if (!state.measured) {
      // The first movement we see: the value before it was set at a refresh we did not see, so
      // the increase spans one refresh; the server's own rate says it best when it has one.
      const serverRate = validCount(hint);
      return serverRate !== undefined && serverRate > 0 ? serverRate : perSecond(oneRefresh);
    }
    // Flowing: the increase spans the time since the last movement (one or more refreshes).
    if (state.rate > 0 && sinceChange <= holdMs) return perSecond(sinceChange);
    // After a quiet spell the increase happened within the last refresh, not over the whole spell.
    return perSecond(Math.min(sinceChange, oneRefresh));
  }

  /** Between movements: the last rate until a refresh has plainly gone by without one, then zero. */
  private heldRate(state: CounterState, t: number, holdMs: number): number {
    if (t - state.changedAt > holdMs) state.rate = 0;
    return state.rate;
  }
}

function validCount(value: number | undefined | null): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The server's stats refresh, as observed: the typical gap between reads in which the counters moved.
 * With steady traffic each refresh moves them, so the gaps are the interval (4–6 s for 5 s stats
 * polled each second); gaps that are multiples (a quiet refresh) are left out.
 */
export class RefreshEstimate {
  private readonly gaps: number[] = [];
  private lastMoveAt: number | null = null;

  constructor(private readonly keep = 12) {}

  observe(t: number, moved: boolean): void {
    if (!moved) return;
    if (this.lastMoveAt !== null && t > this.lastMoveAt) {
      const gap = t - this.lastMoveAt;
      if (gap <= 60_000) push(this.gaps, gap, this.keep);
    }
    this.lastMoveAt = t;
  }

  /** The refresh in ms (whole seconds from 1 s up), or null until three refreshes were seen. */
  get ms(): number | null {
    if (this.gaps.length < 3) return null;
    const median = quantile(this.gaps, 0.5);
    const typical = this.gaps.filter((g) => g <= median * 1.5);
    const mean = typical.reduce((a, b) => a + b, 0) / typical.length;
    // Whole seconds: it cannot be seen finer than we poll, and brokers are configured in seconds.
    return Math.max(1000, Math.round(mean / 1000) * 1000);
  }
}

function push(list: number[], value: number, keep: number): void {
  list.push(value);
  if (list.length > keep) list.shift();
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
