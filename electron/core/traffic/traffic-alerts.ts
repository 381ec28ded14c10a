import type { Alert, TenantRow } from '../api';
import { formatSpan } from './broker-health/broker-text';
import { formatRate } from './figures';
import type { FleetDropTransition } from './fleet-drop';

type Started = Extract<FleetDropTransition, { kind: 'started' }>;
type Ended = Extract<FleetDropTransition, { kind: 'ended' }>;

/** Fleet-drop alerts share one topic: the recovery's toast replaces the drop's. */
export const FLEET_DROP_TOPIC = 'traffic:fleet-drop';

/**
 * Alerts raised by status transitions, queued until the core drains them once per tick. Bounded:
 * if nobody drains (a paused or headless core), the oldest are dropped, not memory.
 */
export class AlertQueue {
  private pending: Alert[] = [];

  constructor(private readonly cap = 1_000) {}

  spikeStarted(at: number, tenantId: string, name: string, why: string): void {
    this.push({
      id: alertId('spike', tenantId, at),
      at,
      kind: 'spike',
      severity: 'critical',
      tenantId,
      message: `${name} is spiking: ${why}`,
    });
  }

  spikeEnded(at: number, tenantId: string, name: string, reason: SpikeEnd): void {
    const message =
      reason.kind === 'switched-off'
        ? `${name} spike ended: publishing switched off`
        : `${name} spike ended: ${formatRate(reason.rate)} against a ${formatRate(reason.baseline)} baseline`;
    this.push({
      id: alertId('spike-ended', tenantId, at),
      at,
      kind: 'spike-ended',
      severity: 'info',
      tenantId,
      message,
    });
  }

  overLimitStarted(at: number, tenantId: string, name: string, why: string): void {
    this.push({
      id: alertId('over-limit', tenantId, at),
      at,
      kind: 'over-limit',
      severity: 'warning',
      tenantId,
      message: `${name} is over its limit: ${why}`,
    });
  }

  /** Only for a switch turned off: a tenant that calms down under its limit is not news. */
  overLimitSwitchedOff(at: number, tenantId: string, name: string): void {
    this.push({
      id: alertId('over-limit-ended', tenantId, at),
      at,
      kind: 'over-limit-ended',
      severity: 'info',
      tenantId,
      message: `${name} is no longer over its limit: publishing switched off`,
    });
  }

  /** The silence and its end share a topic per tenant: "sending again" replaces "stopped sending". */
  /** `sinceSwitchOn`: it never came back after its switch was turned on, rather than stopped. */
  silenceStarted(at: number, { id: tenantId, name, why }: TenantRow, sinceSwitchOn: boolean): void {
    this.push({
      id: alertId('silent', tenantId, at),
      at,
      kind: 'silent',
      severity: 'warning',
      tenantId,
      topic: silenceTopic(tenantId),
      message: sinceSwitchOn
        ? `${name} did not come back after its switch was turned on: ${why}`
        : `${name} stopped sending with its switch on: ${why}`,
    });
  }

  /**
   * Many tenants silent at once (silence-announcer.ts): one rolling alert about no one tenant; each
   * newer one replaces the last on one topic. `newlySilent`: the names of those that went this tick.
   */
  silencesStarted(at: number, silentNow: number, newlySilent: readonly string[]): void {
    this.push({
      id: alertId('silent', '*', at),
      at,
      kind: 'silent',
      severity: 'warning',
      tenantId: null,
      topic: SILENCES_TOPIC,
      message:
        `${silentNow} tenants silent with their switches on, newly ${someOf(newlySilent)} — ` +
        'likely a shared part of the pipeline, not the tenants',
    });
  }

  /** Some of many silent tenants are sending again: on the same topic, with how many still are not. */
  silencesEnded(at: number, sendingAgain: readonly string[], stillSilent: number): void {
    this.push({
      id: alertId('silent-ended', '*', at),
      at,
      kind: 'silent-ended',
      severity: stillSilent > 0 ? 'warning' : 'info',
      tenantId: null,
      topic: SILENCES_TOPIC,
      message: `${someOf(sendingAgain)} sending again; ${stillSilent > 0 ? `${stillSilent} still silent` : 'none silent now'}`,
    });
  }

  silenceEnded(at: number, tenantId: string, name: string, rate: number, silentForMs: number): void {
    this.push({
      id: alertId('silent-ended', tenantId, at),
      at,
      kind: 'silent-ended',
      severity: 'info',
      tenantId,
      topic: silenceTopic(tenantId),
      message: `${name} is sending again: ${formatRate(rate)} after ${formatSpan(silentForMs)} of silence`,
    });
  }

  fleetDropStarted(at: number, drop: Started): void {
    const down = drop.down === drop.tenants ? `All ${drop.tenants}` : `${drop.down} of ${drop.tenants}`;
    this.push({
      id: alertId('fleet-drop', '*', at),
      at,
      kind: 'fleet-drop',
      severity: 'critical',
      tenantId: null,
      topic: FLEET_DROP_TOPIC,
      // short enough for a toast's two lines: the header's tag and the docs say that baselines hold
      message: `${down} tenants down at once (${formatRate(drop.rate)}, ${formatRate(drop.expected)} expected): the broker or the pipeline, not a tenant`,
    });
  }

  fleetDropEnded(at: number, drop: Ended): void {
    this.push({
      id: alertId('fleet-drop-ended', '*', at),
      at,
      kind: 'fleet-drop-ended',
      severity: 'info',
      tenantId: null,
      topic: FLEET_DROP_TOPIC,
      message:
        `Traffic recovered after ${formatSpan(at - drop.since)}: ${formatRate(drop.rate)} against ` +
        `${formatRate(drop.expected)} expected. Spikes are judged again in ${formatSpan(drop.catchUpMs)}, ` +
        'once publishers have caught up',
    });
  }

  drain(): Alert[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  private push(alert: Alert): void {
    this.pending.push(alert);
    if (this.pending.length > this.cap) this.pending.splice(0, this.pending.length - this.cap);
  }
}

export type SpikeEnd = { kind: 'switched-off' } | { kind: 'calmed'; rate: number; baseline: number };

/** The rolling alert while many tenants are silent. */
export const SILENCES_TOPIC = 'traffic:silent:many';

/** "ACME, GLOBEX, INITECH and 4 more" */
function someOf(names: readonly string[], shown = 3): string {
  const more = names.length - shown;
  return more > 0 ? `${names.slice(0, shown).join(', ')} and ${more} more` : names.join(', ');
}

function silenceTopic(tenantId: string): string {
  return `traffic:silent:${tenantId}`;
}

/** Stable for one transition (kind, tenant, sample time), so a host can de-duplicate notifications. */
function alertId(kind: Alert['kind'], tenantId: string, at: number): string {
  return `${kind}:${tenantId}:${at}`;
}
