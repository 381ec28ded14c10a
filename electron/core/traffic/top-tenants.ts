import { withRoom } from './typed-array-growth';

/**
 * The few tenants stacked in the overview chart, chosen without sorting everyone and without
 * flicker.
 *
 * Selection: during the tick's single pass every tenant is offered; a small pool keeps the best
 * `2 × count` (one comparison per tenant, an insertion only when one beats the pool's weakest).
 * Stability, twice over: tenants are ranked by a short EWMA of their rate (counting noise of a few
 * percent would otherwise reorder neighbours every second; a 10× jump still clears the bar on its
 * first tick), and a tenant already on top keeps its place unless a challenger is faster by
 * `margin`, while the order changes only when one overtakes another by `margin` too.
 */
export class TopTenants {
  private readonly poolIndex: Int32Array;
  private readonly poolRate: Float64Array;
  private pooled = 0;
  private smoothed = new Float64Array(0);
  private chosen: number[] = [];

  /** `smoothing` is the EWMA weight of the newest rate (1 = no smoothing). */
  constructor(
    private readonly count: number,
    private readonly margin: number,
    private readonly smoothing: number,
  ) {
    const size = Math.max(count * 2, 1);
    this.poolIndex = new Int32Array(size);
    this.poolRate = new Float64Array(size);
  }

  /** Indexes currently on top, in display order. */
  get current(): readonly number[] {
    return this.chosen;
  }

  /** The smoothed rate tenant i is ranked by. */
  rankOf(i: number): number {
    return this.smoothed[i] ?? 0;
  }

  ensureCapacity(tenants: number): void {
    this.smoothed = withRoom(this.smoothed, tenants);
  }

  begin(): void {
    this.pooled = 0;
  }

  offer(i: number, rate: number): void {
    const previous = this.smoothed[i]!;
    const smooth = previous + this.smoothing * (rate - previous);
    this.smoothed[i] = smooth;
    const size = this.poolRate.length;
    // The common case: not fast enough for the pool. Ties keep the earlier tenant (stable).
    if (!(smooth > 0) || (this.pooled === size && smooth <= this.poolRate[size - 1]!)) return;
    let at = this.pooled < size ? this.pooled++ : size - 1;
    while (at > 0 && this.poolRate[at - 1]! < smooth) {
      this.poolRate[at] = this.poolRate[at - 1]!;
      this.poolIndex[at] = this.poolIndex[at - 1]!;
      at--;
    }
    this.poolRate[at] = smooth;
    this.poolIndex[at] = i;
  }

  /** Decide this tick's top from the pool and the previous top, after every tenant was offered. */
  finish(tenants: number): readonly number[] {
    const rank = this.smoothed;
    const next = this.chosen.filter((i) => i < tenants);
    for (let k = 0; k < this.pooled; k++) {
      const challenger = this.poolIndex[k]!;
      if (next.includes(challenger)) continue;
      if (next.length < this.count) {
        next.push(challenger);
        continue;
      }
      const weakest = this.weakestSlot(next);
      const weakRate = rank[next[weakest]!]!;
      // Pool is fastest first: once one challenger fails, the slower ones would too.
      if (!(rank[challenger]! > weakRate * (1 + this.margin) || (weakRate === 0 && rank[challenger]! > 0)))
        break;
      // The newcomer starts at the bottom and climbs only past tenants it beats by the margin.
      next.splice(weakest, 1);
      next.push(challenger);
    }
    this.orderWithMargin(next);
    this.chosen = next;
    return next;
  }

  private weakestSlot(list: number[]): number {
    let weakest = 0;
    for (let k = 1; k < list.length; k++) {
      if (this.smoothed[list[k]!]! <= this.smoothed[list[weakest]!]!) weakest = k;
    }
    return weakest;
  }

  /** Insertion sort, fastest first, where a tenant moves ahead only when faster by the margin. */
  private orderWithMargin(list: number[]): void {
    const rank = this.smoothed;
    for (let k = 1; k < list.length; k++) {
      for (let j = k; j > 0 && rank[list[j]!]! > rank[list[j - 1]!]! * (1 + this.margin); j--) {
        const swap = list[j]!;
        list[j] = list[j - 1]!;
        list[j - 1] = swap;
      }
    }
  }
}
