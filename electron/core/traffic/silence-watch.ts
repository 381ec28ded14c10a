import { withRoom } from './typed-array-growth';

/**
 * Silent: a tenant whose switch is on stopped sending — its publisher crashed, its events no longer
 * reach the broker, a routing rule broke. Per tenant a rate of 0 is otherwise "normal" (nothing is
 * spiking), and its baseline would quietly learn the zeros, so the console would never say it.
 *
 * No threshold to write: how long a tenant must be quiet follows from how much it usually sends.
 * Counting noise alone leaves a Poisson source at baseline b with no events for T seconds with
 * probability e^(−bT); a quiet tick here is one below `quietRatio` of the baseline, which the same
 * bound (Chernoff) puts at e^(−0.8·b·T). A tenant is marked once that chance is below e^(−evidence)
 * — one in ~500 million — so a tenant at 100/s is silent after `minQuietMs`, one at 0.5/s after
 * ~50 s. A bursty tenant (batches, cron jobs) is noisier than Poisson: its required quiet time grows
 * with its overdispersion (the Fano factor its noise spread gives), and one so irregular that it
 * would take longer than `maxQuietMs` is not judged at all.
 *
 * The caller holds the baseline while a tenant is silent (its normal is what it sent before), until
 * the silence has lasted so long that it is the new normal; the mark fades once that baseline has
 * fallen below `minBaseline`.
 */
export interface SilenceOptions {
  /** a tick is quiet below this fraction of the baseline */
  quietRatio: number;
  /** a tenant whose baseline is below this (events/s) is not judged: it hardly sends */
  minBaseline: number;
  /** −ln of the chance that counting noise alone looks like the silence */
  evidence: number;
  /** never marked after less quiet than this (ms): one late scrape is not a silence */
  minQuietMs: number;
  /** a tenant that would need longer than this (ms) is too irregular to judge */
  maxQuietMs: number;
  /**
   * A tenant switched back on is not judged for this long (ms): its rate takes a while to come back
   * (a Prometheus rate window, 5 s broker stats). As long as the fleet-drop's grace, so that a flag
   * turned back on for everyone that brings nothing back is one fleet-wide drop, not N silences.
   */
  resumeGraceMs: number;
}

export const defaultSilenceOptions: Readonly<SilenceOptions> = Object.freeze({
  quietRatio: 0.05,
  minBaseline: 0.5,
  evidence: 20,
  minQuietMs: 10_000,
  maxQuietMs: 10 * 60_000,
  resumeGraceMs: 60_000,
});

/** What one step changed. */
export const SILENCE_UNCHANGED = 0;
/** the tenant was marked silent */
export const SILENCE_STARTED = 1;
/** a silent tenant is sending again */
export const SILENCE_ENDED = 2;
/** the silence lasted until the baseline learned it: the tenant is unmarked without news */
export const SILENCE_FADED = 3;
/**
 * a quiet run began (not yet a silence): the baseline as it stands is what the tenant sends, and
 * should the run become a silence, the quiet ticks learned meanwhile were not its normal
 */
export const QUIET_BEGAN = 4;
export type SilenceChange =
  | typeof SILENCE_UNCHANGED
  | typeof SILENCE_STARTED
  | typeof SILENCE_ENDED
  | typeof SILENCE_FADED
  | typeof QUIET_BEGAN;

/** Chernoff's exponent for "below 5% of the mean" of a Poisson count, per unit of the mean. */
const CHERNOFF_FACTOR = 0.8;

/** Per-tenant quiet runs and silent marks, struct-of-arrays: one step allocates nothing. */
export class SilenceWatch {
  /** epoch ms the current quiet run began (the start of its first tick's interval); NaN = not quiet */
  private quietSince = new Float64Array(0);
  private silent = new Uint8Array(0);
  /** the baseline when the quiet run began: what the tenant is expected to send */
  private expectedRate = new Float64Array(0);
  /** how long (ms) the silence that the latest step ended or faded had lasted */
  endedSilenceMs = 0;
  /** tenants silent now */
  count = 0;

  constructor(private readonly options: SilenceOptions = defaultSilenceOptions) {}

  ensureCapacity(tenants: number): void {
    const from = this.quietSince.length;
    this.quietSince = withRoom(this.quietSince, tenants);
    this.quietSince.fill(Number.NaN, from);
    this.silent = withRoom(this.silent, tenants);
    this.expectedRate = withRoom(this.expectedRate, tenants);
  }

