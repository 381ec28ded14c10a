import type { Alert, TrafficMarker } from '../../../electron/core/api';

/**
 * The chart marker an alert about one tenant carries to the overview (its spike, its silence): the
 * core sends a tenant's markers with the alerts that announce them, not with the tick. Null for the
 * rest — markers about every tenant ride on the tick.
 */
export function markerFromAlert(alert: Alert): TrafficMarker | null {
  if (!alert.tenantId) return null;
  if (alert.kind === 'spike')
    return { t: alert.at, kind: 'spike', tenantId: alert.tenantId, label: alert.tenantId };
  if (alert.kind === 'silent')
    return { t: alert.at, kind: 'silent', tenantId: alert.tenantId, label: `${alert.tenantId} silent` };
  return null;
}
