import type { FlipEffect, TenantAuditEntry } from '../api';
import type { AuditLog } from './audit-log';
import { type Now, systemNow } from './clock';

/** What the flip path tells the tracker about one applied flip. */
export interface EffectWatch {
  /** events/s just before the provider write */
  before: number;
  /** epoch ms just before the provider write */
  flipAt: number;
  /** a kill switch turned off: the tenant's traffic should stop */
  expectZero: boolean;
}

export interface EffectTrackerOptions {
  audit: Pick<AuditLog, 'append' | 'get' | 'measuring'>;
  /** The tenant's latest rate (events/s), null when there is no sample; called on each tick. */
  latestRate(tenantId: string): number | null;
  /**
   * "Stopped" means at most max(absolute, relative × before) events/s: a rate window (Prometheus
   * rate[30s], say) or one last in-flight batch leaves a tail that is not the flip failing.
   * Default 0.5 ev/s and 1 %.
   */
  zeroTolerance?: { absolute: number; relative: number };
  /** Flips that should not stop traffic are judged after this long. Default 5 s. */
  observeMs?: number;
  /** A kill that has not brought traffic down by then is recorded as not settled. Default 30 s. */
  giveUpMs?: number;
  now?: Now;
  onError?(error: unknown): void;
}

/** An audit entry once its effect has been judged (or found not measurable). */
export type EntryWithEffect = TenantAuditEntry & { effect: FlipEffect };

interface Watched extends EffectWatch {
  auditId: string;
  tenantId: string;
  flagKey: string;
  lastRate: number;
}

/** Why an effect was not measured, as the audit entry and the alert say it. */
export const NOT_MEASURED = {
  stopped:
    'the console stopped watching (a profile switch, or Switchboard closing) before the effect on traffic was measured',
  restarted: 'Switchboard stopped before the effect on traffic was measured',
  changedAgain: (entry: TenantAuditEntry) =>
    `${entry.flagKey} for ${entry.tenantId} was changed again (${entry.id}) before this change's effect could be told apart`,
};

/**
 * After an applied flip, watches the tenant's rate tick by tick and records the effect in the audit
 * ("acme: 8,400 → 0 ev/s in 1.3 s"). One watch per change (by audit id), so a kill keeps its own watch
 * when another flag of the same tenant changes. A watch that cannot finish — its switch changed again,
 * the session stopped, or the process died (found at the next start) — is completed as "not measured"
 * with the reason, so no entry is left measuring forever.
 */
export class EffectTracker {
  private readonly watched = new Map<string, Watched>();
  private readonly listeners = new Set<(entry: EntryWithEffect) => void>();
  private readonly recording = new Set<Promise<void>>();
  private readonly tolerance: { absolute: number; relative: number };
  private readonly observeMs: number;
  private readonly giveUpMs: number;
  private readonly now: Now;

  constructor(private readonly options: EffectTrackerOptions) {
    this.tolerance = options.zeroTolerance ?? { absolute: 0.5, relative: 0.01 };
    this.observeMs = options.observeMs ?? 5_000;
    this.giveUpMs = options.giveUpMs ?? 30_000;
    this.now = options.now ?? systemNow;
  }

  rateNow(tenantId: string): number | null {
    return this.options.latestRate(tenantId);
  }

  /**
   * Start watching an applied change. A running watch of the same switch ends as not measured: the
   * rate from here on answers to the newer change (a kill undone after 2 s is not a kill that failed).
   */
  watch(entry: TenantAuditEntry, watch: EffectWatch): void {
    for (const other of [...this.watched.values()]) {
      if (other.tenantId === entry.tenantId && other.flagKey === entry.flagKey) {
        this.drop(other, NOT_MEASURED.changedAgain(entry), watch.flipAt);
      }
    }
    this.watched.set(entry.id, {
      ...watch,
      auditId: entry.id,
      tenantId: entry.tenantId,
      flagKey: entry.flagKey,
      lastRate: watch.before,
    });
  }