  isSilent(i: number): boolean {
    return this.silent[i] === 1;
  }

  /** Epoch ms tenant i went quiet (NaN when it is not). */
  quietSinceOf(i: number): number {
    return this.quietSince[i]!;
  }

  /** What a silent tenant was sending before (its baseline when it went quiet). */
  expected(i: number): number {
    return this.expectedRate[i]!;
  }

  /**
   * The rate to rank tenant i by in the overview's top: while it is quiet or silent, what it was
   * sending before — so a big tenant that stops stays in the stack, its fall drawn in its own colour
   * instead of folding into "others" as soon as it is gone. A silence that fades lets it go.
   */
  rankRate(i: number, rate: number): number {
    return Number.isNaN(this.quietSince[i]!) ? rate : Math.max(rate, this.expectedRate[i]!);
  }

  /** Whether the baseline must hold this tick: silent, and not for so long that silence is its normal. */
  holdsBaseline(i: number, t: number, relearnAfterMs: number): boolean {
    return this.silent[i] === 1 && t - this.quietSince[i]! < relearnAfterMs;
  }

  /**
   * Whether tenant i's quiet run began when it was switched back on at `resumedAt` (epoch ms): it
   * did not come back, rather than stopped.
   */
  quietSinceSwitchOn(i: number, resumedAt: number): boolean {
    return resumedAt > 0 && this.quietSince[i]! <= resumedAt;
  }

  /**
   * Judge tenant i's tick at `t` (its rate, baseline and noise spread in events/s). `judge` false:
   * the tenant is not judged (warming up, a fleet-wide drop) and its quiet run restarts. Switched
   * back on at `resumedAt` (epoch ms, 0 = never), its quiet run is counted from then but no silence
   * begins within the grace. Positional: this runs for every tenant on every tick and must not
   * allocate.
   */
  step(
    i: number,
    t: number,
    intervalMs: number,
    rate: number,
    baseline: number,
    spread: number,
    judge: boolean,
    resumedAt: number,
  ): SilenceChange {
    if (this.silent[i] === 1) return this.whileSilent(i, t, rate, baseline);
    const quiet = judge && baseline >= this.options.minBaseline && rate < baseline * this.options.quietRatio;
    if (!quiet) {
      this.quietSince[i] = Number.NaN;
      return SILENCE_UNCHANGED;
    }
    let change: SilenceChange = SILENCE_UNCHANGED;
    if (Number.isNaN(this.quietSince[i]!)) {
      this.quietSince[i] = t - intervalMs;
      this.expectedRate[i] = baseline;
      change = QUIET_BEGAN;
    }
    if (t - this.quietSince[i]! < this.requiredQuietMs(this.expectedRate[i]!, spread, intervalMs))
      return change;
    if (t - resumedAt < this.options.resumeGraceMs) return change;
    this.silent[i] = 1;
    this.count++;
    return SILENCE_STARTED;
  }

  /** Forget tenant i (switched off: an answered question, not a silence). */
  reset(i: number): void {
    if (this.silent[i] === 1) this.count--;
    this.silent[i] = 0;
    this.quietSince[i] = Number.NaN;
    this.expectedRate[i] = 0;
  }

  /**
   * How long a tenant with this baseline and noise must be quiet before that is no accident (ms);
   * Infinity for one too irregular to judge.
   */
  requiredQuietMs(baseline: number, spread: number, intervalMs: number): number {
    const { evidence, minQuietMs, maxQuietMs } = this.options;
    // Fano factor of the counts per tick: 1 for Poisson noise, more for a bursty tenant.
    const fano = (spread * spread * (Math.max(intervalMs, 1) / 1000)) / baseline;
    const ms = ((evidence * Math.max(1, fano)) / (CHERNOFF_FACTOR * baseline)) * 1000;
    if (ms > maxQuietMs) return Number.POSITIVE_INFINITY;
    return Math.max(minQuietMs, ms);
  }

  private whileSilent(i: number, t: number, rate: number, baseline: number): SilenceChange {
    const sending = rate >= this.expectedRate[i]! * this.options.quietRatio;
    // Held baselines never fall; one that learned the silence (caller's relearn) ends the mark.
    if (!sending && baseline >= this.options.minBaseline) return SILENCE_UNCHANGED;
    this.endedSilenceMs = t - this.quietSince[i]!;
    this.reset(i);
    return sending ? SILENCE_ENDED : SILENCE_FADED;
  }
}
