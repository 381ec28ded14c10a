import type { TrafficMarker } from '../api';

/**
 * Markers on the traffic charts (spikes, flips, reverts, broker alarms), kept for as long as the
 * charts show: the traffic model prunes those older than its oldest sample. The cap bounds memory if
 * something adds markers in a loop. Markers about every tenant ride on the next tick (`takeFresh`).
 */
export class MarkerLog {
  private items: TrafficMarker[] = [];
  private fresh: TrafficMarker[] = [];

  constructor(private readonly cap = 2_000) {}

  add(marker: TrafficMarker): void {
    this.items.push({ ...marker });
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
    if (marker.tenantId !== null) return;
    this.fresh.push({ ...marker });
    if (this.fresh.length > this.cap) this.fresh.splice(0, this.fresh.length - this.cap);
  }

  /** Markers about every tenant added since the last call, oldest first; null when none. */
  takeFresh(): TrafficMarker[] | null {
    if (this.fresh.length === 0) return null;
    const out = this.fresh.sort((a, b) => a.t - b.t);
    this.fresh = [];
    return out;
  }

  /**
   * Markers at or after `since`, oldest first (copies). For one tenant: its own and those about every
   * tenant (a broker alarm explains its rate falling as much as the overview's).
   */
  list(since: number, tenantId?: string): TrafficMarker[] {
    return this.items
      .filter(
        (m) => m.t >= since && (tenantId === undefined || m.tenantId === tenantId || m.tenantId === null),
      )
      .sort((a, b) => a.t - b.t)
      .map((m) => ({ ...m }));
  }

  pruneBefore(t: number): void {
    // Markers arrive roughly in time order; a flip marker may carry a slightly older time, so filter.
    if (this.items.length > 0 && this.items[0]!.t < t) this.items = this.items.filter((m) => m.t >= t);
  }
}
