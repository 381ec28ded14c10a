import type { AuditLog } from '../actions/audit-log';
import { entrySubject } from '../actions/audit-record';
import { effectText, killDidNotStop, killNotStoppedText } from '../actions/effect-text';
import type { EffectTracker, EntryWithEffect } from '../actions/effect-tracker';
import type { RevertFailure } from '../actions/time-box';
import type { Alert, AuditEntry } from '../api';
import { KILL_SWITCH_FLAG } from '../flags/embedded/default-flags';
import type { FlagProvider } from '../flags/flag-provider';
import type { MetricsSample } from '../metrics/metrics-source';
import type { TenantDirectory } from '../tenants/tenant-directory';
import type { TrafficModel } from '../traffic/traffic-model';
import type { EventBus } from './event-bus';
import type { SourceBoard } from './source-board';

export interface ConsoleEventsOptions {
  bus: EventBus;
  model: TrafficModel;
  tenants: TenantDirectory;
  provider: FlagProvider;
  audit: AuditLog;
  effects: EffectTracker;
  sources: SourceBoard;
}

/**
 * Joins the parts' own events into what the UI sees: flag changes update the table's switch column,
 * audit outcomes become chart markers and alerts, effects become "acme: 8,400 → 0 ev/s in 1.3 s".
 */
export class ConsoleEvents {
  private readonly publishing = new Map<string, boolean>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly marked = new Set<string>();
  private alertSeq = 0;
  private capAlerted = false;

  constructor(private readonly o: ConsoleEventsOptions) {}

  start(): void {
    const { model, tenants, provider, audit, effects, bus } = this.o;
    model.setTenants(tenants.list());
    model.setPublishing((id) => this.isPublishing(id));
    this.unsubscribers.push(
      provider.onChange((change) => {
        this.publishing.clear();
        bus.emit('flags.onChange', change);
      }),
      tenants.onChange((list) => model.setTenants(list)),
      audit.onEntry((entry) => this.auditEntry(entry)),
      effects.onEffect((entry) => this.effectAlert(entry)),
    );
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  /**
   * Tenants seen in traffic but not in the tenants file still appear, marked unknown — up to the
   * directory's cap; the first time ids are ignored because of it, one alert says so.
   */
  observe(sample: MetricsSample): void {
    const { tenants } = this.o;
    tenants.observe(sample.rates.keys());
    if (this.capAlerted || !tenants.capReached()) return;
    this.capAlerted = true;
    this.alert(
      'warning',
      'source',
      null,
      `traffic names more than ${tenants.maxTenants.toLocaleString('en-US')} tenants: further tenants not in the tenants file are ignored (their events still count in the total)`,
    );
  }

  /**
   * After each tick. While the rates are stale (the rate source failed or is slow) flip effects are
   * not judged: the frozen last rate says nothing about whether a flip took effect.
   */
  afterTick(now: number, ratesFresh = true): void {
    for (const alert of this.o.model.drainAlerts()) this.o.bus.emit('alerts.onAlert', alert);
    if (ratesFresh) void this.o.effects.onTick(now);
    this.o.sources.publishIfChanged(now);
  }

  revertFailed(failure: RevertFailure): void {
    const { revert, error, retryAt } = failure;
    const message = `time-box revert of ${entrySubject(revert)} failed: ${error}; retrying at ${new Date(retryAt).toLocaleTimeString()}`;
    this.alert('critical', 'flip-failed', revert.tenantId, message);
  }

  private isPublishing(tenantId: string): boolean {
    let value = this.publishing.get(tenantId);
    if (value === undefined) {
      value = this.o.provider.valuesFor(KILL_SWITCH_FLAG, [tenantId]).get(tenantId) !== false;
      this.publishing.set(tenantId, value);
    }
    return value;
  }

  private auditEntry(entry: AuditEntry): void {
    this.o.bus.emit('audit.onEntry', entry);
    if (entry.outcome === 'pending' || this.marked.has(entry.id)) return;
    this.marked.add(entry.id);
    if (entry.outcome === 'failed') {
      this.alert('critical', 'flip-failed', entry.tenantId, `${entrySubject(entry)} failed: ${entry.error}`);
      return;
    }
    if (entry.outcome === 'interrupted') {
      const why = entry.error ? `: ${entry.error}` : '';
      this.alert('critical', 'flip-failed', entry.tenantId, `${entrySubject(entry)} was interrupted${why}`);
      return;
    }
    this.o.model.addMarker({
      t: Date.parse(entry.confirmedAt ?? entry.at),
      kind: entry.action === 'revert' ? 'revert' : 'flip',
      tenantId: entry.tenantId,
      label: `${entry.flagKey} → ${flipValueText(entry)}${entry.action === 'revert' ? ' (time box ended)' : ''}`,
    });
    if (entry.tenantId === null) {
      const state = entry.value ? 'on' : 'off';
      if (entry.action === 'revert')
        this.alert('info', 'revert', null, `time box ended: ${entry.flagKey} is back ${state} for everyone`);
      else
        this.alert(
          'warning',
          'flag',
          null,
          `${entry.flagKey} turned ${state} for everyone by ${entry.actor}`,
        );
      return;
    }
    if (entry.action === 'revert')
      this.alert(
        'info',
        'revert',
        entry.tenantId,
        `time box ended: ${entry.flagKey} for ${entry.tenantId} is back to ${String(entry.value)}`,
      );
  }

  /**
   * A measured effect is news (info); a kill whose tenant kept sending through the whole watch is an
   * incident still going on (critical): the switch is off, yet the traffic is not.
   */
  private effectAlert(entry: EntryWithEffect): void {
    const name = this.o.tenants.get(entry.tenantId)?.name ?? entry.tenantId;
    if (killDidNotStop(entry.effect)) {
      this.alert('critical', 'effect', entry.tenantId, killNotStoppedText(name, entry.flagKey, entry.effect));
      return;
    }
    this.alert('info', 'effect', entry.tenantId, effectText(name, entry.effect));
  }

  private alert(
    severity: Alert['severity'],
    kind: Alert['kind'],
    tenantId: string | null,
    message: string,
  ): void {
    this.o.bus.emit('alerts.onAlert', {
      id: `core-${++this.alertSeq}`,
      at: Date.now(),
      kind,
      severity,
      tenantId,
      message,
    });
  }
}

/** "false" for a tenant; "off for everyone" for a flag turned off for every tenant. */
function flipValueText(entry: AuditEntry): string {
  if (entry.tenantId !== null) return String(entry.value);
  return `${entry.value ? 'on' : 'off'} for everyone`;
}
