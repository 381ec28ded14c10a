import type { Alert } from '../api';
import { formatRate } from './figures';

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

/** Stable for one transition (kind, tenant, sample time), so a host can de-duplicate notifications. */
function alertId(kind: Alert['kind'], tenantId: string, at: number): string {
  return `${kind}:${tenantId}:${at}`;
}
