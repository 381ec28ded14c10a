/**
 * What every benchmark file shares: the figures it returns, the quick mode for smoke runs, the
 * clean-up of what it started (also when it fails or is interrupted), and running one file alone.
 */
import { pathToFileURL } from 'node:url';

export interface Figure {
  /** NaN when nothing could be measured: then `failed` says why */
  value: number;
  unit: 'ms' | 'fps' | 'MB' | 'msg/s' | '%';
  note?: string;
  /**
   * Set when some or all of the measurement failed (a trial timed out, ...): printed and recorded
   * beside the value, never folded into it in silence.
   */
  failed?: string;
}
export type BenchResult = Record<string, Figure>;

/**
 * SWITCHBOARD_BENCH_QUICK=1: every benchmark shrinks its trials and durations to a smoke test of a
 * few seconds to a couple of minutes. Its figures mean nothing, so `npm run bench` does not record them.
 */
export const QUICK = process.env.SWITCHBOARD_BENCH_QUICK === '1';

/** `full`, or `quick` in quick mode. */
export function sized<T>(full: T, quick: T): T {
  return QUICK ? quick : full;
}

/** Whether the figure is (wholly or partly) a failure. */
export function isFailure(figure: Figure): boolean {
  return figure.failed !== undefined || !Number.isFinite(figure.value);
}

export function formatFigure(name: string, figure: Figure): string {
  const value = Number.isFinite(figure.value)
    ? `${String(round(figure.value)).padStart(10)} ${figure.unit}`
    : 'FAILED'.padStart(10);
  const note = figure.note ? `  (${figure.note})` : '';
  const failed = figure.failed ? `\n  ${''.padEnd(36)} ⚠ FAILED: ${figure.failed}` : '';
  return `  ${name.padEnd(36)} ${value}${note}${failed}`;
}

export const round = (n: number): number => Math.round(n * 100) / 100;

/** a signal came: the process is on its way out */
let interrupted = false;

/**
 * Clean-up steps, run newest first (what was started last depends on what was started before it),
 * each even when another fails, so a failed benchmark leaves no broker or server behind.
 */
export class Cleanups {
  private readonly steps: { what: string; step: () => Promise<unknown>; leftToExitHook: boolean }[] = [];
  private running: Promise<void> = Promise.resolve();

  /**
   * `leftToExitHook`: after a signal the step is skipped, because what it stops kills itself on
   * process exit and does that better: a private RabbitMQ's 'exit' hook SIGKILLs its node and epmd,
   * while its graceful stop() unregisters that hook first and then waits a minute on a node whose
   * epmd the Ctrl-C (sent to the whole process group) has already killed.
   */
  add(what: string, step: () => Promise<unknown>, options: { leftToExitHook?: boolean } = {}): void {
    this.steps.push({ what, step, leftToExitHook: options.leftToExitHook ?? false });
  }

  /**
   * Runs the steps not run yet. A second call (a signal arriving while a broker is being stopped)
   * waits for the first one to finish, so nothing is left half-stopped.
   */
  run(): Promise<void> {
    this.running = this.running.then(() => this.drain());
    return this.running;
  }

  private async drain(): Promise<void> {
    for (const { what, step, leftToExitHook } of this.steps.splice(0).reverse()) {
      if (leftToExitHook && interrupted) continue;
      try {
        await step();
      } catch (error) {
        console.error(`  clean-up of ${what} failed:`, error);
      }
    }
  }
}

/** The clean-up lists of the benchmarks running now, oldest first: what a signal must undo. */
const active = new Set<Cleanups>();

/** `run(cleanups)` with a fresh clean-up list that is always run afterwards. */
export async function withCleanups<T>(run: (cleanups: Cleanups) => Promise<T>): Promise<T> {
  const cleanups = new Cleanups();
  active.add(cleanups);
  try {
    return await run(cleanups);
  } finally {
    await cleanups.run();
    active.delete(cleanups);
  }
}

/**
 * How long an interrupted run may take to stop what it started: a broker whose stop() was already
 * under way when the signal came may need its CLI's full minute (see Cleanups.add).
 */
const SIGNAL_CLEANUP_MS = 90_000;
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

/**
 * Ctrl-C or a kill stops what the running benchmarks started before exiting: their clean-up lists,
 * newest first, then process.exit, which also runs the private brokers' own 'exit' hooks (they kill
 * the processes they started) — a default signal death would run neither. A second signal exits at once.
 */
export function exitCleanlyOnSignals(): void {
  for (const [signal, number] of Object.entries(SIGNAL_NUMBERS)) {
    process.on(signal, () => {
      const code = 128 + number;
      if (interrupted) process.exit(code);
      interrupted = true;
      console.error(`\n${signal}: stopping what the benchmark started (again to exit at once)`);
      const undo = async () => {
        for (const cleanups of [...active].reverse()) await cleanups.run();
      };
      const giveUp = new Promise<void>((resolve) => setTimeout(resolve, SIGNAL_CLEANUP_MS).unref());
      void Promise.race([undo(), giveUp]).finally(() => process.exit(code));
    });
  }
}

/**
 * `npx tsx bench/<name>.bench.ts`: when `moduleUrl` is the entry point, run the benchmark and print
 * its figures (nothing is recorded; `npm run bench` records). Exits non-zero when a figure failed.
 */
export async function runIfMain(moduleUrl: string, run: () => Promise<BenchResult>): Promise<void> {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(entry).href) return;
  exitCleanlyOnSignals();
  if (QUICK) console.log('quick mode (SWITCHBOARD_BENCH_QUICK=1): a smoke test, the figures mean nothing');
  try {
    const figures = await run();
    for (const [name, figure] of Object.entries(figures)) console.log(formatFigure(name, figure));
    if (Object.values(figures).some(isFailure)) process.exitCode = 1;
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
