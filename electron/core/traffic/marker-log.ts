import type { TrafficMarker } from '../api';

/**
 * Markers on the traffic charts (spikes, flips, reverts), kept for as long as the charts show: the
 * traffic model prunes those older than its oldest sample. The cap bounds memory if something adds
 * markers in a loop.
 */
export class MarkerLog {
  private items: TrafficMarker[] = [];

  constructor(private readonly cap = 2_000) {}

  add(marker: TrafficMarker): void {
    this.items.push({ ...marker });
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
  }

  /** Markers at or after `since`, optionally for one tenant, oldest first (copies). */
  list(since: number, tenantId?: string): TrafficMarker[] {
    return this.items
      .filter((m) => m.t >= since && (tenantId === undefined || m.tenantId === tenantId))
      .sort((a, b) => a.t - b.t)
      .map((m) => ({ ...m }));
  }

  pruneBefore(t: number): void {
    // Markers arrive roughly in time order; a flip marker may carry a slightly older time, so filter.
    if (this.items.length > 0 && this.items[0]!.t < t) this.items = this.items.filter((m) => m.t >= t);
  }
}
