import type { Alert } from '../../core/api';
import type { ConsoleCore } from '../../core/console-core.types';

/**
 * A desktop notification when a tenant starts spiking: the one alert worth interrupting someone for.
 * Rate-limited twice: a tenant that flaps is announced once per cooldown, and a storm of spikes
 * becomes one notification per interval. Spikes held back during an interval are never dropped:
 * when it ends they are announced together ("2 more tenants started spiking: acme, globex"), or
 * folded into the next notification if one comes first.
 */

export interface SpikeNotice {
  title: string;
  body: string;
  tenantId: string | null;
}

/** What every notifier is given: the core's events, a way to show a notice, the OS's support, a clock. */
export interface NotifierWiring {
  subscribe: ConsoleCore['subscribe'];
  notify: (notice: SpikeNotice) => void;
  isSupported?: () => boolean;
  now?: () => number;
}

export interface SpikeNotifierOptions extends NotifierWiring {
  /** the same tenant is announced at most once in this window (default 5 min) */
  perTenantCooldownMs?: number;
  /** at most one notification in this window (default 10 s) */
  minIntervalMs?: number;
}

/** Names listed in a summary; the rest are counted. */
const NAMED_IN_SUMMARY = 5;

export function createSpikeNotifier(options: SpikeNotifierOptions): () => void {
  const now = options.now ?? Date.now;
  const perTenant = options.perTenantCooldownMs ?? 5 * 60_000;
  const minInterval = options.minIntervalMs ?? 10_000;
  const lastByTenant = new Map<string, number>();
  let lastAny = Number.NEGATIVE_INFINITY;
  /** spikes held back in the current interval, by tenant: announced when it ends */
  const held = new Map<string, Alert>();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  const send = (notice: SpikeNotice, tenants: Iterable<string>) => {
    const t = now();
    for (const key of tenants) lastByTenant.set(key, t);
    lastAny = t;
    options.notify(notice);
  };

  const flushHeld = () => {
    flushTimer = null;
    if (options.isSupported && !options.isSupported()) held.clear();
    if (held.size === 0) return;
    const alerts = [...held.values()];
    const keys = [...held.keys()];
    held.clear();
    send(alerts.length === 1 ? spikeNotice(alerts[0]!, '') : summaryNotice(alerts), keys);
  };

  const holdBack = (key: string, alert: Alert) => {
    held.set(key, alert);
    flushTimer ??= setTimeout(flushHeld, Math.max(0, lastAny + minInterval - now()));
  };

  const onSpike = (alert: Alert) => {
    if (options.isSupported && !options.isSupported()) return;
    const t = now();
    const key = alert.tenantId ?? '';
    if (t - (lastByTenant.get(key) ?? Number.NEGATIVE_INFINITY) < perTenant) return;
    if (t - lastAny < minInterval) return holdBack(key, alert);
    // The interval is over but its timer has not fired yet: this notification carries the held ones.
    const others = [...held.keys()].filter((k) => k !== key);
    held.clear();
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    send(spikeNotice(alert, moreText(others)), [key, ...others]);
  };

  const unsubscribe = options.subscribe((event, payload) => {
    if (event === 'alerts.onAlert' && (payload as Alert).kind === 'spike') onSpike(payload as Alert);
  });
  return () => {
    unsubscribe();
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    held.clear();
  };
}

function spikeNotice(alert: Alert, more: string): SpikeNotice {
  return {
    title: `Spike: ${alert.tenantId ?? 'traffic'}`,
    body: `${alert.message}${more}`,
    tenantId: alert.tenantId,
  };
}

function summaryNotice(alerts: Alert[]): SpikeNotice {
  const count = alerts.length;
  return {
    title: `Spike: ${count} more tenants`,
    body: `${count} more tenants started spiking: ${namesText(alerts.map((a) => a.tenantId ?? 'traffic'))}`,
    tenantId: null,
  };
}

function moreText(tenants: string[]): string {
  if (tenants.length === 0) return '';
  const noun = tenants.length === 1 ? 'spike' : 'spikes';
  return ` (+${tenants.length} more ${noun}: ${namesText(tenants.map((t) => t || 'traffic'))})`;
}

function namesText(names: string[]): string {
  const shown = names.slice(0, NAMED_IN_SUMMARY).join(', ');
  const rest = names.length - NAMED_IN_SUMMARY;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}
