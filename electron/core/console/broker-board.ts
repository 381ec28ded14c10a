import type { Alert, BrokerHealth, BrokerHistory, TrafficMarker } from '../api';
import { nearChannelMaxWarning } from '../traffic/broker-health/broker-health-detector';
import { BrokerHistoryRing } from '../traffic/broker-health/broker-history';
import type { EventBus } from './event-bus';

/**
 * Keeps each broker's 15-minute history for the health panel, pushes one `broker.onHealth` batch per
 * tick, and raises an alert when a broker enters a state an on-call engineer must hear about: a
 * suspected channel leak, a connection nearing its channel_max, a memory or disk alarm, blocked
 * publishers.
 */
export class BrokerBoard {
  private readonly histories = new Map<string, BrokerHistoryRing>();
  /** time of the last sample each broker's history took */
  private readonly historyAt = new Map<string, number>();
  private current: BrokerHealth[] = [];
  private readonly raised = new Map<string, Set<string>>();
  private alertSeq = 0;

  /** `mark` puts a broker's alarms and early warnings on the traffic charts. */
  constructor(
    private readonly bus: EventBus,
    private readonly mark: (marker: TrafficMarker) => void = () => {},
  ) {}

  ingest(brokers: BrokerHealth[]): void {
    if (brokers.length === 0 && this.current.length === 0) return;
    this.current = brokers;
    for (const health of brokers) {
      this.record(health);
      this.alertOnTransitions(health);
    }
    this.bus.emit('broker.onHealth', brokers);
  }

  health(): { current: BrokerHealth[]; history: Record<string, BrokerHistory> } {
    const history: Record<string, BrokerHistory> = {};
    for (const [id, ring] of this.histories) history[id] = ring.snapshot();
    return { current: this.current, history };
  }

  /**
   * Only a new sample goes into history. A failed or slow source repeats its last one, same time,
   * and the ring reads a time that does not advance as time going back — it would start again and
   * the 15 minutes would be gone. An earlier time still reaches it (a real restart of the clock).
   */
  private record(health: BrokerHealth): void {
    if (this.historyAt.get(health.sourceId) === health.t) return;
    this.historyAt.set(health.sourceId, health.t);
    this.history(health.sourceId).push(health);
  }

  private history(sourceId: string): BrokerHistoryRing {
    let ring = this.histories.get(sourceId);
    if (!ring) {
      ring = new BrokerHistoryRing();
      this.histories.set(sourceId, ring);
    }
    return ring;
  }

  private alertOnTransitions(health: BrokerHealth): void {
    // The list is capped for the wire; the totals count every connection.
    const blocked = health.blockedConnectionsTotal - health.blockingConnectionsTotal;
    const conditions: [string, boolean, Alert['severity'], string][] = [
      [
        'leak',
        health.leak.suspected,
        'warning',
        `${health.label}: channel leak suspected — ${health.leak.why}`,
      ],
      ['memory', health.memory.alarm, 'critical', `${health.label}: memory alarm — publishers are blocked`],
      ['disk', health.diskAlarm, 'critical', `${health.label}: disk alarm — publishers are blocked`],
      [
        'channel-max',
        health.nearChannelMax.length > 0,
        'warning',
        health.nearChannelMax.length > 0
          ? `${health.label}: ${nearChannelMaxWarning(health.nearChannelMax)}`
          : '',
      ],
      ['blocked', blocked > 0, 'critical', `${health.label}: ${blocked} publishing connection(s) blocked`],
    ];
    const raised = this.raised.get(health.sourceId) ?? new Set<string>();
    this.raised.set(health.sourceId, raised);
    for (const [key, active, severity, message] of conditions) {
      const topic = `${health.sourceId}:${key}`;
      if (active && !raised.has(key)) {
        raised.add(key);
        this.alert(health.t, severity, message, topic);
        this.markTransition(key, health.t, true);
      } else if (!active && raised.delete(key)) {
        const cleared = CLEARED_TEXT[key];
        // its toast would stay (critical ones do) after the broker let go; the answer replaces it
        if (cleared) this.alert(health.t, 'info', `${health.label}: ${cleared}`, topic);
        this.markTransition(key, health.t, false);
      }
    }
  }

  private alert(at: number, severity: Alert['severity'], message: string, topic: string): void {
    this.bus.emit('alerts.onAlert', {
      id: `broker-${++this.alertSeq}`,
      at,
      kind: 'source',
      severity,
      tenantId: null,
      message,
      topic,
    });
  }

  /**
   * On the traffic charts: where an alarm blocked every publisher and where it let go — the reason
   * every tenant's rate fell at once — and where the leak warning came, before any of it.
   */
  private markTransition(key: string, t: number, began: boolean): void {
    const marker = CHART_MARKERS[key];
    if (!marker) return;
    if (began) this.mark({ t, kind: marker.kind, tenantId: null, label: marker.label });
    else if (marker.kind === 'broker-alarm')
      this.mark({ t, kind: 'broker-clear', tenantId: null, label: `${marker.label} cleared` });
  }
}

/** What the end of a critical condition says (warnings leave by themselves). */
const CLEARED_TEXT: Record<string, string> = {
  memory: 'memory alarm cleared — publishers may publish again',
  disk: 'disk alarm cleared — publishers may publish again',
  blocked: 'no publishing connection is blocked now',
};

/** The broker conditions that go on the charts (blocked connections follow an alarm: not twice). */
const CHART_MARKERS: Record<string, { kind: TrafficMarker['kind']; label: string }> = {
  memory: { kind: 'broker-alarm', label: 'memory alarm' },
  disk: { kind: 'broker-alarm', label: 'disk alarm' },
  leak: { kind: 'broker-warning', label: 'channel leak?' },
};
