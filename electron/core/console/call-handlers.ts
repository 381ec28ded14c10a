import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { timeBoxInfo } from '../actions/pending-revert';
import {
  ApiError,
  type AppInfo,
  type CallName,
  type CallOutput,
  type ParsedInput,
  type TenantDetail,
} from '../api';
import type { CallContext } from '../console-core.types';
import { KILL_SWITCH_FLAG } from '../flags/embedded/default-flags';
import { flagExceptions } from '../flags/flag-exceptions';
import { sameFlagStore } from '../profiles/flag-store';
import { refuseLeavingTimeBoxes } from '../profiles/pending-time-boxes';
import type { Profile } from '../profiles/profile-schema';
import type { ProfileStore } from '../profiles/profile-store';
import type { SessionParts, SharedParts } from './console-session';

export type CallHandlers = {
  [N in CallName]: (input: ParsedInput<N>, ctx: CallContext) => Promise<CallOutput<N>>;
};

export interface CallHandlerDeps {
  host: 'electron' | 'web';
  shared: SharedParts;
  profiles: ProfileStore;
  /** the running session: its parts change when the profile does */
  session(): SessionParts;
  setPaused(paused: boolean): void;
  /** data files that failed validation */
  problems(): string[];
  testProfile(input: ParsedInput<'profiles.test'>): Promise<CallOutput<'profiles.test'>>;
  activateProfile(name: string): Promise<void>;
}

const version = readVersion();

/** What a session is connected to: a change here needs a new session, a guard change does not. */
function connectionOf(profile: Profile): string {
  return JSON.stringify({ flags: profile.flags, sources: profile.sources });
}

/** One handler per call of the contract; inputs arrive already validated. */
export function createCallHandlers(d: CallHandlerDeps): CallHandlers {
  const s = d.session;
  const { tenants, audit, settings } = d.shared;
  return {
    'app.info': async (_input, ctx) => appInfo(d, ctx),
    'traffic.snapshot': async () => ({ ...s().model.snapshot(), paused: d.shared.paused() }),
    'traffic.overview': async () => s().model.overview(),
    'traffic.setPaused': async ({ paused }) => {
      d.setPaused(paused);
      return { paused: d.shared.paused() };
    },
    'tenants.list': async () => tenants.list(),
    'tenants.detail': async ({ tenantId }) => tenantDetail(d, tenantId),
    'tenants.import': async ({ format, content }) => tenants.import(format, content),
    'flags.list': async () => s().provider.listFlags(),
    'flags.environments': async () => (await s().provider.environmentStates?.()) ?? {},
    'flags.exceptions': async () => {
      const { provider } = s();
      const list = tenants.list();
      const ids = list.map((t) => t.id);
      const flags = await provider.listFlags();
      return Object.fromEntries(
        flags.map((flag) => [flag.key, flagExceptions(flag, list, provider.valuesFor(flag.key, ids))]),
      );
    },
    'flags.forTenant': async ({ tenantId }) => {
      requireTenant(d, tenantId);
      return s().provider.tenantFlags(tenantId);
    },
    'actions.flip': async ({ tenantId, publish, reason, timeboxMs, confirm, ignoreConflicts }, ctx) => {
      guardWrite(d, { tenant: tenantId }, confirm);
      return s().flips.apply({
        flagKey: KILL_SWITCH_FLAG,
        tenantId,
        value: publish,
        reason,
        timeboxMs,
        actor: ctx.actor,
        ignoreConflicts,
      });
    },
    'actions.setFlag': async (
      { tenantId, flagKey, value, reason, timeboxMs, confirm, ignoreConflicts },
      ctx,
    ) => {
      guardWrite(d, { tenant: tenantId }, confirm);
      return s().flips.apply({
        flagKey,
        tenantId,
        value,
        reason,
        timeboxMs,
        actor: ctx.actor,
        ignoreConflicts,
      });
    },
    'actions.setFlagEnabled': async (
      { flagKey, enabled, reason, timeboxMs, confirm, ignoreConflicts },
      ctx,
    ) => {
      guardWrite(d, { flag: flagKey }, confirm);
      return s().toggles.apply({ flagKey, enabled, reason, timeboxMs, actor: ctx.actor, ignoreConflicts });
    },
    // Refused like a write while the flags cannot be trusted (the service refuses read-only); no
    // production confirmation: asking for an approval changes nothing that is served.
    'actions.requestApproval': async ({ auditId }, ctx) => {
      refuseWhileFlagsUntrusted(d, 'approval requests');
      return s().approvals.request(auditId, ctx.actor);
    },
    'actions.timeBoxes': async () => s().timeBox.list().map(timeBoxInfo),
    'audit.query': async (query) => audit.query(query),
    'audit.providerHistory': async ({ flagKey, limit }) =>
      s().provider.history({ flagKey, limit: limit ?? 100 }),
    'broker.health': async () => s().brokers.health(),
    'profiles.list': async () => d.profiles.view(),
    'profiles.save': async ({ profile, secrets }, ctx) => {
      const active = profile.name === s().profile.name;
      const connectedTo = connectionOf(s().profile);
      await d.profiles.save(profile, secrets);
      const saved = d.profiles.get(profile.name);
      // New sources, provider or secrets for the running profile: reconnect now (its time boxes
      // stay in its flag store's file), as a switch would, rather than after one.
      if (active && saved && (connectionOf(saved) !== connectedTo || Object.keys(secrets ?? {}).length > 0)) {
        await d.activateProfile(profile.name);
        return d.profiles.view();
      }
      const view = await d.profiles.view();
      d.shared.bus.emit('profiles.onChange', view);
      // The active profile's guards apply from the next call on: tell every UI to show (or hide) its
      // write controls now rather than after a switch.
      if (active) d.shared.bus.emit('app.onReset', appInfo(d, ctx));
      return view;
    },
    'profiles.delete': async ({ name }) => {
      await d.profiles.remove(name);
      return d.profiles.view();
    },
    'profiles.test': async (input) => d.testProfile(input),
    'profiles.activate': async ({ name, leavePendingTimeBoxes }, ctx) => {
      const { profile, timeBox } = s();
      // A profile on the same flag store runs the same time boxes: only leaving the store strands them.
      const next = d.profiles.get(name);
      const leavesStore = name !== profile.name && !(next && sameFlagStore(next.flags, profile.flags));
      if (leavesStore && !leavePendingTimeBoxes)
        refuseLeavingTimeBoxes(profile.name, timeBox.list(), Date.now());
      await d.activateProfile(name);
      return appInfo(d, ctx);
    },
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => settings.update(patch),
  };
}

