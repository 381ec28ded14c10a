import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../actions/audit-log';
import { EffectTracker } from '../actions/effect-tracker';
import { killSwitchEntry } from '../actions/testing/audit-entry';
import type { Alert, AuditEntry, TrafficTick } from '../api';
import { EmbeddedFlagProvider } from '../flags/embedded/embedded-flag-provider';
import { TenantDirectory } from '../tenants/tenant-directory';
import { TrafficModel } from '../traffic/traffic-model';
import { BrokerBoard } from './broker-board';
import { ConsoleEvents } from './console-events';
import { type ConsoleTickParts, consoleTick } from './console-tick';
import { EventBus } from './event-bus';
import { SourceBoard } from './source-board';
import { ScriptedSource } from './testing/scripted-source';

const T0 = 1_795_632_000_000;
const INTERVAL = 1000;

/** The tick's real parts over a temporary data dir, fed by scripted sources. */
async function wire(sources: ScriptedSource[], maxTenants = 20_000) {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-tick-'));
  const tenants = await TenantDirectory.open({ dataDir, maxTenants });
  await tenants.seed([
    { id: 'acme', name: 'Acme Corp' },
    { id: 'globex', name: 'Globex' },
  ]);
  const provider = await EmbeddedFlagProvider.open({ dataDir, watch: false });
  const audit = await AuditLog.open({ dataDir });
  const bus = new EventBus();
  const model = new TrafficModel({ maxTenants });
  const effects = new EffectTracker({ audit, latestRate: (id) => model.latestRate(id) });
  const board = new SourceBoard({ sources, rateSource: 0, gate: null, provider, bus });
  board.setInterval(INTERVAL);
  const events = new ConsoleEvents({ bus, model, tenants, provider, audit, effects, sources: board });
  events.start();
  const parts: ConsoleTickParts = {
    board,
    model,
    brokers: new BrokerBoard(bus, (marker) => model.addMarker(marker)),
    events,
    bus,
    intervalMs: () => INTERVAL,
  };
  const ticks: TrafficTick[] = [];
  const alerts: Alert[] = [];
  bus.subscribe((name, payload) => {
    if (name === 'traffic.onTick') ticks.push(payload as TrafficTick);
    if (name === 'alerts.onAlert') alerts.push(payload as Alert);
  });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  return {
    model,
    tenants,
    audit,
    ticks,
    alerts,
    /** tick n, letting the fake clock run one interval (a tick never waits longer) */
    async tick(n: number) {
      const done = consoleTick(parts, T0 + n * INTERVAL);
      await vi.advanceTimersByTimeAsync(INTERVAL);
      await done;
    },
    async close() {
      vi.useRealTimers();
      events.stop();
      await board.close();
      await provider.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const killEntry = (patch: Partial<AuditEntry>) =>
  killSwitchEntry({ at: new Date(T0).toISOString(), reason: 'incident', ...patch });

let opened: Awaited<ReturnType<typeof wire>> | null = null;
afterEach(async () => {
  await opened?.close();
  opened = null;
});

describe('audit outcomes as alerts', () => {
  it('an interrupted change (the app stopped mid-write) raises a critical alert with why, and no flip marker', async () => {
    opened = await wire([new ScriptedSource('scrape')]);
    await opened.audit.append(
      killEntry({ outcome: 'interrupted', error: 'the provider could not be read at the next start' }),
    );
    expect(opened.alerts).toEqual([
      expect.objectContaining({
        severity: 'critical',
        tenantId: 'acme',
        message: expect.stringMatching(/interrupted: the provider could not be read/),
      }),
    ]);
    expect(opened.model.markers()).toEqual([]);
  });
});

describe('audit outcomes as chart markers', () => {
  it('a flag turned off for everyone is marked for every tenant and rides on the next tick', async () => {
    const source = new ScriptedSource('scrape');
    source.rates = new Map([['acme', 10]]);
    opened = await wire([source]);
    await opened.tick(0);
    await opened.audit.append(
      killEntry({
        action: 'set-flag-enabled',
        tenantId: null,
        outcome: 'applied',
        confirmedAt: new Date(T0).toISOString(),
      }),
    );
    const marker = { t: T0, kind: 'flip', tenantId: null, label: 'publish-events → off for everyone' };
    expect(opened.model.markers('acme')).toEqual([marker]);
    await opened.tick(1);
    await opened.tick(2);
    expect(opened.ticks.map((t) => t.markers)).toEqual([undefined, [marker], undefined]);
  });
});

describe('consoleTick', () => {
  it('tracks at most maxTenants tenants however many fresh ids a source sends, and says so once', async () => {
    const source = new ScriptedSource('scrape');
    // 3,000 ids never seen before on every tick, besides the two tenants of the file.
    source.rates = (now) =>
      new Map([
        ['acme', 10],
        ['globex', 10],
        ...Array.from({ length: 3_000 }, (_, k) => [`t${now}-${k}`, 1] as [string, number]),
      ]);
    opened = await wire([source], 5);
    for (let n = 0; n < 3; n++) await opened.tick(n);

    expect(opened.tenants.list()).toHaveLength(5);
    expect(opened.model.tenantIds()).toHaveLength(5);
    expect(opened.model.tenantIds().slice(0, 2)).toEqual(['acme', 'globex']);
    const last = opened.ticks.at(-1)!;
    expect(last.tenants.id).toHaveLength(5);
    expect(last.total).toBe(3_020); // ignored tenants' events still count
    const capAlerts = opened.alerts.filter((a) => a.message.includes('more than 5 tenants'));
    expect(capAlerts).toHaveLength(1);
  });

  it('does not feed stale rates to the model while the rate source is down, and marks the batch stale once', async () => {
    const source = new ScriptedSource('prometheus');
    source.rates = new Map([
      ['acme', 100],
      ['globex', 50],
    ]);
    opened = await wire([source]);
    for (let n = 0; n < 3; n++) await opened.tick(n);
    expect(opened.ticks.map((t) => [t.seq, t.stale])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
    ]);

    source.mode = 'fail';
    for (let n = 3; n < 6; n++) await opened.tick(n);
    // One push: the last batch again, same seq and time, now marked stale. No frozen points.
    expect(opened.ticks.slice(3).map((t) => [t.seq, t.t, t.stale])).toEqual([[3, T0 + 2 * INTERVAL, true]]);
    expect(opened.model.overview().t).toEqual([T0, T0 + INTERVAL, T0 + 2 * INTERVAL]);
    expect(opened.model.snapshot().tick.stale).toBe(true);

    source.mode = 'answer';
    await opened.tick(6);
    expect(opened.ticks.at(-1)).toMatchObject({ seq: 4, t: T0 + 6 * INTERVAL });
    expect(opened.ticks.at(-1)?.stale).toBeUndefined();
    expect(opened.model.overview().t).toHaveLength(4);
  });

  it('ingests the rates every tick while a broker source is slower than the tick', async () => {
    const rates = new ScriptedSource('prometheus');
    rates.rates = (now) => new Map([['acme', now - T0]]);
    const broker = new ScriptedSource('rabbitmq', { broker: true });
    broker.mode = 'hold';
    opened = await wire([rates, broker]);
    for (let n = 0; n < 4; n++) await opened.tick(n);
    expect(opened.ticks.map((t) => t.seq)).toEqual([1, 2, 3, 4]);
    expect(opened.model.latestRate('acme')).toBe(3 * INTERVAL);
    expect(broker.calls).toBe(1);
  });
});
