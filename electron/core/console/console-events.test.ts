import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FlipFixture, openFlipFixture } from '../actions/testing/flip-fixture';
import { killAcme } from '../actions/testing/kill-request';
import { makeTempDir } from '../actions/testing/temp-dir';
import type { Alert } from '../api';
import { TenantDirectory } from '../tenants/tenant-directory';
import { TrafficModel } from '../traffic/traffic-model';
import { ConsoleEvents } from './console-events';
import { EventBus } from './event-bus';
import { SourceBoard } from './source-board';

const kill = killAcme;

describe('flip effects as alerts', () => {
  let remove: () => Promise<void>;
  let fx: FlipFixture;
  let events: ConsoleEvents;
  let alerts: Alert[];
  beforeEach(async () => {
    let dir: string;
    ({ dir, remove } = await makeTempDir());
    await writeFile(
      join(dir, 'tenants.json'),
      JSON.stringify({ tenants: [{ id: 'acme', name: 'Acme Corp' }] }),
    );
    fx = await openFlipFixture({ dataDir: dir });
    const bus = new EventBus();
    const { provider, audit, effects } = fx;
    const sources = new SourceBoard({ sources: [], rateSource: -1, gate: null, provider, bus });
    const tenants = await TenantDirectory.open({ dataDir: dir });
    events = new ConsoleEvents({
      bus,
      model: new TrafficModel(),
      tenants,
      provider,
      audit,
      effects,
      sources,
    });
    events.start();
    alerts = [];
    bus.subscribe((name, payload) => {
      if (name === 'alerts.onAlert' && (payload as Alert).kind === 'effect') alerts.push(payload as Alert);
    });
  });
  afterEach(async () => {
    events.stop();
    await fx.close();
    await remove();
  });

  async function tickAfter(ms: number, rate: number) {
    fx.clock.advance(ms);
    fx.rates.set('acme', rate);
    await fx.effects.onTick(fx.clock.now());
  }

  it('a kill that stopped the traffic is news', async () => {
    fx.rates.set('acme', 8_400);
    await fx.flips.apply(kill);
    await tickAfter(1_300, 0);
    expect(alerts).toEqual([
      expect.objectContaining({ severity: 'info', message: 'Acme Corp: 8,400 → 0 ev/s in 1.3 s' }),
    ]);
  });

  it('a kill that has not stopped the traffic after the watch is critical, and says so', async () => {
    fx.rates.set('acme', 8_400);
    await fx.flips.apply(kill);
    await tickAfter(29_999, 8_100);
    expect(alerts).toEqual([]);
    await tickAfter(1, 8_000);
    expect(alerts).toEqual([
      expect.objectContaining({
        severity: 'critical',
        tenantId: 'acme',
        message:
          'Acme Corp: the kill switch did not stop its traffic after 30 s (8,400 → 8,000 ev/s) — check that its publishers read publish-events',
      }),
    ]);
  });

  it('an effect that was not measured says why, without crying wolf', async () => {
    fx.rates.set('acme', 8_400);
    await fx.flips.apply(kill);
    await fx.effects.stop();
    expect(alerts).toEqual([
      expect.objectContaining({
        severity: 'info',
        message: expect.stringMatching(/^Acme Corp: effect not measured — the console stopped watching/),
      }),
    ]);
  });
});
