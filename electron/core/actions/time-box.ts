import { join } from 'node:path';
import type { AuditEntry } from '../api';
import { errorText } from '../errors/error-text';
import type { DataFileError } from '../storage/data-file-error';
import { type Now, systemNow, systemTimers, type Timers } from './clock';
import type { PendingRevert } from './pending-revert';
import { readPendingReverts, writePendingReverts } from './pending-reverts-file';
import { switchKey } from './tenant-switch';

/** A revert that did not happen; it stays pending and is tried again at `retryAt`. */
export interface RevertFailure {
  revert: PendingRevert;
  error: string;
  attempt: number;
  retryAt: number;
}

export interface TimeBoxOptions {
  dataDir: string;
  /** default "pending-reverts.json"; each flag store has its own (its reverts go to that store) */
  fileName?: string;
  /** Run one revert through the flip path (FlipService.revert). */
  revert(pending: PendingRevert): Promise<AuditEntry>;
  onRevertFailed?(failure: RevertFailure): void;
  now?: Now;
  timers?: Timers;
  /** Waits between attempts of a failing revert; the last one repeats. Default 5 s, 15 s, 1 min, 5 min. */
  retryDelaysMs?: readonly number[];
  /** The pending reverts changed (loaded, scheduled, cancelled, done): every one now. */
  onChange?(reverts: PendingRevert[]): void;
}

// setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); longer waits are re-armed on firing.
const MAX_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_RETRY_DELAYS_MS = [5_000, 15_000, 60_000, 300_000];

/**
 * The pending reverts of time-boxed flips, persisted in the data directory (one file per flag store,
 * `pending-reverts.json` for the embedded one) so that a time box survives a restart. One per tenant switch: a new flip of the switch replaces or cancels it.
 * A revert that fails stays pending and is retried with backoff until it succeeds or is replaced.
 */
export class TimeBox {
  readonly path: string;
  private readonly pending = new Map<string, PendingRevert>();
  private readonly timers = new Map<string, unknown>();
  private readonly attempts = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  /** the switches whose revert is being carried out now */
  private readonly reverting = new Set<string>();
  private loadProblem: DataFileError | null = null;
  private writes: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly now: Now;
  private readonly clock: Timers;

  constructor(private readonly options: TimeBoxOptions) {
    this.path = join(options.dataDir, options.fileName ?? 'pending-reverts.json');
    this.now = options.now ?? systemNow;
    this.clock = options.timers ?? systemTimers;
  }

  /** Load the persisted reverts and arm them; overdue ones run at once (on the next timer turn). */
  async start(): Promise<void> {
    const read = await readPendingReverts(this.path);
    if (read.state === 'invalid') this.loadProblem = read.error;
    if (read.state !== 'ok') return;
    for (const revert of read.value.reverts) {
      this.pending.set(switchKey(revert.flagKey, revert.tenantId), revert);
      this.armAt(revert);
    }
    this.changed();
  }

  /** Why time boxes are not being persisted (the file is invalid and left untouched), or null. */
  problem(): DataFileError | null {
    return this.loadProblem;
  }

  list(): PendingRevert[] {
    return [...this.pending.values()];
  }

  pendingFor(flagKey: string, tenantId: string | null): PendingRevert | null {
    return this.pending.get(switchKey(flagKey, tenantId)) ?? null;
  }

  /**
   * Arm a revert, replacing any for the same switch, and persist. The timer is armed first, so a
   * rejection means only that this time box would not survive a restart.
   */
  schedule(revert: PendingRevert): Promise<void> {
    const key = switchKey(revert.flagKey, revert.tenantId);
    this.pending.set(key, revert);
    this.attempts.delete(key);
    this.armAt(revert);
    this.changed();
    return this.persist();
  }

  /** Drop the switch's pending revert, if any, and persist. */
  cancel(flagKey: string, tenantId: string | null): Promise<void> {
    const key = switchKey(flagKey, tenantId);
    if (!this.pending.delete(key)) return Promise.resolve();
    this.disarm(key);
    this.attempts.delete(key);
    this.changed();
    return this.persist();
  }

