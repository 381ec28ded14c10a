/**
 * The demo's incident: one tenant jumps `factor`× at `startAt` and stays up for `durationMs` — or
 * until it is switched off, which ends it for good (the operator fixed it; turning the tenant back
 * on brings back its ordinary traffic, not the spike).
 */
export class ScriptedSpike {
  private over = false;

  constructor(
    readonly tenantId: string,
    readonly factor: number,
    private readonly startAt: number,
    private readonly durationMs: number,
  ) {}

  /** The multiplier for the spiking tenant at `now`; `allowed` is whether it may publish. */
  multiplier(now: number, allowed: boolean): number {
    if (this.over || now < this.startAt) return 1;
    if (!allowed || now >= this.startAt + this.durationMs) {
      this.over = true;
      return 1;
    }
    return this.factor;
  }

  get ended(): boolean {
    return this.over;
  }
}
