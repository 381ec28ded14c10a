import { describe, expect, it } from 'vitest';
import type { BrokerHealth } from '../../electron/core/api';
import { connectBroker, createBrokerStore } from '../features/broker/broker-store';
import { brokerEntries } from '../features/broker/broker-view';
import { MemoryClient } from './memory-client';

describe('the memory client’s synthetic broker', () => {
  it('has none by default: broker.health answers empty and no events come', async () => {
    const client = new MemoryClient({ tenants: 10 });
    expect(await client.call('broker.health', {})).toEqual({ current: [], history: {} });
    const seen: BrokerHealth[][] = [];
    client.on('broker.onHealth', (b) => seen.push(b));
    client.step();
    expect(seen).toEqual([]);
    expect(brokerEntries(client.sources(), [])).toEqual([]);
  });

  it('tells the leak story: channels climb on flat connections, alarm soon, then the alarm blocks publishers', async () => {
    const client = new MemoryClient({ tenants: 10, broker: 'leak' });
    const store = createBrokerStore();
    const link = connectBroker(store, client);
    await link.load();
    const first = store.getState().current[0]!;
    expect(first.leak.suspected).toBe(true);
    expect(first.leak.why).toMatch(/connections stayed at 12/);
    expect(first.channelsPerConnection).toBeGreaterThan(100);
    expect(first.memory.alarmInSec).toBeGreaterThan(0);
    expect(first.warnings.some((w) => /^memory alarm in ~\d+ min$/.test(w))).toBe(true);
    expect(store.getState().series.get('rabbitmq')!.length).toBeGreaterThan(800); // 15 min at 1 s
    let last = first;
    for (let i = 0; i < 1500 && !last.memory.alarm; i++) {
      client.step();
      last = store.getState().current[0]!;
    }
    expect(last.memory.alarm).toBe(true);
    expect(last.blocked.filter((b) => b.state === 'blocked').length).toBeGreaterThan(0);
    expect(last.publishRate).toBe(0);
    link.dispose();
  });
});
