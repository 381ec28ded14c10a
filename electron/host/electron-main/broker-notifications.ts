import type { Alert } from '../../core/api';
import type { NotifierWiring } from './notifications';

/**
 * A desktop notification when a broker blocks every publisher (a memory or disk alarm) or shows the
 * early warning of the original incident (a suspected channel leak): the product goes read-only for
 * every tenant, which is worth interrupting someone for as much as one tenant's spike. Each condition
 * of each broker is announced at most once per cooldown, so an alarm that flaps at the watermark
 * does not ring every few seconds. The end of a condition is not announced (the window says so).
 *
 * A fleet-wide drop (most tenants' traffic down at once, traffic/fleet-drop.ts) is announced here
 * too: it is what a blocked broker looks like from the per-tenant counters alone, when no
 * management API is watched — the same condition, seen from the other side. So is the rolling alert
 * of many tenants gone silent at once (traffic/silence-announcer.ts): broad, short of a fleet-wide
 * drop, a shared part of the pipeline. One tenant's silence stays in the window.
 */

export interface BrokerNotifierOptions extends NotifierWiring {
  /** the same condition of the same broker is announced at most once in this window (default 5 min) */
  cooldownMs?: number;
}

/** The conditions announced, by the last part of the alert's topic (core/console/broker-board.ts). */
const TITLES: Record<string, string> = {
  memory: 'Broker memory alarm: publishers blocked',
  disk: 'Broker disk alarm: publishers blocked',
  leak: 'Broker: channel leak suspected',
};

export function createBrokerNotifier(options: BrokerNotifierOptions): () => void {
  const now = options.now ?? Date.now;
  const cooldown = options.cooldownMs ?? 5 * 60_000;
  const lastByTopic = new Map<string, number>();

  const onAlert = (alert: Alert) => {
    const title = conditionTitle(alert);
    if (!title || (options.isSupported && !options.isSupported())) return;
    const topic = alert.topic!;
    const t = now();
    if (t - (lastByTopic.get(topic) ?? Number.NEGATIVE_INFINITY) < cooldown) return;
    lastByTopic.set(topic, t);
    options.notify({ title, body: alert.message, tenantId: null });
  };

  return options.subscribe((event, payload) => {
    if (event === 'alerts.onAlert') onAlert(payload as Alert);
  });
}

/** The title of a broker condition worth a notification, or null for any other alert (and any end). */
function conditionTitle(alert: Alert): string | null {
  if (alert.kind === 'fleet-drop') return 'Traffic down for every tenant at once';
  if (alert.kind === 'silent' && alert.tenantId === null) return 'Several tenants stopped sending';
  if (alert.kind !== 'source' || alert.severity === 'info' || !alert.topic) return null;
  return TITLES[alert.topic.slice(alert.topic.lastIndexOf(':') + 1)] ?? null;
}
