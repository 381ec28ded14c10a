/**
 * A fleet-wide drop: every tenant's traffic falling at once, far below what their baselines expect.
 *
 * It is the signature of the incident Switchboard exists for — a broker over its memory watermark
 * blocks every publisher — and it is not about any one tenant: per tenant, a rate of 0 against a
 * baseline is "normal" (nothing is spiking). Left alone it also does damage: every baseline learns
 * the zeros, and once the broker recovers every tenant reads 2–3× its (now far too low) baseline
 * for a quarter of an hour, with its noise spread inflated so that a real spike has to be bigger
 * to be seen. So while a drop lasts the model learns nothing (baselines hold), unless it lasts so
 * long (`relearnAfterTicks`) that it is the new normal.
 *
 * Its end needs the same care: publishers that held events back while blocked send them all at
 * once, and every tenant would be marked spiking together — a storm of alerts, and an on-call
 * engineer tempted to switch off healthy tenants. So for as long as the drop lasted (30 s to 2 min) after it, and during it,
 * spikes are not judged and baselines do not learn; usage limits still apply. A tenant that was
 * already spiking when the drop began is the exception (the traffic model keeps judging it): its
 * spike is its own, not publishers catching up.
 *
 * Broad, not big: most tenants must be down, not just the total — one large tenant going quiet
 * halves the total too, and that is that tenant's business. Counted over the tenants that are
 * publishing, whose baseline is trusted and that send something (`minBaseline`): a tenant switched
 * off or warming up is no drop, and hundreds of listed tenants that never send must not outvote the
 * ones that do.
 */
export interface FleetDropOptions {
  /** a tenant is "down" below this fraction of its baseline, and the fleet's rate must be too */
  ratio: number;
  /** the share of tenants that must be down */
  broadShare: number;
  /** consecutive ticks before the drop is entered */
  enterTicks: number;
  /** it is left when fewer than half the tenants are down and the rate is back at this fraction … */
  recoverRatio: number;
  /** … for this many consecutive ticks */
  recoverTicks: number;
  /** a tenant whose baseline is below this (events/s) is not counted: it hardly sends */
  minBaseline: number;
  /** fewer tenants, or less expected traffic (events/s), is too little to call a fleet drop */
  minTenants: number;
  minExpected: number;
  /**
   * A tenant switched back on is not counted as down for this long (ms): its rate takes a while to
   * come back (a Prometheus rate window, 5 s broker stats), and a flag turned back on for everyone
   * would otherwise read as every tenant down at once.
   */
  resumeGraceMs: number;
  /**
   * After a drop ends, spikes are not judged and baselines do not learn for as long as the drop
   * lasted, within these bounds (ms). A publisher's backlog grows with how long it was held back, and
   * one with twice its normal rate to spare drains it in no longer than that — so a ten-second blip
   * does not blind the detector for two minutes, and a long outage is not judged while it drains.
   */
  minCatchUpMs: number;
  catchUpMs: number;
}

export const defaultFleetDropOptions: Readonly<FleetDropOptions> = Object.freeze({
  ratio: 0.5,
  broadShare: 0.8,
  enterTicks: 3,
  recoverRatio: 0.75,
  recoverTicks: 3,
  minBaseline: 0.5,
  minTenants: 3,
  minExpected: 20,
  resumeGraceMs: 60_000,
  minCatchUpMs: 30_000,
  catchUpMs: 120_000,
});

/** One tick of the fleet: the tenants judged (publishing, baseline trusted) and their sums. */
export interface FleetSample {
  tenants: number;
  /** how many of them are below `ratio` × their baseline */
  down: number;
  /** their rates summed, events/s */
  rate: number;
  /** their baselines summed, events/s */
  expected: number;
}

/** What a tick changed: the drop began or ended (with its figures), or nothing. */
export type FleetDropTransition =
  | { kind: 'started'; rate: number; expected: number; down: number; tenants: number }
  | { kind: 'ended'; rate: number; expected: number; since: number; catchUpMs: number }
  | null;

export class FleetDropWatch {
  private lowRun = 0;
  private okRun = 0;
  private heldTicks = 0;
  /** epoch ms the drop was entered, or null when there is none */
  private since: number | null = null;
  /** epoch ms until which the fleet is catching up after the last drop */
  private catchUpUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: FleetDropOptions = defaultFleetDropOptions) {}

  /** Whether a tenant with this baseline is counted at all (it sends enough to be missed). */
  counts(baseline: number): boolean {
    return baseline >= this.options.minBaseline;
  }

  /**
   * Whether a tenant counts as down: below `ratio` of its baseline, and not just switched back on
   * (`resumedAt`: epoch ms it was last switched on).
   */
  isDown(t: number, rate: number, baseline: number, resumedAt: number): boolean {
    return rate < baseline * this.options.ratio && t - resumedAt >= this.options.resumeGraceMs;
  }

  /** Epoch ms the current drop began, null when there is none. */
  activeSince(): number | null {
    return this.since;
  }

  /** Epoch ms the catch-up after the last drop ends, when `t` is within it; null otherwise. */
  catchingUpUntil(t: number): number | null {
    return t < this.catchUpUntil ? this.catchUpUntil : null;
  }

  step(t: number, fleet: FleetSample): FleetDropTransition {
    if (this.since === null) return this.watchForDrop(t, fleet);
    this.heldTicks++;
    const { recoverRatio, recoverTicks } = this.options;
    const ok = fleet.down < fleet.tenants * 0.5 && fleet.rate >= fleet.expected * recoverRatio;
    this.okRun = ok ? this.okRun + 1 : 0;
    if (this.okRun < recoverTicks) return null;
    const since = this.since;
    this.reset();
    const catchUpMs = Math.min(this.options.catchUpMs, Math.max(this.options.minCatchUpMs, t - since));
    this.catchUpUntil = t + catchUpMs;
    return { kind: 'ended', rate: fleet.rate, expected: fleet.expected, since, catchUpMs };
  }

  /**
   * Whether spikes are judged at `t`: not during a drop nor while the fleet catches up after one,
   * unless the drop has lasted so long that it is the new normal.
   */
  judgesSpikes(t: number, relearnAfterTicks: number): boolean {
    if (t < this.catchUpUntil) return false;
    return this.since === null || this.heldTicks >= relearnAfterTicks;
  }

  /**
   * Whether baselines may learn at `t`: when spikes are judged, and not on the ticks that may become
   * a drop.
   */
  mayLearn(t: number, relearnAfterTicks: number): boolean {
    return this.judgesSpikes(t, relearnAfterTicks) && (this.since !== null || this.lowRun === 0);
  }

  private watchForDrop(t: number, fleet: FleetSample): FleetDropTransition {
    const { ratio, broadShare, enterTicks, minTenants, minExpected } = this.options;
    const low =
      fleet.tenants >= minTenants &&
      fleet.expected >= minExpected &&
      fleet.down >= fleet.tenants * broadShare &&
      fleet.rate < fleet.expected * ratio;
    this.lowRun = low ? this.lowRun + 1 : 0;
    if (this.lowRun < enterTicks) return null;
    this.since = t;
    this.heldTicks = 0;
    this.okRun = 0;
    return { kind: 'started', ...fleet };
  }

  private reset(): void {
    this.since = null;
    this.lowRun = 0;
    this.okRun = 0;
    this.heldTicks = 0;
  }
}