  /**
   * Called by the core on every tick. Resolves once the effects judged this tick (and the watches
   * ended since the last one) are in the audit.
   */
  async onTick(now: number): Promise<void> {
    const judged: Promise<void>[] = [];
    for (const watched of [...this.watched.values()]) {
      const effect = this.judge(watched, now);
      // Taken out before any await, so an overlapping tick cannot judge it twice.
      if (effect) judged.push(this.complete(watched, effect));
    }
    await Promise.all([...judged, this.recorded()]);
  }

  /**
   * At a session's start: entries an earlier run was still measuring (it stopped without saying) are
   * completed as not measured. Resolves once they are in the audit.
   */
  async completeUnfinished(): Promise<void> {
    const unfinished = this.options.audit
      .measuring()
      .filter((entry) => entry.tenantId !== null && !this.watched.has(entry.id));
    await Promise.all(
      unfinished.map((entry) => {
        // Nothing was seen after the write: the rate before is all there is.
        const before = entry.measuringFrom ?? 0;
        const effect = { before, after: before, ms: 0, settled: false, notMeasured: NOT_MEASURED.restarted };
        return this.record(entry.id, effect);
      }),
    );
  }

  /** The session is ending: every running watch is completed as not measured. */
  async stop(): Promise<void> {
    const now = this.now();
    for (const watched of [...this.watched.values()]) this.drop(watched, NOT_MEASURED.stopped, now);
    await this.recorded();
  }

  /** Fires with the audit entry once its effect is recorded (for the chart marker and the alert). */
  onEffect(listener: (entry: EntryWithEffect) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watching(): number {
    return this.watched.size;
  }

  /** Resolves once the watches ended outside a tick are in the audit. */
  private async recorded(): Promise<void> {
    while (this.recording.size > 0) await Promise.allSettled([...this.recording]);
  }

  private drop(watched: Watched, why: string, now: number): void {
    const effect = this.effectOf(watched, now, false);
    const run = this.complete(watched, { ...effect, notMeasured: why });
    this.recording.add(run);
    void run.finally(() => this.recording.delete(run));
  }

  private complete(watched: Watched, effect: FlipEffect): Promise<void> {
    this.watched.delete(watched.auditId);
    return this.record(watched.auditId, effect);
  }

  private judge(watched: Watched, now: number): FlipEffect | null {
    const rate = this.options.latestRate(watched.tenantId);
    if (rate !== null) watched.lastRate = rate;
    const ms = now - watched.flipAt;
    if (watched.expectZero && rate !== null && rate <= this.zeroLimit(watched.before)) {
      return this.effectOf(watched, now, true);
    }
    if (!watched.expectZero && ms >= this.observeMs) return this.effectOf(watched, now, true);
    // Only a kill gets here: not settled means the tenant's traffic did not stop.
    if (watched.expectZero && ms >= this.giveUpMs) return this.effectOf(watched, now, false);
    return null;
  }

  private effectOf(watched: Watched, now: number, settled: boolean): FlipEffect {
    const ms = Math.max(0, now - watched.flipAt);
    return { before: watched.before, after: watched.lastRate, ms, settled };
  }

  private zeroLimit(before: number): number {
    return Math.max(this.tolerance.absolute, this.tolerance.relative * before);
  }

  private async record(auditId: string, effect: FlipEffect): Promise<void> {
    const entry = this.options.audit.get(auditId);
    if (entry?.tenantId == null) return;
    const withEffect: EntryWithEffect = { ...entry, tenantId: entry.tenantId, effect, measuringFrom: null };
    try {
      await this.options.audit.append(withEffect);
    } catch (error) {
      (this.options.onError ?? ((e: unknown) => console.error('effect not recorded:', e)))(error);
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(withEffect);
      } catch (error) {
        console.error('effect listener failed:', error);
      }
    }
  }
}
