import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert, TrafficMarker } from '../api';
import { EmbeddedFlagProvider } from '../flags/embedded/embedded-flag-provider';
import { brokerHealth } from '../traffic/broker-health/testing';
import { BrokerBoard } from './broker-board';
import { EventBus } from './event-bus';
import { SourceBoard } from './source-board';
import { ScriptedSource } from './testing/scripted-source';

const T0 = 1_795_632_000_000;
const INTERVAL = 1000;

describe('BrokerBoard', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps its history when a sample is repeated with the same time', () => {
    const board = new BrokerBoard(new EventBus());
    for (let s = 0; s < 10; s++) board.ingest([brokerHealth({ t: T0 + s * 1000, channels: s })]);
    const last = brokerHealth({ t: T0 + 9000, channels: 9 });
    board.ingest([last]);
    board.ingest([{ ...last }]);
    expect(board.health().history.rabbitmq?.t).toHaveLength(10);
    board.ingest([brokerHealth({ t: T0 + 10_000, channels: 10 })]);
    expect(board.health().history.rabbitmq?.channels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('alerts once when a connection nears channel_max, apart from any leak, and again after it clears', () => {
    const bus = new EventBus();
    const alerts: { message: string; severity: string }[] = [];
    bus.subscribe((event, payload) => {
      if (event === 'alerts.onAlert') alerts.push(payload as { message: string; severity: string });
    });
    const board = new BrokerBoard(bus);
    const near = [{ connection: 'billing-worker', channels: 1640, max: 2047 }];
    board.ingest([brokerHealth({ t: T0, nearChannelMax: near })]);
    board.ingest([brokerHealth({ t: T0 + 1000, nearChannelMax: near })]);
    expect(alerts).toEqual([
      {
        id: expect.any(String),
        at: T0,
        kind: 'source',
        tenantId: null,
        severity: 'warning',
        message: expect.stringMatching(/billing-worker uses 1,640 of 2,047 channels/),
        topic: 'rabbitmq:channel-max',
      },
    ]);
    expect(alerts[0]?.message).not.toMatch(/leak/);
    board.ingest([brokerHealth({ t: T0 + 2000 })]);
    board.ingest([brokerHealth({ t: T0 + 3000, nearChannelMax: near })]);
    expect(alerts).toHaveLength(2);
  });

  it('counts blocked publishers from the totals, not from the capped list', () => {
    const bus = new EventBus();
    const messages: string[] = [];
    bus.subscribe((event, payload) => {
      if (event === 'alerts.onAlert') messages.push((payload as { message: string }).message);
    });
    const shown = Array.from({ length: 50 }, (_, i) => ({
      name: `pub-${i}`,
      user: 'publisher',
      state: 'blocked' as const,
    }));
    const sample = {
      ...brokerHealth({ t: T0, alarm: true, blocked: shown }),
      blockedConnectionsTotal: 812,
      blockingConnectionsTotal: 12,
    };
    new BrokerBoard(bus).ingest([sample]);
    expect(messages).toContain('RabbitMQ test: 800 publishing connection(s) blocked');
  });

  it('marks a memory alarm and its end on the traffic charts, and the leak warning before it; blocked publishers not twice', () => {
    const marks: TrafficMarker[] = [];
    const board = new BrokerBoard(new EventBus(), (m) => marks.push(m));
    const leak = { suspected: true, why: 'channels 1 → 181 in 5 s' };
    const blocked = [{ name: 'pub', user: 'publisher', state: 'blocked' as const }];
    board.ingest([brokerHealth({ t: T0 })]);
    board.ingest([{ ...brokerHealth({ t: T0 + 1000 }), leak }]);
    board.ingest([{ ...brokerHealth({ t: T0 + 2000, alarm: true, blocked }), leak }]);
    board.ingest([{ ...brokerHealth({ t: T0 + 3000, alarm: true, blocked }), leak }]);
    board.ingest([{ ...brokerHealth({ t: T0 + 4000 }), leak }]);
    expect(marks).toEqual([
      { t: T0 + 1000, kind: 'broker-warning', tenantId: null, label: 'channel leak?' },
      { t: T0 + 2000, kind: 'broker-alarm', tenantId: null, label: 'memory alarm' },
      { t: T0 + 4000, kind: 'broker-clear', tenantId: null, label: 'memory alarm cleared' },
    ]);
  });

  it('answers a memory alarm and its blocked publishers when they clear, on the same topics', () => {
    const bus = new EventBus();
    const alerts: Alert[] = [];
    bus.subscribe((event, payload) => {
      if (event === 'alerts.onAlert') alerts.push(payload as Alert);
    });
    const board = new BrokerBoard(bus);
    const blocked = [{ name: 'pub', user: 'publisher', state: 'blocked' as const }];
    board.ingest([brokerHealth({ t: T0, alarm: true, blocked })]);
    board.ingest([brokerHealth({ t: T0 + 1000 })]);
    expect(alerts.map((a) => [a.severity, a.topic, a.message])).toEqual([
      ['critical', 'rabbitmq:memory', 'RabbitMQ test: memory alarm — publishers are blocked'],
      ['critical', 'rabbitmq:blocked', 'RabbitMQ test: 1 publishing connection(s) blocked'],
      ['info', 'rabbitmq:memory', 'RabbitMQ test: memory alarm cleared — publishers may publish again'],
      ['info', 'rabbitmq:blocked', 'RabbitMQ test: no publishing connection is blocked now'],
    ]);
  });

  it('still starts again when time really goes back', () => {
    const board = new BrokerBoard(new EventBus());
    board.ingest([brokerHealth({ t: T0 + 5000 })]);
    board.ingest([brokerHealth({ t: T0 })]);
    expect(board.health().history.rabbitmq?.t).toEqual([T0]);
  });

  it('keeps the 15-minute history through a broker outage, showing the last good health', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-brokers-'));
    const provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const broker = new ScriptedSource('rabbitmq', { broker: true });
      const bus = new EventBus();
      const sources = new SourceBoard({ sources: [broker], rateSource: -1, gate: null, provider, bus });
      sources.setInterval(INTERVAL);
      const brokers = new BrokerBoard(bus);
      const tick = async (n: number) => {
        const sample = sources.sample(T0 + n * INTERVAL);
        await vi.advanceTimersByTimeAsync(INTERVAL);
        brokers.ingest((await sample).brokers);
      };

      for (let n = 0; n < 5; n++) await tick(n);
      broker.mode = 'fail';
      for (let n = 5; n < 8; n++) await tick(n);
      broker.mode = 'hold';
      for (let n = 8; n < 10; n++) await tick(n);

      const { current, history } = brokers.health();
      expect(current.map((h) => h.t)).toEqual([T0 + 4 * INTERVAL]);
      expect(history.rabbitmq?.t).toEqual([0, 1, 2, 3, 4].map((n) => T0 + n * INTERVAL));

      broker.mode = 'answer';
      broker.release();
      await tick(10);
      await tick(11);
      expect(brokers.health().history.rabbitmq?.t).toHaveLength(7);
    } finally {
      vi.useRealTimers();
      await provider.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
