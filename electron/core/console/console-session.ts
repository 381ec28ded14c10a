/**
 * Everything that belongs to one connection profile: its flag provider (and the embedded OFREP
 * server when the flags are Switchboard's own), its metrics sources, the traffic model, the flip
 * path with its time boxes, and the tick loop. Switching profile stops one session and starts the
 * next; settings, tenants, the audit log and the event bus outlive it.
 */
import { type OfrepServer, startOfrepServer } from '../../flag-server/ofrep-server';
import { ApprovalService } from '../actions/approval-service';
import type { AuditLog } from '../actions/audit-log';
import { entrySubject } from '../actions/audit-record';
import { originOf } from '../actions/change-origin';
import { EffectTracker } from '../actions/effect-tracker';
import { FlagToggleService } from '../actions/flag-toggle-service';
import { FlipService } from '../actions/flip-service';
import { settleInterruptedChanges } from '../actions/interrupted-changes';
import { timeBoxInfo } from '../actions/pending-revert';
import { revertThrough } from '../actions/revert-route';
import { type RevertFailure, TimeBox } from '../actions/time-box';
import { ConnectingFlagProvider } from '../flags/connecting-flag-provider';
import { KILL_SWITCH_FLAG } from '../flags/embedded/default-flags';
import { EmbeddedFlagProvider } from '../flags/embedded/embedded-flag-provider';
import type { FlagProvider } from '../flags/flag-provider';
import { OfrepGate } from '../flags/ofrep-gate/ofrep-gate';
import { ProviderGate } from '../flags/provider-gate';
import type { MetricsSource, TenantGate } from '../metrics/metrics-source';
import { SimulatedSource } from '../metrics/simulated/simulated-source';
import { rateSourceIndex } from '../metrics/source-config';
import { createSources } from '../metrics/source-factory';
import { timeBoxFileName } from '../profiles/flag-store';
import type { Profile } from '../profiles/profile-schema';
import { brokerDetectorOptions, trafficDetectionOptions } from '../settings/detection-tuning';
import type { SettingsStore } from '../settings/settings-store';
import type { TenantDirectory, TenantSeed } from '../tenants/tenant-directory';
import { TrafficModel } from '../traffic/traffic-model';
import { BrokerBoard } from './broker-board';
import { ConsoleEvents } from './console-events';
import { type ConsoleTickParts, consoleTick } from './console-tick';
import type { EventBus } from './event-bus';
import { SourceBoard } from './source-board';
import { TickLoop } from './tick-loop';

/** Simulated tenants the directory is not told about, so "seen in traffic, not in the file" shows. */
const UNLISTED_SIMULATED_TENANTS = 2;

export interface SharedParts {
  dataDir: string;
  settings: SettingsStore;
  tenants: TenantDirectory;
  audit: AuditLog;
  bus: EventBus;
  paused(): boolean;
}

export interface SessionOptions {
  profile: Profile;
  /**
   * The profile as saved now. Its guards (read-only, production) take effect at once when the active
   * profile is edited; its connections (flags, sources) only when the session is started again.
   */
  current?: () => Profile;
  provider: FlagProvider;
  /** secrets the sources need, already read from the secret store */
  rabbitmqPassword: string | null;
  tenants?: number;
  spikeAfterMs?: number | null;
  ofrepPort?: number;
  ofrepToken?: string;
  ofrepCorsOrigins?: string[];
}

export interface SessionParts {
  profile: Profile;
  provider: FlagProvider;
  /** the embedded flag server (embedded provider only) */
  ofrep: OfrepServer | null;
  /** the simulated workload's gate, when one runs */
  gate: TenantGate | null;
  sources: MetricsSource[];
  source: SimulatedSource | null;
  board: SourceBoard;
  brokers: BrokerBoard;
  model: TrafficModel;
  flips: FlipService;
  /** flags on/off for everyone */
  toggles: FlagToggleService;
  approvals: ApprovalService;
  timeBox: TimeBox;
  effects: EffectTracker;
  loop: TickLoop;
  events: ConsoleEvents;
}

export interface ConsoleSession {
  parts: SessionParts;
  stop(): Promise<void>;
}

