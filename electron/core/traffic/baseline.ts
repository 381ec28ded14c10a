import { withRoom } from './typed-array-growth';

/**
 * Per-tenant baseline and noise, struct-of-arrays so one tick over 10,000 tenants touches three
 * flat arrays and allocates nothing.
 *
 * - mean: a slow EWMA of the tenant's rate (time constant in minutes). Warm-up uses the cumulative
 *   mean (α = 1/n) until that is slower than the EWMA's α, so a fresh start is right after a few
 *   samples instead of creeping up from zero for several time constants.
 * - dev: an exponentially weighted mean absolute deviation of the rate from that mean — a robust
 *   spread (one outlier moves it linearly, not quadratically as a variance would). The caller only
 *   feeds it samples it judged ordinary, so spikes never inflate it.
 *
 * Learning is the caller's decision: it skips `learn` while a tenant is spiking, elevated or off.
 */
export class Baselines {
  private mean = new Float64Array(0);
  private dev = new Float64Array(0);
  private learned = new Uint32Array(0);
  /** mean and spread as `keep` found them, for `restore` */
  private keptMean = new Float64Array(0);
  private keptDev = new Float64Array(0);

  ensureCapacity(tenants: number): void {
    this.mean = withRoom(this.mean, tenants);
    this.dev = withRoom(this.dev, tenants);
    this.learned = withRoom(this.learned, tenants);
    this.keptMean = withRoom(this.keptMean, tenants);
    this.keptDev = withRoom(this.keptDev, tenants);
  }

  /**
   * Remember tenant i's baseline as it is, for the caller to take back samples it learned before it
   * could judge them (the first quiet ticks of what became a silence).
   */
  keep(i: number): void {
    this.keptMean[i] = this.mean[i]!;
    this.keptDev[i] = this.dev[i]!;
  }

  /** Back to what `keep` remembered (the sample count stays: those samples were seen). */
  restore(i: number): void {
    this.mean[i] = this.keptMean[i]!;
    this.dev[i] = this.keptDev[i]!;
  }

  /** The baseline in events/s (0 before the first sample). */
  value(i: number): number {
    return this.mean[i]!;
  }

  /** Noise spread in events/s, on the scale of a standard deviation (mean abs deviation × 1.25). */
  spread(i: number): number {
    // The small relative floor keeps a perfectly steady synthetic rate from dividing by zero.
    return Math.max(this.dev[i]! * MEAN_ABS_DEV_TO_SIGMA, this.mean[i]! * 0.005, 1e-6);
  }

  samples(i: number): number {
    return this.learned[i]!;
  }

  ready(i: number, warmupSamples: number): boolean {
    return this.learned[i]! >= warmupSamples;
  }

  learn(i: number, rate: number, slowAlpha: number): void {
    const n = this.learned[i]! + 1;
    this.learned[i] = n;
    if (n === 1) {
      this.mean[i] = rate;
      this.dev[i] = 0;
      return;
    }
    const alpha = Math.max(1 / n, slowAlpha);
    const mean = this.mean[i]!;
    this.mean[i] = mean + alpha * (rate - mean);
    const dev = this.dev[i]!;
    this.dev[i] = dev + alpha * (Math.abs(rate - mean) - dev);
  }
}

/** For normally distributed noise, σ ≈ 1.2533 × mean absolute deviation. */
const MEAN_ABS_DEV_TO_SIGMA = 1.2533;

/** The EWMA weight of one sample taken every `intervalMs` for a time constant `tauMs`. */
export function slowAlpha(intervalMs: number, tauMs: number): number {
  return 1 - Math.exp(-Math.max(intervalMs, 1) / Math.max(tauMs, 1));
}