/**
 * The running profile as saved now: the session runs the connections it started with, but its
 * guards (read-only, production) follow edits at once.
 */
function currentProfile(d: CallHandlerDeps): Profile {
  const running = d.session().profile;
  return d.profiles.get(running.name) ?? running;
}

export function appInfo(d: CallHandlerDeps, ctx: CallContext): AppInfo {
  const session = d.session();
  const { provider } = session;
  const profile = currentProfile(d);
  return {
    version,
    host: d.host,
    dataDir: d.shared.dataDir,
    actor: ctx.actor,
    profile: { name: profile.name, production: profile.production, readOnly: profile.readOnly },
    flagProvider: { kind: provider.kind, label: provider.label },
    ofrepEndpoint: session.ofrep?.url ?? null,
    sources: session.board.statuses(),
    paused: d.shared.paused(),
    problems: d.problems(),
  };
}

/**
 * Writes are refused, changing nothing, while the flags cannot be trusted (an invalid flags file);
 * a production profile also needs the tenant (or, for a flag-wide change, the flag) named by the
 * person confirming.
 */
function guardWrite(
  d: CallHandlerDeps,
  target: { tenant: string } | { flag: string },
  confirm: string | undefined,
): void {
  refuseWhileFlagsUntrusted(d, 'flag writes');
  const profile = currentProfile(d);
  const [noun, name] = 'tenant' in target ? ['tenant', target.tenant] : ['flag', target.flag];
  if (profile.production && !profile.readOnly && confirm !== name) {
    throw new ApiError(
      'CONFIRMATION_REQUIRED',
      `"${profile.name}" is a production profile: confirm the change by naming the ${noun} "${name}"`,
    );
  }
}

/** `what` ("flag writes") is refused, saying why, while the provider has a problem. */
function refuseWhileFlagsUntrusted(d: CallHandlerDeps, what: string): void {
  const { provider } = d.session();
  const refusal = provider.problem?.() ?? null;
  if (!refusal) return;
  // the embedded store's own file is at fault; a remote provider could not be read
  const code = provider.kind === 'embedded' ? 'DATA_FILE_INVALID' : 'PROVIDER_ERROR';
  throw new ApiError(code, `${what} are refused: ${refusal}`);
}

async function tenantDetail(d: CallHandlerDeps, tenantId: string): Promise<TenantDetail> {
  const tenant = requireTenant(d, tenantId);
  const { model, provider } = d.session();
  return {
    tenant,
    row: model.latestRow(tenantId),
    series: model.tenantSeries(tenantId) ?? { t: [], rate: [], baseline: [] },
    markers: model.markers(tenantId),
    flags: await provider.tenantFlags(tenantId),
    audit: d.shared.audit.query({ tenantId, limit: 200 }),
  };
}

function requireTenant(d: CallHandlerDeps, tenantId: string) {
  const tenant = d.shared.tenants.get(tenantId) ?? d.session().model.tenantInfo(tenantId);
  if (!tenant) {
    throw new ApiError(
      'NOT_FOUND',
      `unknown tenant "${tenantId}": not in the tenants file and not seen in traffic`,
    );
  }
  return tenant;
}

function readVersion(): string {
  try {
    const manifest = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'),
    );
    return String(manifest.version);
  } catch {
    return 'dev';
  }
}
