/**
 * The core's composition root: builds every part from the data directory and joins them. Hosts get
 * a `ConsoleCore` (call + subscribe); benchmarks and tests may reach the parts.
 */
import { mkdir } from 'node:fs/promises';
import { type OfrepServer, startOfrepServer } from '../flag-server/ofrep-server';
import { currentActor } from './actions/actor';
import { AuditLog } from './actions/audit-log';
import { EffectTracker } from './actions/effect-tracker';
import { FlipService } from './actions/flip-service';
import { TimeBox } from './actions/time-box';
import { ApiError, parseCall } from './api';
import { BrokerBoard } from './console/broker-board';
import { type CallHandlers, createCallHandlers } from './console/call-handlers';
import { ConsoleEvents } from './console/console-events';
import { EventBus } from './console/event-bus';
import { SourceBoard } from './console/source-board';
import { TickLoop } from './console/tick-loop';
import type { CallContext, ConsoleCore, ConsoleCoreOptions } from './console-core.types';
import { KILL_SWITCH_FLAG } from './flags/embedded/default-flags';
import { EmbeddedFlagProvider } from './flags/embedded/embedded-flag-provider';
import { OfrepGate } from './flags/ofrep-gate/ofrep-gate';
import type { MetricsSource } from './metrics/metrics-source';
import { SimulatedSource } from './metrics/simulated/simulated-source';
import { rateSourceIndex, type SourceConfig } from './metrics/source-config';
import { createSource } from './metrics/source-factory';
import { SettingsStore } from './settings/settings-store';
import { TenantDirectory } from './tenants/tenant-directory';
import { TrafficModel } from './traffic/traffic-model';

/** Simulated tenants left out of the seeded tenants file, so "seen in traffic, not in the file" shows. */
const UNLISTED_SIMULATED_TENANTS = 2;

export interface ConsoleParts {
  provider: EmbeddedFlagProvider;
  ofrep: OfrepServer;
  /** the simulated workload's OFREP client (null without a simulated source) */
  gate: OfrepGate | null;
  sources: MetricsSource[];
  /** the simulated workload, when one runs */
  source: SimulatedSource | null;
  brokers: BrokerBoard;
  model: TrafficModel;
  tenants: TenantDirectory;
  settings: SettingsStore;
  audit: AuditLog;
  flips: FlipService;
  timeBox: TimeBox;
  effects: EffectTracker;
  bus: EventBus;
  loop: TickLoop;
}

export async function createConsoleCore(options: ConsoleCoreOptions): Promise<ConsoleCore> {
  return (await assembleConsole(options)).core;
}

