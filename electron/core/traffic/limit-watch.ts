import { withRoom } from './typed-array-growth';

/**
 * Over limit: the rate is above the tenant's usage limit. With the same shape of hysteresis as the
 * spike detector — entered after a couple of ticks over, left after several calm ticks at or under —
 * so a tenant running right at its limit does not blink in and out (and alert) every second.
 */
export class LimitWatch {
  private over = new Uint8Array(0);
  private overRun = new Uint16Array(0);
  private calmRun = new Uint16Array(0);

  constructor(
    private enterTicks: number,
    private calmTicks: number,
  ) {}

  /** Tick counts changed (settings): applied from the next step on, marks and runs kept. */
  setTicks(enterTicks: number, calmTicks: number): void {
    this.enterTicks = enterTicks;
    this.calmTicks = calmTicks;
  }

  ensureCapacity(tenants: number): void {
    this.over = withRoom(this.over, tenants);
    this.overRun = withRoom(this.overRun, tenants);
    this.calmRun = withRoom(this.calmRun, tenants);
  }

  isOver(i: number): boolean {
    return this.over[i] === 1;
  }

  /** Judge one tick; `limit` NaN means none. Returns whether the tenant is over limit after it. */
  step(i: number, rate: number, limit: number): boolean {
    if (!(rate > limit)) return this.calm(i);
    this.calmRun[i] = 0;
    const run = Math.min(this.overRun[i]! + 1, 0xffff);
    this.overRun[i] = run;
    if (run >= this.enterTicks) this.over[i] = 1;
    return this.over[i] === 1;
  }

  reset(i: number): void {
    this.over[i] = 0;
    this.overRun[i] = 0;
    this.calmRun[i] = 0;
  }

  private calm(i: number): boolean {
    this.overRun[i] = 0;
    if (this.over[i] === 0) return false;
    const calm = this.calmRun[i]! + 1;
    this.calmRun[i] = calm;
    if (calm >= this.calmTicks) this.reset(i);
    return this.over[i] === 1;
  }
}