export async function startSession(shared: SharedParts, options: SessionOptions): Promise<ConsoleSession> {
  const { provider, profile } = options;
  const ofrep = provider instanceof EmbeddedFlagProvider ? await startFlagServer(provider, options) : null;
  const gates: TenantGate[] = [];
  const configs = profile.sources.map((c) =>
    c.kind === 'rabbitmq' && options.rabbitmqPassword && !c.password
      ? { ...c, password: options.rabbitmqPassword }
      : c,
  );
  const sources = createSources(configs, {
    gate: () => {
      gates[0] ??= ofrep
        ? new OfrepGate({ endpoint: ofrep.url, flagKey: KILL_SWITCH_FLAG, token: options.ofrepToken })
        : new ProviderGate(provider);
      return gates[0];
    },
    defaultTenants: options.tenants ?? 50,
    defaultSpikeAfterMs: options.spikeAfterMs === undefined ? 30_000 : options.spikeAfterMs,
    // The thresholds at start; console-core passes later changes on (tuneBrokerDetector).
    brokerDetector: brokerDetectorOptions(shared.settings.get().detection),
  });
  const gate = gates[0] ?? null;
  const source = sources.find((s): s is SimulatedSource => s instanceof SimulatedSource) ?? null;
  await shared.tenants.forgetGeneratedFile(olderVersionsSeed);
  // The workload's tenants are known while it runs, never written: the next run may have fewer, or none.
  shared.tenants.seed(source ? listedSimulatedTenants(source) : []);
  const parts = assembleParts(shared, options, {
    ofrep,
    gate,
    sources,
    source,
    rateSource: rateSourceIndex(configs),
  });
  parts.events.start();
  await Promise.all(sources.map((s) => s.start()));
  await backfill(parts, sources[rateSourceIndex(configs)], shared.settings.get().intervalMs);
  // Effects an earlier run was still measuring when it died are completed as not measured — before
  // an overdue revert can start a measurement of its own.
  await parts.effects.completeUnfinished();
  await parts.timeBox.start();
  const earlierChanges = settleEarlierChanges(shared.audit, parts);
  await earlierChanges.atStart;
  // The workload holds every tenant until its first evaluation: a first tick before that would
  // teach the baselines a moment of silence from everyone.
  if (gate instanceof OfrepGate) await firstEvaluations(gate);
  parts.loop.start();
  return {
    parts,
    async stop() {
      await earlierChanges.stop();
      parts.loop.stop();
      // Before the events stop, so the windows still hear of each entry completed as not measured.
      await parts.effects.stop();
      parts.events.stop();
      await parts.timeBox.stop();
      await Promise.allSettled([gate?.close(), parts.board.close(), ofrep?.close()]);
      await provider.close();
    },
  };
}

/**
 * Settle the changes an earlier run left pending, by what the provider serves now. A flag system that
 * is still connecting cannot say, and marking them interrupted would be final (nothing looks again):
 * they wait for it, settled the moment it connects — ahead of anything else on their switches — and
 * then the time boxes it kept from reverting run at once rather than after the rest of their backoff.
 * `atStart` is the settling a start waits for; `stop` cancels one not begun and waits for one under way.
 */
function settleEarlierChanges(
  audit: AuditLog,
  parts: SessionParts,
): { atStart: Promise<unknown>; stop(): Promise<unknown> } {
  const { provider } = parts;
  if (!isConnecting(provider)) {
    const settled = settleInterruptedChanges(audit, parts);
    return { atStart: settled, stop: () => settled };
  }
  let stopped = false;
  let settling: Promise<unknown> = Promise.resolve();
  void provider.whenConnected().then(() => {
    if (stopped) return;
    settling = settleInterruptedChanges(audit, parts).then(() => parts.timeBox.retryNow());
  });
  return {
    atStart: Promise.resolve(),
    stop: () => {
      stopped = true;
      return settling;
    },
  };
}

/**
 * A failed revert is retried until it lands, and a person hears of the first failure. While the flag
 * system is still connecting, each retry fails for the reason the flags status already shows, and
 * they all run at once when it connects: a critical alert per retry would only repeat the first.
 */
export function revertFailureReporter(
  provider: FlagProvider,
  alert: (failure: RevertFailure) => void,
): (failure: RevertFailure) => void {
  return (failure) => {
    if (failure.attempt > 1 && isConnecting(provider)) {
      console.warn(
        `switchboard: time-box revert of ${entrySubject(failure.revert)} failed again (attempt ${failure.attempt}) while ${provider.label} is not connected; it runs as soon as it is`,
      );
      return;
    }
    alert(failure);
  };
}

function isConnecting(provider: FlagProvider): provider is ConnectingFlagProvider {
  return provider instanceof ConnectingFlagProvider && provider.connected() === null;
}

function listedSimulatedTenants(source: SimulatedSource): TenantSeed[] {
  const tenants = source.tenants();
  return tenants.slice(0, Math.max(0, tenants.length - UNLISTED_SIMULATED_TENANTS));
}

