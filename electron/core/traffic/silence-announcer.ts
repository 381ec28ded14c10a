import type { TenantRow } from '../api';
import type { MarkerLog } from './marker-log';
import type { AlertQueue } from './traffic-alerts';

/** At most this many tenants silent at once are announced one by one. */
export const SILENCES_ANNOUNCED_ONE_BY_ONE = 3;

/**
 * Turns one tick's silences (silence-watch.ts) into alerts and chart markers, at the end of the
 * tick. While few tenants are silent each one is news of its own: a toast and a marker per tenant,
 * "sending again" on its own topic. Once more are (one broker node of several, a shared pipeline
 * stage: broad but short of a fleet-wide drop, and the tenants cross their required quiet times on
 * different ticks), it is one story until none is silent any more: one rolling alert on one topic
 * — each newer one replaces the last, so a burst is one toast, not one per tenant — and one marker
 * when the count first passes the line.
 */
export class SilenceAnnouncer {
  private started: { row: TenantRow; sinceSwitchOn: boolean }[] = [];
  private ended: { row: TenantRow; silentForMs: number }[] = [];
  /**
   * Many tenants went silent, and not all of them are back: one story until every one is — the
   * last of them to come back must not get toasts of their own after a rolling alert named them.
   */
  private grouped = false;

  constructor(
    private readonly alerts: AlertQueue,
    private readonly markers: MarkerLog,
  ) {}

  /** `sinceSwitchOn`: it never came back after its switch was turned on, rather than stopped. */
  silenceStarted(row: TenantRow, sinceSwitchOn: boolean): void {
    this.started.push({ row, sinceSwitchOn });
  }

  silenceEnded(row: TenantRow, silentForMs: number): void {
    this.ended.push({ row, silentForMs });
  }

  /** Announce the tick's changes; `silentNow`: how many tenants are silent after it. */
  flush(t: number, silentNow: number): void {
    const { started, ended } = this;
    if (started.length === 0 && ended.length === 0) return;
    this.started = [];
    this.ended = [];
    const wasGrouped = this.grouped;
    this.grouped = silentNow > 0 && (wasGrouped || silentNow > SILENCES_ANNOUNCED_ONE_BY_ONE);
    if (!wasGrouped && !this.grouped) {
      this.oneByOne(t, started, ended);
      return;
    }
    if (started.length > 0) {
      this.alerts.silencesStarted(
        t,
        silentNow,
        started.map((s) => s.row.name),
      );
      if (!wasGrouped)
        this.markers.add({ t, kind: 'silent', tenantId: null, label: `${silentNow} tenants silent` });
    } else {
      this.alerts.silencesEnded(
        t,
        ended.map((e) => e.row.name),
        silentNow,
      );
    }
  }

  private oneByOne(t: number, started: SilenceAnnouncer['started'], ended: SilenceAnnouncer['ended']): void {
    for (const { row, sinceSwitchOn } of started) {
      this.alerts.silenceStarted(t, row, sinceSwitchOn);
      this.markers.add({ t, kind: 'silent', tenantId: row.id, label: `${row.name} silent` });
    }
    for (const { row, silentForMs } of ended)
      this.alerts.silenceEnded(t, row.id, row.name, row.rate, silentForMs);
  }
}