  /**
   * Run every overdue revert now, those waiting out a retry delay too: the flag system that refused
   * them is back (a provider that connected), and a kill must not stay off for the rest of a backoff
   * that can reach five minutes. Reverts not yet due keep their time; one running is left to finish.
   */
  retryNow(): void {
    const now = this.now();
    for (const [key, revert] of this.pending) {
      if (Date.parse(revert.revertAt) <= now && !this.reverting.has(key)) this.armIn(revert, 0);
    }
  }

  /** Resolves when no revert is running (for shutdown, and for tests driving a fake clock). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const key of this.timers.keys()) this.disarm(key);
    await this.idle();
    await this.writes;
  }

  private armAt(revert: PendingRevert): void {
    this.armIn(revert, Date.parse(revert.revertAt) - this.now());
  }

  private armIn(revert: PendingRevert, delayMs: number): void {
    const key = switchKey(revert.flagKey, revert.tenantId);
    this.disarm(key);
    if (this.stopped) return;
    const delay = Math.min(Math.max(delayMs, 0), MAX_TIMER_MS);
    this.timers.set(
      key,
      this.clock.setTimeout(() => this.fire(key, revert.auditId), delay),
    );
  }

  private disarm(key: string): void {
    if (!this.timers.has(key)) return;
    this.clock.clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private fire(key: string, auditId: string): void {
    this.timers.delete(key);
    const revert = this.pending.get(key);
    if (!revert || revert.auditId !== auditId || this.stopped) return;
    // Only a time box longer than the longest timer gets here early.
    if (Date.parse(revert.revertAt) > this.now()) {
      this.armAt(revert);
      return;
    }
    const run = this.runRevert(key, revert);
    this.running.add(run);
    this.reverting.add(key);
    void run.finally(() => {
      this.running.delete(run);
      this.reverting.delete(key);
    });
  }

  private async runRevert(key: string, revert: PendingRevert): Promise<void> {
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const error = await this.tryRevert(revert);
    const current = this.pending.get(key);
    // Replaced or cancelled meanwhile (the flip path cancels on success): nothing left to do.
    if (current?.auditId !== revert.auditId) return;
    if (error === null) {
      // The flip path normally cancels it itself; this covers a `revert` callback that does not.
      await this.cancel(revert.flagKey, revert.tenantId).catch((e) =>
        console.error('time box not cleared:', e),
      );
      return;
    }
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const delay = delays[Math.min(attempt, delays.length) - 1] ?? DEFAULT_RETRY_DELAYS_MS[0]!;
    this.armIn(revert, delay);
    this.report({ revert, error, attempt, retryAt: this.now() + delay });
  }

  /** null when the revert was applied, else why not. */
  private async tryRevert(revert: PendingRevert): Promise<string | null> {
    try {
      const entry = await this.options.revert(revert);
      return entry.outcome === 'applied' ? null : (entry.error ?? `revert ended ${entry.outcome}`);
    } catch (error) {
      return errorText(error);
    }
  }

  private report(failure: RevertFailure): void {
    const report = this.options.onRevertFailed ?? ((f: RevertFailure) => console.error('revert failed:', f));
    try {
      report(failure);
    } catch (error) {
      console.error('revert failure listener failed:', error);
    }
  }

  private changed(): void {
    try {
      this.options.onChange?.(this.list());
    } catch (error) {
      console.error('time box listener failed:', error);
    }
  }

  private persist(): Promise<void> {
    const write = this.writes.then(() => this.writeFile());
    this.writes = write.catch(() => undefined);
    return write;
  }

  // Each write takes the state at the moment it runs, so the last write always holds the latest state.
  private async writeFile(): Promise<void> {
    if (this.loadProblem) {
      throw new Error(`${this.loadProblem.message} — left untouched, so time boxes are not being saved`);
    }
    await writePendingReverts(this.path, this.list());
  }
}
