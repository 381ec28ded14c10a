import type { Alert } from '../../core/api';
import type { ConsoleCore } from '../../core/console-core.types';

/**
 * A desktop notification when a tenant starts spiking: the one alert worth interrupting someone for.
 * Rate-limited twice: a tenant that flaps is announced once per cooldown, and a storm of spikes
 * becomes one notification per interval that says how many more there were.
 */

export interface SpikeNotice {
  title: string;
  body: string;
  tenantId: string | null;
}

export interface SpikeNotifierOptions {
  subscribe: ConsoleCore['subscribe'];
  notify: (notice: SpikeNotice) => void;
  isSupported?: () => boolean;
  now?: () => number;
  /** the same tenant is announced at most once in this window (default 5 min) */
  perTenantCooldownMs?: number;
  /** at most one notification in this window (default 10 s) */
  minIntervalMs?: number;
}

export function createSpikeNotifier(options: SpikeNotifierOptions): () => void {
  const now = options.now ?? Date.now;
  const perTenant = options.perTenantCooldownMs ?? 5 * 60_000;
  const minInterval = options.minIntervalMs ?? 10_000;
  const lastByTenant = new Map<string, number>();
  let lastAny = Number.NEGATIVE_INFINITY;
  let suppressed = 0;

  const onSpike = (alert: Alert) => {
    if (options.isSupported && !options.isSupported()) return;
    const t = now();
    const key = alert.tenantId ?? '';
    if (t - (lastByTenant.get(key) ?? Number.NEGATIVE_INFINITY) < perTenant) return;
    if (t - lastAny < minInterval) {
      suppressed += 1;
      return;
    }
    lastByTenant.set(key, t);
    lastAny = t;
    const more = suppressed > 0 ? ` (+${suppressed} more spike${suppressed === 1 ? '' : 's'})` : '';
    suppressed = 0;
    options.notify({
      title: `Spike: ${alert.tenantId ?? 'traffic'}`,
      body: `${alert.message}${more}`,
      tenantId: alert.tenantId,
    });
  };

  return options.subscribe((event, payload) => {
    if (event === 'alerts.onAlert' && (payload as Alert).kind === 'spike') onSpike(payload as Alert);
  });
}
