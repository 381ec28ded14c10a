/**
 * The core's composition root. What outlives a connection profile (settings, tenants, the audit
 * log, the event bus, the profiles) is opened once; everything that belongs to the active profile
 * runs in a session that is replaced when the user switches. Hosts get a `ConsoleCore`.
 */
import { mkdir } from 'node:fs/promises';
import { currentActor } from './actions/actor';
import { AuditLog } from './actions/audit-log';
import { ApiError, parseCall } from './api';
import {
  appInfo,
  type CallHandlerDeps,
  type CallHandlers,
  createCallHandlers,
} from './console/call-handlers';
import {
  type ConsoleSession,
  type SessionParts,
  type SharedParts,
  startSession,
} from './console/console-session';
import { EventBus } from './console/event-bus';
import type { CallContext, ConsoleCore, ConsoleCoreOptions } from './console-core.types';
import { errorText } from './errors/error-text';
import type { FlagProvider } from './flags/flag-provider';
import { createProvider, createProviderOrKeepConnecting } from './flags/provider-factory';
import { testProfileInput } from './profiles/profile-check';
import { COMMAND_LINE_PROFILE_NAME, LOCAL_PROFILE, type Profile } from './profiles/profile-schema';
import { ProfileStore } from './profiles/profile-store';
import { brokerDetectorOptions, trafficDetectionOptions } from './settings/detection-tuning';
import { SettingsStore } from './settings/settings-store';
import { DataDirLock } from './storage/data-dir-lock';
import { TenantDirectory } from './tenants/tenant-directory';

export type ConsoleParts = SharedParts & SessionParts & { profiles: ProfileStore };

export async function createConsoleCore(options: ConsoleCoreOptions): Promise<ConsoleCore> {
  return (await assembleConsole(options)).core;
}

