import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { BrokerHealth, SourceStatus } from '../../../electron/core/api';
import { AppContext, createAppStores } from '../../app/context';
import { brokerHealthSample } from '../../testing/broker-health-sample';
import { MemoryClient } from '../../testing/memory-client';
import type { SourcesState } from '../sources/sources-store';
import { BrokerStrip } from './BrokerStrip';
import type { BrokerState } from './broker-store';
import { HealthView } from './HealthView';

const health = (extra: Partial<BrokerHealth> = {}): BrokerHealth =>
  brokerHealthSample({
    t: Date.now() - 60_000,
    statsIntervalMs: 5000,
    memory: { used: 0.4e9, limit: 2e9, alarm: false, bytesPerSec: null, alarmInSec: null },
    ...extra,
  });

const source = (state: SourceStatus['state'], stale: boolean): SourceStatus => ({
  id: 'rabbitmq',
  kind: 'rabbitmq',
  label: 'RabbitMQ test',
  state,
  message: state === 'ok' ? null : 'connect ECONNREFUSED 127.0.0.1:15672',
  lastOkAt: null,
  stale,
  simulated: false,
});

/** A server render: zustand serves a store's initial state there, so the stores start in it. */
function render(view: 'health' | 'strip', status: SourceStatus, h: BrokerHealth): string {
  const client = new MemoryClient({ tenants: 5 });
  const stores = createAppStores();
  stores.sources = createStore<SourcesState>(() => ({ info: null, sources: [status], error: null }));
  stores.broker = createStore<BrokerState>(() => ({
    loaded: true,
    error: null,
    current: [h],
    series: new Map(),
    seq: 1,
  }));
  return renderToStaticMarkup(
    <AppContext.Provider value={{ client, stores }}>
      {view === 'health' ? <HealthView /> : <BrokerStrip />}
    </AppContext.Provider>,
  );
}

const LOOK_NORMAL = 'look normal';

describe('Health view: figures the source can no longer vouch for', () => {
  it('dims the last figures of a broker that is down, says when they were read, and never says "look normal"', () => {
    const html = render('health', source('down', true), health({ alarms: ['memory'] }));
    expect(html).toContain('health__broker--stale');
    expect(html).toContain('data-stale="true"');
    expect(html).toMatch(/data-testid="health-stale"[^>]*>Not current: these are the figures read 1 min ago/);
    expect(html).toContain('ECONNREFUSED');
    expect(html).not.toContain(LOOK_NORMAL);
  });

  it('says "look normal" only for a fresh, complete read', () => {
    const fresh = render('health', source('ok', false), health());
    expect(fresh).toContain(LOOK_NORMAL);
    expect(fresh).not.toContain('health__broker--stale');
    const degraded = render('health', source('degraded', false), health());
    expect(degraded).not.toContain(LOOK_NORMAL);
    expect(degraded).not.toContain('health__broker--stale');
    expect(degraded).toContain('data-testid="health-partial"');
  });

  it('says how many blocked connections are not listed', () => {
    const blocked: BrokerHealth['blocked'] = Array.from({ length: 50 }, (_, i) => ({
      name: `10.0.0.${i}:5672`,
      user: 'publisher',
      state: 'blocked',
    }));
    const html = render(
      'health',
      source('ok', false),
      health({ blocked, blockedConnectionsTotal: 1250, blockingConnectionsTotal: 0 }),
    );
    expect(html).toMatch(/data-testid="health-blocked-more"[^>]*>\+1,200 more not listed/);
    expect(html).toContain('1,250 blocked · 0 blocking');
  });
});

describe('Broker strip: dimmed only when the figures are old', () => {
  it('does not dim a degraded source that still answers, and dims one that is down', () => {
    const degraded = render('strip', source('degraded', false), health());
    expect(degraded).toContain('data-stale="false"');
    expect(degraded).not.toContain('broker--stale');
    expect(degraded).toContain('data-testid="broker-state"'); // its state is still tagged
    const down = render('strip', source('down', true), health());
    expect(down).toContain('broker--stale');
  });

  it('says in the blocked tooltip how many more there are', () => {
    const html = render(
      'strip',
      source('ok', false),
      health({
        blocked: [{ name: 'pub-1', user: 'u', state: 'blocked' }],
        blockedConnectionsTotal: 3,
        blockingConnectionsTotal: 0,
      }),
    );
    expect(html).toContain('+2 more not listed');
    expect(html).toContain('data-blocked="3"');
  });
});
