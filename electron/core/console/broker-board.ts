import type { Alert, BrokerHealth, BrokerHistory } from '../api';
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

  constructor(private readonly bus: EventBus) {}

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
      if (active && !raised.has(key)) {
        raised.add(key);
        this.bus.emit('alerts.onAlert', {
          id: `broker-${++this.alertSeq}`,
          at: health.t,
          kind: 'source',
          severity,
          tenantId: null,
          message,
        });
      } else if (!active) raised.delete(key);
    }
  }
}