/** The core plus a view of its current parts (tests and benchmarks reach into them). */
export async function assembleConsole(
  options: ConsoleCoreOptions,
): Promise<{ core: ConsoleCore; parts: ConsoleParts }> {
  await mkdir(options.dataDir, { recursive: true });
  // Before anything is read: a second process on this directory would undo this one's time boxes.
  const lock = await DataDirLock.acquire(options.dataDir);
  try {
    return await assembleLocked(options, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function assembleLocked(
  options: ConsoleCoreOptions,
  lock: DataDirLock,
): Promise<{ core: ConsoleCore; parts: ConsoleParts }> {
  const { dataDir } = options;
  const [settings, tenants, audit] = await Promise.all([
    SettingsStore.open({ dataDir }),
    TenantDirectory.open({ dataDir }),
    AuditLog.open({ dataDir }),
  ]);
  const transient: Profile | undefined = options.sources
    ? { ...LOCAL_PROFILE, name: COMMAND_LINE_PROFILE_NAME, sources: options.sources }
    : undefined;
  const profiles = await ProfileStore.open({ dataDir, secrets: options.secrets ?? null, transient });
  const bus = new EventBus();
  let paused = false;
  const shared: SharedParts = { dataDir, settings, tenants, audit, bus, paused: () => paused };
  // Until the core is assembled there is no window to tell.
  let announceReconnected = () => {};
  const start: SessionStart = { shared, profiles, options, providerConnected: () => announceReconnected() };
  let session = await openSession(start, profiles.activeProfile(), 'keep-connecting');
  settings.onChange((next) => {
    session.parts.loop.setInterval(next.intervalMs);
    session.parts.board.setInterval(next.intervalMs);
    // Thresholds apply from the next tick (traffic) and the next broker sample (broker health).
    session.parts.model.setDetection(trafficDetectionOptions(next.detection));
    const broker = brokerDetectorOptions(next.detection);
    for (const source of session.parts.sources) source.tuneBrokerDetector?.(broker);
    bus.emit('settings.onChange', next);
  });

  const deps: CallHandlerDeps = {
    host: options.host,
    shared,
    profiles,
    session: () => session.parts,
    setPaused: (value) => {
      paused = value;
      bus.emit('traffic.onPaused', { paused });
    },
    problems: () => dataProblems(shared, session.parts, profiles),
    testProfile: (input) => testProfileInput(profiles, input, dataDir),
    activateProfile: async (name) => {
      session = await switchSession(start, session, name);
      bus.emit('profiles.onChange', await profiles.view());
      bus.emit('app.onReset', appInfo(deps, { actor: options.actor ?? currentActor() }));
    },
  };
  const handlers: CallHandlers = createCallHandlers(deps);
  // A flag system that was down at launch came up: every window reloads what it shows of it.
  announceReconnected = () =>
    bus.emit('app.onReset', appInfo(deps, { actor: options.actor ?? currentActor() }));

  const core: ConsoleCore = {
    get ofrepEndpoint() {
      return session.parts.ofrep?.url ?? null;
    },
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
    spikingCount: () => session.parts.model.spikingCount(),
    async stop() {
      try {
        await session.stop();
        await audit.close();
      } finally {
        await lock.release();
      }
    },
  };
  const parts = new Proxy({} as ConsoleParts, {
    get: (_target, key) => ({ ...shared, ...session.parts, profiles })[key as keyof ConsoleParts],
  });
  return { core, parts };
}

/** What every session is opened with. */
interface SessionStart {
  shared: SharedParts;
  profiles: ProfileStore;
  options: ConsoleCoreOptions;
  /** a provider that kept connecting has connected */
  providerConnected(): void;
}

/**
 * What to do when the profile's flag system cannot be reached: fail (switching to it — the person
 * hears why and stays where they were), or keep connecting (at launch, and going back to the profile
 * that was running, where there is nowhere else to be).
 */
type WhenUnreachable = 'fail' | 'keep-connecting';

async function openSession(
  start: SessionStart,
  profile: Profile,
  whenUnreachable: WhenUnreachable,
): Promise<ConsoleSession> {
  const { shared, profiles, options } = start;
  const provider = await openProvider(start, profile, whenUnreachable);
  try {
    return await startSession(shared, {
      profile,
      current: () => profiles.get(profile.name) ?? profile,
      provider,
      rabbitmqPassword: await profiles.secret(profile.name, 'rabbitmqPassword'),
      tenants: options.tenants,
      spikeAfterMs: options.spikeAfterMs,
      ofrepPort: options.ofrepPort,
      ofrepToken: options.ofrepToken,
      ofrepCorsOrigins: options.ofrepCorsOrigins,
    });
  } catch (error) {
    // A provider that keeps connecting would otherwise go on retrying for a session that never ran.
    await provider.close().catch(() => undefined);
    throw error;
  }
}

async function openProvider(
  start: SessionStart,
  profile: Profile,
  whenUnreachable: WhenUnreachable,
): Promise<FlagProvider> {
  const { shared, profiles, options } = start;
  const token = () => profiles.secret(profile.name, 'flagToken');
  if (whenUnreachable === 'fail') {
    return createProvider(profile.flags, { dataDir: shared.dataDir, token: await token() });
  }
  return createProviderOrKeepConnecting(profile.flags, {
    dataDir: shared.dataDir,
    token,
    retry: options.flagConnectRetry,
    onConnected: () => start.providerConnected(),
  });
}

/**
 * Stop the running session and start the chosen profile's; if that fails, go back to the old one —
 * still connecting, if its flag system has gone away meanwhile. Starting the running profile again
 * (its connection or token was just saved) keeps connecting as well: the save worked, and the flags
 * status says why it has not connected yet.
 */
async function switchSession(
  start: SessionStart,
  current: ConsoleSession,
  name: string,
): Promise<ConsoleSession> {
  const { profiles } = start;
  const previous = current.parts.profile;
  const next = profiles.get(name);
  if (!next) throw new ApiError('NOT_FOUND', `no profile "${name}"`);
  await current.stop();
  try {
    const again = name === previous.name;
    const session = await openSession(start, next, again ? 'keep-connecting' : 'fail');
    await profiles.activate(name);
    return session;
  } catch (error) {
    const restored = await openSession(start, previous, 'keep-connecting');
    current.parts = restored.parts;
    current.stop = restored.stop;
    throw new ApiError('PROVIDER_ERROR', `could not switch to "${name}": ${errorText(error)}`);
  }
}

/** Files in the data directory that failed validation: shown to the user, never overwritten. */
function dataProblems(shared: SharedParts, session: SessionParts, profiles: ProfileStore): string[] {
  const problems = [
    session.provider.problem?.() ?? null,
    shared.tenants.problem()?.message ?? null,
    shared.settings.problem()?.message ?? null,
    session.timeBox.problem()?.message ?? null,
    ...profiles.problems().map((p) => p.message),
    ...shared.audit.problems().map((p) => p.message),
  ];
  return problems.filter((p): p is string => p !== null);
}
