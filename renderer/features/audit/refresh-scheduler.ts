/**
 * When to read the provider's log again after changes were announced: once things went quiet for
 * `debounceMs`, never sooner than `minGapMs` after the previous read (LaunchDarkly's API is rate
 * limited and each read is several pages), and at the latest `maxWaitMs` after the first
 * announcement, so that a steady stream of changes cannot put the read off for ever.
 */
export interface RefreshTiming {
  debounceMs: number;
  minGapMs: number;
  maxWaitMs: number;
}

export const PROVIDER_LOG_TIMING: RefreshTiming = { debounceMs: 1_000, minGapMs: 3_000, maxWaitMs: 5_000 };

export class RefreshScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** when the first change not yet read was announced */
  private firstRequestAt: number | null = null;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(
    private readonly run: () => void,
    private readonly timing: RefreshTiming = PROVIDER_LOG_TIMING,
  ) {
    for (const [name, ms] of Object.entries(timing)) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`${name} must be a finite number ≥ 0, not ${ms}`);
    }
  }

  /** A change was announced: read again soon, coalesced with the others. */
  request(): void {
    if (this.disposed) return;
    const now = Date.now();
    this.firstRequestAt ??= now;
    const { debounceMs, minGapMs, maxWaitMs } = this.timing;
    const due = Math.max(
      Math.min(now + debounceMs, this.firstRequestAt + maxWaitMs),
      this.lastRunAt + minGapMs,
    );
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - now));
  }

  /** Read now (first load, reconnect, profile switch); pending requests are covered by it. */
  runNow(): void {
    if (this.disposed) return;
    this.fire();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.firstRequestAt = null;
    this.lastRunAt = Date.now();
    this.run();
  }
}