/** What an older version wrote into tenants.json on a first run with the simulated workload: `count` of them. */
function olderVersionsSeed(count: number): TenantSeed[] {
  return listedSimulatedTenants(new SimulatedSource({ tenants: count + UNLISTED_SIMULATED_TENANTS }));
}

interface Built {
  ofrep: OfrepServer | null;
  gate: TenantGate | null;
  sources: MetricsSource[];
  source: SimulatedSource | null;
  rateSource: number;
}

function assembleParts(shared: SharedParts, options: SessionOptions, built: Built): SessionParts {
  const { provider, profile } = options;
  const { tenants, audit, bus, settings } = shared;
  // The traffic thresholds also follow later changes (console-core applies them live).
  const model = new TrafficModel({ detection: trafficDetectionOptions(settings.get().detection) });
  const effects = new EffectTracker({ audit, latestRate: (id) => model.latestRate(id) });
  let flips: FlipService | null = null;
  let toggles: FlagToggleService | null = null;
  let events: ConsoleEvents | null = null;
  const timeBox = new TimeBox({
    dataDir: shared.dataDir,
    // Time boxes belong to the flag store they revert (every embedded profile shares flags.json), so
    // any profile on that store runs them — and only such a profile: a revert goes back where it came from.
    fileName: timeBoxFileName(profile.flags),
    revert: revertThrough(
      () => flips!,
      () => toggles!,
    ),
    onRevertFailed: revertFailureReporter(provider, (failure) => events!.revertFailed(failure)),
    onChange: (reverts) => bus.emit('actions.onTimeBoxes', reverts.map(timeBoxInfo)),
  });
  // Read per write, so that saving the active profile as read-only refuses the very next write.
  const isReadOnly = () => (options.current?.() ?? profile).readOnly;
  // Every entry names the profile and environment it was made in (approvals go back only there).
  const origin = originOf(profile);
  flips = new FlipService({
    provider,
    audit,
    origin,
    tenantExists: (id) => tenants.exists(id) || model.latestRate(id) !== null,
    isReadOnly,
    reverts: timeBox,
    effects,
  });
  toggles = new FlagToggleService({ provider, audit, isReadOnly, reverts: timeBox, origin });
  const approvals = new ApprovalService({ provider, audit, isReadOnly, origin });
  const board = new SourceBoard({
    sources: built.sources,
    rateSource: built.rateSource,
    gate: built.gate,
    provider,
    bus,
  });
  const brokers = new BrokerBoard(bus, (marker) => model.addMarker(marker));
  events = new ConsoleEvents({ bus, model, tenants, provider, audit, effects, sources: board });
  const tickParts: ConsoleTickParts = {
    board,
    model,
    brokers,
    events,
    bus,
    intervalMs: () => loop.interval,
  };
  const loop = new TickLoop(
    settings.get().intervalMs,
    (now) => consoleTick(tickParts, now),
    (error) => console.error('switchboard: tick failed:', error instanceof Error ? error.message : error),
  );
  board.setInterval(settings.get().intervalMs);
  return {
    profile,
    provider,
    ...built,
    board,
    brokers,
    model,
    flips,
    toggles,
    approvals,
    timeBox,
    effects,
    loop,
    events,
  };
}

/** At most this long: a flag server that does not answer must not keep the console from starting. */
const FIRST_EVALUATIONS_MS = 5_000;

async function firstEvaluations(gate: OfrepGate): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FIRST_EVALUATIONS_MS);
  });
  await Promise.race([gate.whenIdle(), giveUp]);
  clearTimeout(timer);
}

/** The last 15 minutes, coarser than a tick for large windows; history raises no alerts. */
const BACKFILL_MS = 15 * 60_000;
const BACKFILL_POINTS = 300;

async function backfill(
  parts: SessionParts,
  source: MetricsSource | undefined,
  intervalMs: number,
): Promise<void> {
  if (!source?.backfill) return;
  const stepMs = Math.max(intervalMs, BACKFILL_MS / BACKFILL_POINTS);
  try {
    for (const sample of await source.backfill(BACKFILL_MS, stepMs)) parts.model.ingest(sample, stepMs);
    parts.model.drainAlerts();
  } catch (error) {
    console.warn(
      `switchboard: no backfill from ${source.label}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

async function startFlagServer(
  provider: EmbeddedFlagProvider,
  options: SessionOptions,
): Promise<OfrepServer> {
  const port = options.ofrepPort ?? 8016;
  try {
    return await startOfrepServer({
      provider,
      port,
      host: '127.0.0.1',
      token: options.ofrepToken,
      allowedOrigins: options.ofrepCorsOrigins,
    });
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
