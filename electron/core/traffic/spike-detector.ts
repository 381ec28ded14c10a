import type { DetectionOptions, LevelThresholds } from './detection-options';
import { withRoom } from './typed-array-growth';

/** How far above its baseline a tenant is, as the detector has confirmed it. */
export const NORMAL = 0;
export const ELEVATED = 1;
export const SPIKE = 2;
export type Level = typeof NORMAL | typeof ELEVATED | typeof SPIKE;

/**
 * Whether `rate` passes all three tests of a level against the baseline: ratio, absolute excess
 * and the tenant's own noise. `scale` 1 is the entry line; the hold fraction gives the (lower) line
 * a tenant must stay above to keep the level.
 */
export function qualifies(
  rate: number,
  baseline: number,
  spread: number,
  level: LevelThresholds,
  scale: number,
): boolean {
  const excess = rate - baseline;
  if (excess < level.excess * scale) return false;
  if (excess < level.sigmas * scale * spread) return false;
  return rate >= baseline * (1 + (level.ratio - 1) * scale);
}

/**
 * The spike/elevated state machine for every tenant, struct-of-arrays.
 *
 * Enter fast: a level is entered after `enterTicks` consecutive qualifying ticks (2 for a spike, so
 * a 10× jump is marked on the tick after it lands). Leave slowly: only after `calmTicks` consecutive
 * ticks below the hold line, so a rate wavering around the threshold keeps its mark.
 */
export class SpikeDetector {
  private level = new Uint8Array(0);
  private spikeRun = new Uint16Array(0);
  private elevatedRun = new Uint16Array(0);
  private calmRun = new Uint16Array(0);
  /** ticks spent at ELEVATED, for the relearn escape */
  private heldTicks = new Uint32Array(0);

  constructor(private options: DetectionOptions) {}

  /** Thresholds changed (settings): judged from the next step on, marks and runs kept. */
  setOptions(options: DetectionOptions): void {
    this.options = options;
  }

  ensureCapacity(tenants: number): void {
    this.level = withRoom(this.level, tenants);
    this.spikeRun = withRoom(this.spikeRun, tenants);
    this.elevatedRun = withRoom(this.elevatedRun, tenants);
    this.calmRun = withRoom(this.calmRun, tenants);
    this.heldTicks = withRoom(this.heldTicks, tenants);
  }

  levelOf(i: number): Level {
    return this.level[i] as Level;
  }

  /** Judge one tick; returns the level after it. */
  step(i: number, rate: number, baseline: number, spread: number): Level {
    const { spike, elevated } = this.options;
    const spikeNow = qualifies(rate, baseline, spread, spike, 1);
    const elevatedNow = spikeNow || qualifies(rate, baseline, spread, elevated, 1);
    this.spikeRun[i] = spikeNow ? Math.min(this.spikeRun[i]! + 1, 0xffff) : 0;
    this.elevatedRun[i] = elevatedNow ? Math.min(this.elevatedRun[i]! + 1, 0xffff) : 0;

    const current = this.level[i] as Level;
    const entered = this.entered(i, current);
    if (entered > current) return this.moveTo(i, entered);
    if (current === NORMAL) return NORMAL;
    if (current === ELEVATED) this.heldTicks[i] = this.heldTicks[i]! + 1;

    const hold = this.options.holdFraction;
    if (qualifies(rate, baseline, spread, current === SPIKE ? spike : elevated, hold)) {
      this.calmRun[i] = 0;
      return current;
    }
    const calm = this.calmRun[i]! + 1;
    if (calm < this.options.calmTicks) {
      this.calmRun[i] = calm;
      return current;
    }
    // Calm long enough: settle on the level the rate still supports (a fading spike may stay elevated).
    const settled =
      current === SPIKE && qualifies(rate, baseline, spread, elevated, hold) ? ELEVATED : NORMAL;
    return this.moveTo(i, settled);
  }

  /**
   * Whether this tick's sample may teach the baseline: only when the tenant is normal and not in the
   * middle of a run that may become a level (so the first tick of a spike is not learned either), or
   * when a milder shift has lasted long enough to be the new normal.
   */
  mayLearn(i: number, relearnTicks: number): boolean {
    const level = this.level[i]!;
    if (level === NORMAL) return this.elevatedRun[i] === 0;
    return level === ELEVATED && this.heldTicks[i]! >= relearnTicks;
  }

  /** Forget everything about tenant i (switched off, or its baseline is not trusted yet). */
  reset(i: number): void {
    this.level[i] = NORMAL;
    this.spikeRun[i] = 0;
    this.elevatedRun[i] = 0;
    this.calmRun[i] = 0;
    this.heldTicks[i] = 0;
  }

  private entered(i: number, current: Level): Level {
    if (this.spikeRun[i]! >= this.options.spike.enterTicks) return SPIKE;
    if (current === NORMAL && this.elevatedRun[i]! >= this.options.elevated.enterTicks) return ELEVATED;
    return current;
  }

  private moveTo(i: number, level: Level): Level {
    this.level[i] = level;
    this.calmRun[i] = 0;
    this.heldTicks[i] = 0;
    return level;
  }
}
