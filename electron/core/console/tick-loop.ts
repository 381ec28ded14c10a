/**
 * Runs one tick per interval without overlap: a slow tick delays the next one instead of piling up,
 * and a failing tick is reported and the loop goes on.
 */
export class TickLoop {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;

  constructor(
    private intervalMs: number,
    private readonly tick: (now: number) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
  }

  get interval(): number {
    return this.intervalMs;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    const started = Date.now();
    try {
      await this.tick(started);
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
      // Keep the cadence aligned to the interval, not to interval + tick duration.
      this.schedule(Math.max(0, this.intervalMs - (Date.now() - started)));
    }
  }
}