export async function assembleConsole(
  options: ConsoleCoreOptions,
): Promise<{ core: ConsoleCore; parts: ConsoleParts }> {
  await mkdir(options.dataDir, { recursive: true });
  const { dataDir } = options;
  const [settings, tenants, audit, provider] = await Promise.all([
    SettingsStore.open({ dataDir }),
    TenantDirectory.open({ dataDir }),
    AuditLog.open({ dataDir }),
    EmbeddedFlagProvider.open({ dataDir }),
  ]);
  const ofrep = await startFlagServer(provider, options);
  const configs: SourceConfig[] = options.sources ?? [{ kind: 'simulated' }];
  const gates: OfrepGate[] = [];
  const sources = configs.map((config) =>
    createSource(config, {
      gate: () => {
        if (gates.length === 0) {
          gates.push(
            new OfrepGate({ endpoint: ofrep.url, flagKey: KILL_SWITCH_FLAG, token: options.ofrepToken }),
          );
        }
        return gates[0]!;
      },
      defaultTenants: options.tenants ?? 50,
      defaultSpikeAfterMs: spikeAfter(options),
    }),
  );
  const gate = gates[0] ?? null;
  const source = sources.find((s): s is SimulatedSource => s instanceof SimulatedSource) ?? null;
  if (source) {
    const seeded = source.tenants();
    await tenants.seed(seeded.slice(0, Math.max(0, seeded.length - UNLISTED_SIMULATED_TENANTS)));
  }

  const model = new TrafficModel();
  const bus = new EventBus();
  const effects = new EffectTracker({ audit, latestRate: (id) => model.latestRate(id) });
  let flips: FlipService | null = null;
  const timeBox = new TimeBox({
    dataDir,
    revert: (pending) => flips!.revert(pending),
    onRevertFailed: (failure) => events.revertFailed(failure),
  });
  flips = new FlipService({
    provider,
    audit,
    tenantExists: (id) => tenants.exists(id) || model.latestRate(id) !== null,
    isReadOnly: () => false,
    reverts: timeBox,
    effects,
  });
  const board = new SourceBoard({ sources, rateSource: rateSourceIndex(configs), gate, provider, bus });
  const brokers = new BrokerBoard(bus);
  const events = new ConsoleEvents({ bus, model, tenants, provider, audit, effects, sources: board });
  let paused = false;
  const loop = new TickLoop(
    settings.get().intervalMs,
    async (now) => {
      const sample = await board.sample(now);
      events.observe(sample.rates);
      const tick = model.ingest(sample.rates, loop.interval);
      if (!paused) bus.emit('traffic.onTick', tick);
      brokers.ingest(sample.brokers);
      events.afterTick(now);
    },
    (error) => console.error('switchboard: tick failed:', error instanceof Error ? error.message : error),
  );

  const parts: ConsoleParts = {
    provider,
    ofrep,
    gate,
    sources,
    brokers,
    source,
    model,
    tenants,
    settings,
    audit,
    flips,
    timeBox,
    effects,
    bus,
    loop,
  };
  const handlers: CallHandlers = createCallHandlers({
    ...parts,
    sources: board,
    host: options.host,
    dataDir,
    ofrepEndpoint: ofrep.url,
    paused: () => paused,
    setPaused: (value) => {
      paused = value;
      bus.emit('traffic.onPaused', { paused });
    },
    problems: () => dataProblems(parts),
    writeRefusal: () => provider.store.error?.message ?? null,
    brokerHealth: () => brokers.health(),
  });
  board.setInterval(settings.get().intervalMs);
  settings.onChange((next) => {
    loop.setInterval(next.intervalMs);
    board.setInterval(next.intervalMs);
    bus.emit('settings.onChange', next);
  });

  events.start();
  await Promise.all(sources.map((s) => s.start()));
  await timeBox.start();
  loop.start();

  const core: ConsoleCore = {
    ofrepEndpoint: ofrep.url,
    async call(name: string, input: unknown, ctx: CallContext) {
      const call = parseCall(name, input);
      const handler = handlers[call.name] as (input: unknown, ctx: CallContext) => Promise<unknown>;
      try {
        return await handler(call.input, { actor: ctx.actor || currentActor() });
      } catch (error) {
        throw ApiError.from(error);
      }
    },
    subscribe: (listener) => bus.subscribe(listener),
    spikingCount: () => model.spikingCount(),
    async stop() {
      loop.stop();
      events.stop();
      await timeBox.stop();
      await Promise.allSettled([gate?.close(), board.close(), ofrep.close()]);
      await provider.close();
      await audit.close();
    },
  };
  return { core, parts };
}

function spikeAfter(options: ConsoleCoreOptions): number | null {
  return options.spikeAfterMs === undefined ? 30_000 : options.spikeAfterMs;
}

async function startFlagServer(
  provider: EmbeddedFlagProvider,
  options: ConsoleCoreOptions,
): Promise<OfrepServer> {
  const port = options.ofrepPort ?? 8016;
  try {
    return await startOfrepServer({ provider, port, host: '127.0.0.1', token: options.ofrepToken });
  } catch (error) {
    await provider.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `the OFREP port ${port} is in use on 127.0.0.1; choose another with --ofrep-port (0 picks a free one)`,
      );
    }
    throw error;
  }
}

/** Files in the data directory that failed validation: shown to the user, never overwritten. */
function dataProblems(parts: ConsoleParts): string[] {
  const problems = [
    parts.provider.store.error,
    parts.tenants.problem(),
    parts.settings.problem(),
    parts.timeBox.problem(),
    ...parts.audit.problems(),
  ];
  return problems.filter((p) => p !== null).map((p) => p.message);
}
