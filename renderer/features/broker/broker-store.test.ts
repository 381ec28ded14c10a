import { describe, expect, it } from 'vitest';
import type { BrokerHealth, BrokerHistory, EventName, EventPayload } from '../../../electron/core/api';
import { brokerHealthSample } from '../../testing/broker-health-sample';
import { applyHealth, applyLoaded, BROKER_WINDOW_MS, connectBroker, createBrokerStore } from './broker-store';

function health(t: number, extra: Partial<BrokerHealth> = {}): BrokerHealth {
  return brokerHealthSample({
    t,
    memory: { used: 1e9 + t, limit: 2e9, alarm: false, bytesPerSec: null, alarmInSec: null },
    connections: 12,
    channels: 40 + t / 1000,
    channelsPerConnection: 3,
    ...extra,
  });
}

function history(ts: number[]): BrokerHistory {
  return {
    t: ts,
    memUsed: ts.map((t) => 1e9 + t),
    memLimit: ts.map(() => 2e9),
    channels: ts.map((t) => 40 + t / 1000),
    connections: ts.map(() => 12),
    publishRate: ts.map(() => 100),
  };
}

/** A client whose `broker.health` answers when the test says so. */
function fakeClient() {
  const listeners = new Set<(p: BrokerHealth[]) => void>();
  let answer: ((v: { current: BrokerHealth[]; history: Record<string, BrokerHistory> }) => void) | null =
    null;
  let calls = 0;
  const client = {
    call: () => {
      calls++;
      return new Promise((resolve) => {
        answer = resolve as typeof answer;
      });
    },
    on: <E extends EventName>(_event: E, listener: (payload: EventPayload<E>) => void) => {
      listeners.add(listener as unknown as (p: BrokerHealth[]) => void);
      return () => listeners.delete(listener as unknown as (p: BrokerHealth[]) => void);
    },
  };
  return {
    client: client as unknown as Parameters<typeof connectBroker>[1],
    emit: (batch: BrokerHealth[]) => {
      for (const l of listeners) l(batch);
    },
    answer: (v: { current: BrokerHealth[]; history: Record<string, BrokerHistory> }) => answer?.(v),
    calls: () => calls,
    listeners: () => listeners.size,
  };
}

describe('broker store', () => {
  it('stays empty when no broker source is configured', () => {
    const store = createBrokerStore();
    applyLoaded(store, { current: [], history: {} });
    expect(store.getState()).toMatchObject({ loaded: true, current: [] });
    expect(store.getState().series.size).toBe(0);
  });

  it('loads the history, appends events, skips repeats and keeps 15 minutes', () => {
    const store = createBrokerStore();
    applyLoaded(store, { current: [health(3000)], history: { rabbitmq: history([1000, 2000, 3000]) } });
    const series = () => store.getState().series.get('rabbitmq')!;
    expect(series().t).toEqual([1000, 2000, 3000]);
    applyHealth(store, [health(3000)]); // the same sample again
    applyHealth(store, [health(4000)]);
    expect(series().t).toEqual([1000, 2000, 3000, 4000]);
    expect(series().channels.at(-1)).toBe(44);
    applyHealth(store, [health(4000 + BROKER_WINDOW_MS)]);
    expect(series().t).toEqual([4000, 4000 + BROKER_WINDOW_MS]);
    expect(store.getState().current[0]!.t).toBe(4000 + BROKER_WINDOW_MS);
  });

  it('starts the history again when time goes back (another broker, a restart)', () => {
    const store = createBrokerStore();
    applyHealth(store, [health(5000)]);
    applyHealth(store, [health(6000)]);
    applyHealth(store, [health(1000)]);
    expect(store.getState().series.get('rabbitmq')!.t).toEqual([1000]);
  });

  it('holds events that arrive while loading and applies only the newer ones after it', async () => {
    const store = createBrokerStore();
    const fake = fakeClient();
    const link = connectBroker(store, fake.client);
    const loading = link.load();
    fake.emit([health(2000)]); // already in the answer below
    fake.emit([health(4000)]); // newer than the answer
    expect(store.getState().series.size).toBe(0);
    fake.answer({ current: [health(3000)], history: { rabbitmq: history([1000, 2000, 3000]) } });
    await loading;
    expect(store.getState().series.get('rabbitmq')!.t).toEqual([1000, 2000, 3000, 4000]);
    expect(store.getState().current[0]!.t).toBe(4000);
    fake.emit([health(5000)]);
    expect(store.getState().series.get('rabbitmq')!.length).toBe(5);
    expect(fake.calls()).toBe(1); // events, not polling
    link.dispose();
    expect(fake.listeners()).toBe(0);
  });
});
