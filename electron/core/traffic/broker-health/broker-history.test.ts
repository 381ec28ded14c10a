import { describe, expect, it } from 'vitest';
import { BROKER_HISTORY_MS, BrokerHistoryRing } from './broker-history';
import { brokerHealth } from './testing';

const T0 = 1_795_632_000_000;

describe('BrokerHistoryRing', () => {
  it('keeps the last 15 minutes, oldest first', () => {
    const ring = new BrokerHistoryRing();
    for (let s = 0; s <= 1_200; s++)
      ring.push(brokerHealth({ t: T0 + s * 1000, channels: s, used: 1e6 + s }));
    const h = ring.snapshot();
    expect(h.t[0]).toBe(T0 + 1_200_000 - BROKER_HISTORY_MS);
    expect(h.t.at(-1)).toBe(T0 + 1_200_000);
    expect(h.t).toHaveLength(901);
    expect(h.channels[0]).toBe(300);
    expect(h.memUsed.at(-1)).toBe(1e6 + 1_200);
    expect(h.memLimit.every((v) => v === 4e9)).toBe(true);
    expect(h.connections.every((v) => v === 3)).toBe(true);
    expect(h.publishRate.every((v) => v === 500)).toBe(true);
  });

  it('is bounded by its capacity at fast ticks', () => {
    const ring = new BrokerHistoryRing(BROKER_HISTORY_MS, 100);
    for (let i = 0; i < 250; i++) ring.push(brokerHealth({ t: T0 + i * 250, channels: i }));
    const h = ring.snapshot();
    expect(h.channels).toHaveLength(100);
    expect(h.channels[0]).toBe(150);
    expect(h.channels.at(-1)).toBe(249);
  });

  it('starts again when time goes back', () => {
    const ring = new BrokerHistoryRing();
    ring.push(brokerHealth({ t: T0 + 5000 }));
    ring.push(brokerHealth({ t: T0 }));
    expect(ring.snapshot().t).toEqual([T0]);
  });
});
