/**
 * Every number the detector uses, in one place. The user writes no thresholds: these defaults are
 * meant to be right for an event pipeline sampled about once a second. The `detection` settings
 * (settings/detection-settings.ts) tune the thresholds by these names; the top-tenant options stay.
 */

/** One level (spike or elevated). A tenant qualifies on a tick only when all three tests pass. */
export interface LevelThresholds {
  /** rate / baseline at least this */
  ratio: number;
  /**
   * rate − baseline at least this many events/s. The absolute floor: a tenant going from 0.2/s to 2/s
   * is a 10× ratio but not an incident.
   */
  excess: number;
  /** rate − baseline at least this many times the tenant's own noise spread */
  sigmas: number;
  /** consecutive qualifying ticks before the level is entered (confirmation against one-tick blips) */
  enterTicks: number;
}

export interface DetectionOptions {
  /** time constant of the slow baseline EWMA, ms */
  baselineTauMs: number;
  /** samples learned before the baseline is trusted; until then a tenant is never judged */
  warmupSamples: number;
  spike: LevelThresholds;
  elevated: LevelThresholds;
  /**
   * Hysteresis: to stay in a level each test need only reach this fraction of its entry threshold
   * (ratio 4× → 1 + 3 × 0.5 = 2.5×), so a rate wavering around the entry line does not flicker.
   */
  holdFraction: number;
  /** consecutive ticks below the hold line before a level is left */
  calmTicks: number;
  /**
   * The baseline freezes while a tenant is elevated so that a slow climb is not learned as normal.
   * A milder shift that lasts this long is taken as the tenant's new normal and learning resumes, so
   * that a tenant whose traffic doubled for good is not marked elevated forever. Spikes never relearn.
   */
  relearnElevatedAfterMs: number;
  /** consecutive ticks above the limit before a tenant is marked over limit */
  overLimitEnterTicks: number;
  /**
   * consecutive ticks at or under the limit before the mark is left: longer than for spikes, since a
   * tenant running near its limit crosses it on noise alone and each entry raises an alert
   */
  overLimitCalmTicks: number;
  /**
   * A tenant marked over limit again this soon after its last over-limit alert is marked, not
   * announced: one running at its limit would otherwise raise a toast every minute or two.
   */
  overLimitRepeatAlertMs: number;
  /** tenants stacked in the overview (tick.top) */
  topCount: number;
  /** a challenger displaces a top tenant, or overtakes it in order, only when this much faster */
  topMargin: number;
  /** EWMA weight of the newest rate when ranking the top (smooths counting noise; 1 = none) */
  topSmoothing: number;
}

export const defaultDetectionOptions: Readonly<DetectionOptions> = Object.freeze({
  baselineTauMs: 5 * 60_000,
  warmupSamples: 20,
  spike: Object.freeze({ ratio: 4, excess: 10, sigmas: 8, enterTicks: 2 }),
  elevated: Object.freeze({ ratio: 1.8, excess: 5, sigmas: 6, enterTicks: 3 }),
  holdFraction: 0.5,
  calmTicks: 5,
  relearnElevatedAfterMs: 15 * 60_000,
  overLimitEnterTicks: 2,
  overLimitCalmTicks: 15,
  overLimitRepeatAlertMs: 10 * 60_000,
  topCount: 5,
  topMargin: 0.15,
  topSmoothing: 0.3,
});

export type DetectionOptionsPatch = Partial<Omit<DetectionOptions, 'spike' | 'elevated'>> & {
  spike?: Partial<LevelThresholds>;
  elevated?: Partial<LevelThresholds>;
};

/** The defaults with a (possibly partial) setting laid over them. */
export function resolveDetectionOptions(patch: DetectionOptionsPatch = {}): DetectionOptions {
  return {
    ...defaultDetectionOptions,
    ...patch,
    spike: { ...defaultDetectionOptions.spike, ...patch.spike },
    elevated: { ...defaultDetectionOptions.elevated, ...patch.elevated },
  };
}
