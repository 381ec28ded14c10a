import type { FlipEffect, TenantAuditEntry } from '../api';
import type { AuditLog } from './audit-log';

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
  audit: Pick<AuditLog, 'append' | 'get'>;
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
  onError?(error: unknown): void;
}

/** An audit entry once its effect has been judged. */
export type EntryWithEffect = TenantAuditEntry & { effect: FlipEffect };

interface Watched extends EffectWatch {
  auditId: string;
  tenantId: string;
  lastRate: number;
}

/**
 * After an applied flip, watches the tenant's rate tick by tick and records the effect in the audit
 * ("acme: 8,400 → 0 ev/s in 1.3 s"). One watch per tenant: a newer flip of the same tenant replaces
 * the older watch, whose effect could no longer be told apart (it stays null: not measured).
 */
export class EffectTracker {
  private readonly watched = new Map<string, Watched>();
  private readonly listeners = new Set<(entry: EntryWithEffect) => void>();
  private readonly tolerance: { absolute: number; relative: number };
  private readonly observeMs: number;
  private readonly giveUpMs: number;

  constructor(private readonly options: EffectTrackerOptions) {
    this.tolerance = options.zeroTolerance ?? { absolute: 0.5, relative: 0.01 };
    this.observeMs = options.observeMs ?? 5_000;
    this.giveUpMs = options.giveUpMs ?? 30_000;
  }

  rateNow(tenantId: string): number | null {
    return this.options.latestRate(tenantId);
  }

  watch(entry: TenantAuditEntry, watch: EffectWatch): void {
    this.watched.set(entry.tenantId, {
      ...watch,
      auditId: entry.id,
      tenantId: entry.tenantId,
      lastRate: watch.before,
    });
  }

  /** Called by the core on every tick. Resolves once the effects judged this tick are in the audit. */
  async onTick(now: number): Promise<void> {
    const judged: { auditId: string; effect: FlipEffect }[] = [];
    for (const watched of this.watched.values()) {
      const effect = this.judge(watched, now);
      if (!effect) continue;
      // Taken out before any await, so an overlapping tick cannot judge it twice.
      this.watched.delete(watched.tenantId);
      judged.push({ auditId: watched.auditId, effect });
    }
    await Promise.all(judged.map(({ auditId, effect }) => this.record(auditId, effect)));
  }

  /** Fires with the audit entry once its effect is recorded (for the chart marker and the alert). */
  onEffect(listener: (entry: EntryWithEffect) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watching(): number {
    return this.watched.size;
  }

  private judge(watched: Watched, now: number): FlipEffect | null {
    const rate = this.options.latestRate(watched.tenantId);
    if (rate !== null) watched.lastRate = rate;
    const ms = Math.max(0, now - watched.flipAt);
    const effect = (settled: boolean): FlipEffect => ({
      before: watched.before,
      after: watched.lastRate,
      ms,
      settled,
    });
    if (watched.expectZero && rate !== null && rate <= this.zeroLimit(watched.before)) return effect(true);
    if (!watched.expectZero && ms >= this.observeMs) return effect(true);
    if (ms >= this.giveUpMs) return effect(false);
    return null;
  }

  private zeroLimit(before: number): number {
    return Math.max(this.tolerance.absolute, this.tolerance.relative * before);
  }

  private async record(auditId: string, effect: FlipEffect): Promise<void> {
    const entry = this.options.audit.get(auditId);
    if (entry?.tenantId == null) return;
    const withEffect: EntryWithEffect = { ...entry, tenantId: entry.tenantId, effect };
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
