/**
 * The one contract between the Switchboard core and any UI.
 *
 * Every call the UI can make and every event it can receive is declared here, once. Inputs carry a
 * runtime schema (zod) that both hosts run before the core sees a payload; outputs and events are
 * typed only (the core produces them). Wire names are derived from the keys: `sb:<feature>.<member>`.
 * The renderer imports this file with `import type` only.
 */
import { z } from 'zod';
import { errorText } from './errors/error-text';
import {
  type FlagProviderConfig,
  type Profile,
  type ProfileSecret,
  profileNameSchema,
  profileSchema,
} from './profiles/profile-schema';
import { type DetectionSettings, detectionSettingsPatchSchema } from './settings/detection-settings';
import { issueTexts } from './storage/zod-issue-text';

export type { DetectionSettings, FlagProviderConfig, Profile, ProfileSecret };

// ── Shared field schemas ─────────────────────────────────────────────────────────────────────────

export const tenantIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');
export const flagKeySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ - only');
export const flagValueSchema = z.union([z.boolean(), z.string().max(1024), z.number().finite()]);
export const reasonSchema = z
  .string()
  .trim()
  .min(3, 'a reason of at least 3 characters is required')
  .max(500);
/** Time boxes run from one minute to one week; the revert is persisted and survives restarts. */
export const timeboxMsSchema = z
  .number()
  .int()
  .min(60_000)
  .max(7 * 24 * 3_600_000);
/** 1 s at the fastest: the tenants' 900-sample history is then always at least the 15 minutes shown. */
export const intervalMsSchema = z.number().int().min(1000).max(60_000);
export const themeSchema = z.enum(['system', 'dark', 'light']);

export type FlagValue = z.infer<typeof flagValueSchema>;
export type Theme = z.infer<typeof themeSchema>;

// ── Domain types (outputs) ───────────────────────────────────────────────────────────────────────

export type TenantStatus = 'normal' | 'elevated' | 'spike' | 'over-limit' | 'off' | 'silent';

export interface TenantInfo {
  id: string;
  name: string;
  plan: string | null;
  /** Usage limit in events/s from the tenants file; null when none is set. */
  limit: number | null;
  /** false when the tenant was seen in traffic but is not in the tenants file. */
  known: boolean;
}

/** One tenant's figures in one tick. */
export interface TenantRow {
  id: string;
  name: string;
  known: boolean;
  limit: number | null;
  /** events/s this tick */
  rate: number;
  /** slow EWMA of the rate, frozen while spiking */
  baseline: number;
  /** rate / baseline (1 when the baseline is still learning or zero) */
  ratio: number;
  /** rate / total of all tenants, 0..1 */
  share: number;
  /** rate / limit, null without a limit */
  limitUse: number | null;
  status: TenantStatus;
  /** Why the status, in words: "14× baseline, +8,100/s, 62% of all traffic". Empty when normal. */
  why: string;
  /** Value of the kill switch `publish-events` for this tenant (true = may publish). */
  publishing: boolean;
}

/**
 * The order of `TenantColumns.status` codes: code i is TENANT_STATUS_ORDER[i]. A type, because the
 * renderer imports types only: its own list is declared with this type, so the compiler holds both
 * sides to one order.
 */
export type TenantStatusOrder = readonly ['normal', 'elevated', 'spike', 'over-limit', 'off', 'silent'];

/**
 * Every tenant's figures in one tick as parallel columns: index i of each array is one tenant.
 *
 * Why columns, not one object per tenant: at 10,000 tenants a tick of objects was 2.2 MB of JSON
 * (every key repeated 10,000 times, every double printed to 17 digits) that the UI parsed into
 * 10,000 objects only to copy them into typed arrays — the longest task the UI had each second.
 * Columns with the figures rounded to what the UI can use are ~0.5 MB, parse four times faster and
 * are written straight into the UI's arrays. `share` and `limitUse` are not sent: they are
 * `rate / total` and `rate / limit` (see TenantRow), computed where needed.
 */
export interface TenantColumns {
  id: string[];
  name: string[];
  /** 1 = listed in the tenants file, 0 = seen in traffic only */
  known: (0 | 1)[];
  /** usage limit in events/s, null when none is set */
  limit: (number | null)[];
  /** events/s this tick, rounded to 3 decimals (so are baseline and ratio) */
  rate: number[];
  baseline: number[];
  ratio: number[];
  /** TenantStatus as its index in TenantStatusOrder */
  status: number[];
  /** 1 = may publish (kill switch on) */
  publishing: (0 | 1)[];
  /** [index, why] for the tenants whose status is not normal; every other tenant's `why` is "" */
  why: [number, string][];
}

export interface TrafficTick {
  seq: number;
  /** epoch ms of the sample */
  t: number;
  intervalMs: number;
  /** sum of all tenants' rates */
  total: number;
  /** tenants currently marked spike */
  spiking: number;
  /** tenants currently marked silent (traffic/silence-watch.ts); absent when none */
  silent?: number;
  /** ids of the tenants stacked in the overview chart this tick (top by rate) */
  top: string[];
  tenants: TenantColumns;
  /**
   * true: the rate source gave nothing new this tick (failed or slower than the tick), so this is
   * the last tick's data again (same seq) — show the rates as stale, not as current.
   */
  stale?: boolean;
  /**
   * Chart markers about every tenant added since the last tick (absent when none): broker alarms,
   * flags turned on or off for everyone. A tenant's own spike and flip markers reach the UI with
   * the alert and the audit entry that announce them.
   */
  markers?: TrafficMarker[];
  /**
   * Present while most tenants' traffic is down at once, far below their baselines (a broker that
   * blocks every publisher): since when. Baselines hold while it lasts (traffic/fleet-drop.ts).
   */
  fleetDrop?: { since: number };
  /**
   * Present for a while after a fleet-wide drop ended: publishers are catching up on what they held
   * back, so spikes are not judged (nor baselines learned) until `until` (epoch ms).
   */
  catchingUp?: { until: number };
}

export interface TrafficMarker {
  t: number;
  /**
   * broker-alarm: a memory or disk alarm began (publishers blocked); broker-clear: it ended;
   * broker-warning: an early warning (a suspected channel leak); fleet-drop: most tenants' traffic
   * fell at once; fleet-recovered: it came back — all five for every tenant. silent: the tenant
   * stopped sending while its switch was on (traffic/silence-watch.ts).
   */
  kind:
    | 'spike'
    | 'silent'
    | 'flip'
    | 'revert'
    | 'broker-alarm'
    | 'broker-clear'
    | 'broker-warning'
    | 'fleet-drop'
    | 'fleet-recovered';
  /** null: about every tenant (a broker alarm, a flag turned on or off for everyone) */
  tenantId: string | null;
  label: string;
}

export interface OverviewSeries {
  /** epoch ms, oldest first, one per tick (at most 15 minutes) */
  t: number[];
  total: number[];
  top: { id: string; name: string; values: number[] }[];
  markers: TrafficMarker[];
}

export interface TrafficSnapshot {
  tick: TrafficTick;
  /** last samples (up to 60) per tenant, oldest first, for the sparklines */
  sparks: Record<string, number[]>;
  overview: OverviewSeries;
  paused: boolean;
}

export type FlagKind = 'kill-switch' | 'release' | 'operational';
/** The per-tenant kill switch's key (true = the tenant may publish): one name for core and UI. */
export type KillSwitchFlag = 'publish-events';
export type FlagValueSource = 'tenant-override' | 'rule' | 'default' | 'flag-off';

export interface FlagInfo {
  key: string;
  kind: FlagKind;
  description: string;
  /** false = the flag is off for everyone (serves its default / off variant) */
  enabled: boolean;
  valueType: 'boolean' | 'string' | 'number';
  variants: Record<string, FlagValue>;
  defaultVariant: string;
  /**
   * What every tenant is served while the flag is off, tenant overrides included (flagd: the default
   * variant; Unleash: false; LaunchDarkly: the off variation). null: nothing — services fall back to
   * their code default.
   */
  offValue: FlagValue | null;
}

/**
 * The tenants a flag serves something other than what a tenant without an override gets: "which
 * accounts have new-dashboard", "who is switched off right now".
 */
export interface FlagExceptions {
  /** what a tenant with no override or rule gets now (the off value while the flag is off) */
  defaultValue: FlagValue | null;
  /** how many tenants differ */
  total: number;
  /** the first of them, by tenant id (at most FLAG_EXCEPTIONS_LISTED) */
  tenants: { id: string; name: string; value: FlagValue }[];
}

/** Tenants named per flag in `flags.exceptions`; `total` counts the rest. */
export const FLAG_EXCEPTIONS_LISTED = 20;

/** A flag's on/off in one environment of its provider. */
export interface FlagEnvironmentState {
  environment: string;
  enabled: boolean;
  /** the active profile's environment */
  current: boolean;
}

export interface TenantFlag extends FlagInfo {
  value: FlagValue;
  variant: string | null;
  source: FlagValueSource;
}

/** A time box still running: at `revertAt` the switch goes back to `revertTo` by itself. */
export interface TimeBoxInfo {
  flagKey: string;
  /** null: the flag for everyone (revertTo is then its on/off state) */
  tenantId: string | null;
  revertTo: FlagValue;
  /** ISO time */
  revertAt: string;
  /** the audit entry of the time-boxed change */
  auditId: string;
}

export interface FlipEffect {
  /** events/s just before the flip */
  before: number;
  /** events/s when the effect was judged */
  after: number;
  /** ms from the flip call until the tenant's traffic reached `after` */
  ms: number;
  /** false: a kill switch turned off that had not brought the tenant's traffic down by the end of the watch */
  settled: boolean;
  /**
   * Set when the effect could not be measured, saying why (the switch was changed again, the console
   * stopped watching); `after` and `ms` are then what was seen until then. Absent or null: measured.
   */
  notMeasured?: string | null;
}

/** set-tenant-flag: one tenant's value; set-flag-enabled: the flag on/off for everyone; revert: a time box ran out. */
export type AuditAction = 'set-tenant-flag' | 'set-flag-enabled' | 'revert';
/** interrupted: Switchboard stopped before the outcome was known, and it could not be read back at the next start. */
export type AuditOutcome = 'pending' | 'applied' | 'failed' | 'interrupted';

export interface AuditEntry {
  id: string;
  /** ISO time the action was requested */
  at: string;
  /** OS user who acted ("system" for automatic reverts) */
  actor: string;
  action: AuditAction;
  flagKey: string;
  /** null: the flag for everyone in the provider's environment (set-flag-enabled; value = on/off) */
  tenantId: string | null;
  value: FlagValue;
  previous: FlagValue | null;
  reason: string;
  timeboxMs: number | null;
  /** ISO time of the automatic revert, when a time box was given */
  revertAt: string | null;
  provider: string;
  /** the connection profile the change was made in (absent or null: recorded before profiles were noted) */
  profile?: string | null;
  /** the provider's environment the change was made in (null where the provider has one, like the embedded store) */
  environment?: string | null;
  outcome: AuditOutcome;
  /**
   * failed/interrupted: why. applied: what the person should still know (the write reported an error but
   * the provider serves the value; the time box could not be saved or moved).
   */
  error: string | null;
  /** ISO time the provider was confirmed to serve the new value */
  confirmedAt: string | null;
  effect: FlipEffect | null;
  /**
   * The effect on traffic is being measured, from this rate (events/s just before the write): `effect`
   * follows. Absent or null: no measurement is running.
   */
  measuringFrom?: number | null;
  /** the provider refused the change until someone approves it (LaunchDarkly's 405), and what was done about it */
  approval: ApprovalState | null;
  /**
   * The provider refused the change because it conflicts with changes pending there (LaunchDarkly's
   * scheduled changes and approval requests): their descriptions, as the provider gave them (possibly
   * none). Absent or null for any other outcome. Repeating the change with `ignoreConflicts` overrides them.
   */
  conflicts?: string[] | null;
}

/** An entry about one tenant's value (set-tenant-flag, revert). */
export type TenantAuditEntry = AuditEntry & { tenantId: string };

export interface ApprovalState {
  /** required: refused pending approval; requested: an approval request is open at the provider */
  state: 'required' | 'requested' | 'request-failed';
  /** the provider's id of the approval request */
  requestId: string | null;
  requestedBy: string | null;
  requestedAt: string | null;
  error: string | null;
}

/** One entry of a flag provider's own change log (Unleash events, LaunchDarkly audit log). */
export interface ProviderEvent {
  id: string;
  /** ISO time */
  at: string;
  provider: string;
  actor: string;
  flagKey: string | null;
  /** the provider's own words: "updated strategy constraints", "Add user targets" */
  summary: string;
  /** the reason/comment the change carried, when the provider keeps one */
  comment: string | null;
}

export type SourceState = 'connecting' | 'ok' | 'degraded' | 'down';

export interface SourceStatus {
  id: string;
  kind: string;
  label: string;
  state: SourceState;
  message: string | null;
  lastOkAt: number | null;
  /** data shown from this source is older than two intervals */
  stale: boolean;
  simulated: boolean;
}

export interface Alert {
  id: string;
  at: number;
  kind:
    | 'spike'
    | 'spike-ended'
    | 'over-limit'
    | 'over-limit-ended'
    | 'silent'
    | 'silent-ended'
    | 'fleet-drop'
    | 'fleet-drop-ended'
    | 'flip-failed'
    | 'revert'
    | 'effect'
    | 'source'
    | 'flag';
  severity: 'info' | 'warning' | 'critical';
  tenantId: string | null;
  message: string;
  /**
   * Alerts of one topic answer each other: the newer one's toast replaces the older's (a broker's
   * memory alarm, then its end). Absent: the alert stands on its own.
   */
  topic?: string;
}

export interface TenantDetail {
  tenant: TenantInfo;
  row: TenantRow | null;
  /** up to 15 minutes, oldest first */
  series: { t: number[]; rate: number[]; baseline: number[] };
  markers: TrafficMarker[];
  flags: TenantFlag[];
  audit: AuditEntry[];
}

/** One broker's health in one tick (RabbitMQ management API). */
export interface BrokerHealth {
  sourceId: string;
  label: string;
  /** epoch ms of the sample */
  t: number;
  version: string | null;
  /** the broker's stats refresh, as observed (1 s or the stock 5 s) */
  statsIntervalMs: number | null;
  memory: {
    used: number;
    /** the watermark in bytes */
    limit: number;
    alarm: boolean;
    /** linear trend over the last minutes; null until the fit is steady */
    bytesPerSec: number | null;
    /** projected seconds until the watermark; null when not rising steadily */
    alarmInSec: number | null;
  };
  diskAlarm: boolean;
  /** alarms listed by /api/health/checks/alarms (503) */
  alarms: string[];
  connections: number;
  channels: number;
  channelsPerConnection: number;
  channelsCreatedPerSec: number | null;
  channelsClosedPerSec: number | null;
  leak: { suspected: boolean; why: string };
  /** connections at or above 80% of their channel_max */
  nearChannelMax: { connection: string; channels: number; max: number }[];
  /**
   * blocked (publishing, stalled) and blocking (idle, would block) connections: the first 50,
   * blocked ones first, in the broker's order (during an alarm there may be thousands)
   */
  blocked: { name: string; user: string; state: 'blocked' | 'blocking' }[];
  /** all blocked and blocking connections, listed or not ("+N more" = this − blocked.length) */
  blockedConnectionsTotal: number;
  /** how many of blockedConnectionsTotal are blocking; the rest are blocked publishers */
  blockingConnectionsTotal: number;
  queues: { count: number; messages: number; deepest: { vhost: string; name: string; messages: number }[] };
  /** messages/s computed from the cumulative counters */
  publishRate: number;
  deliverRate: number;
  fd: { used: number; total: number } | null;
  /** human sentences for the banner: "channel leak suspected: …", "memory alarm in ~9 min" */
  warnings: string[];
}

export interface BrokerHistory {
  t: number[];
  memUsed: number[];
  memLimit: number[];
  channels: number[];
  connections: number[];
  publishRate: number[];
}

/** The console's views; the last one open is restored on the next start. */
export const consoleViews = ['traffic', 'flags', 'audit', 'health', 'profiles'] as const;
export type ConsoleView = (typeof consoleViews)[number];

export interface Settings {
  theme: Theme;
  intervalMs: number;
  window: { width: number; height: number; maximized: boolean } | null;
  lastView: { view: ConsoleView; tenantId: string | null };
  /**
   * Detection thresholds someone chose; absent fields (or the whole object) take the built-in
   * defaults. In `settings.update` a field given as null goes back to its default.
   */
  detection?: DetectionSettings;
}

/** A profile as the UI sees it: never a secret's value, only whether it is set. */
export interface ProfileView extends Profile {
  secrets: Record<ProfileSecret, { configured: boolean }>;
  /** built from command-line flags for this launch; not saved */
  transient: boolean;
}

export interface ProfilesView {
  active: string;
  profiles: ProfileView[];
  /** where secrets are kept; `warning` when they are not really protected (basic_text, no keyring) */
  secretStorage: { backend: string; warning: string | null };
}

export interface ConnectionTest {
  ok: boolean;
  checks: { part: string; ok: boolean; message: string }[];
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'web';
  dataDir: string;
  actor: string;
  profile: { name: string; production: boolean; readOnly: boolean };
  flagProvider: { kind: string; label: string };
  ofrepEndpoint: string | null;
  sources: SourceStatus[];
  paused: boolean;
  /** data files that failed validation (path: field: problem); they are left untouched */
  problems: string[];
}

// ── Input schemas ────────────────────────────────────────────────────────────────────────────────

const empty = z.object({}).strict();
const settingsPatchSchema = z
  .object({
    theme: themeSchema,
    intervalMs: intervalMsSchema,
    window: z
      .object({
        width: z.number().int().min(400).max(10_000),
        height: z.number().int().min(300).max(10_000),
        maximized: z.boolean(),
      })
      .strict()
      .nullable(),
    lastView: z.object({ view: z.enum(consoleViews), tenantId: tenantIdSchema.nullable() }).strict(),
    detection: detectionSettingsPatchSchema.nullable(),
  })
  .partial()
  .strict();

/** Phantom marker that carries an output type through `calls` without a runtime schema. */
export interface Output<T> {
  readonly __output?: T;
}
const output = <T>(): Output<T> => ({});

interface CallSpec {
  input: z.ZodType;
  output: Output<unknown>;
}

/** What every change call takes besides its subject and value. */
const changeFields = {
  reason: reasonSchema,
  /** turn it back automatically after this long (kept by Switchboard, across restarts) */
  timeboxMs: timeboxMsSchema.optional(),
  /** production profiles: the tenant id (or, flag-wide, the flag key), repeated by the person confirming */
  confirm: z.string().max(128).optional(),
  /** apply over conflicting changes pending at the provider (LaunchDarkly's ignoreConflicts) */
  ignoreConflicts: z.boolean().optional(),
};

/** A profile as the form sends it, with the secrets just typed (they go to the main process only). */
const profileInputSchema = z
  .object({
    profile: profileSchema,
    secrets: z
      .object({ flagToken: z.string().min(1).max(4096), rabbitmqPassword: z.string().min(1).max(4096) })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export const calls = {
  'app.info': { input: empty, output: output<AppInfo>() },
  'traffic.snapshot': { input: empty, output: output<TrafficSnapshot>() },
  'traffic.overview': { input: empty, output: output<OverviewSeries>() },
  'traffic.setPaused': {
    input: z.object({ paused: z.boolean() }).strict(),
    output: output<{ paused: boolean }>(),
  },
  'tenants.list': { input: empty, output: output<TenantInfo[]>() },
  'tenants.detail': {
    input: z.object({ tenantId: tenantIdSchema }).strict(),
    output: output<TenantDetail>(),
  },
  'tenants.import': {
    input: z.object({ format: z.enum(['json', 'csv']), content: z.string().max(10_000_000) }).strict(),
    output: output<{ imported: number; total: number }>(),
  },
  'flags.list': { input: empty, output: output<FlagInfo[]>() },
  /** Every flag's on/off in every environment of the provider, by flag key ({} where it has one environment). */
  'flags.environments': { input: empty, output: output<Record<string, FlagEnvironmentState[]>>() },
  /** Per flag key, the tenants (of the tenants file and those seen in traffic) that get a non-default value. */
  'flags.exceptions': { input: empty, output: output<Record<string, FlagExceptions>>() },
  'flags.forTenant': {
    input: z.object({ tenantId: tenantIdSchema }).strict(),
    output: output<TenantFlag[]>(),
  },
  /** The kill switch: `publish-events` for one tenant. */
  'actions.flip': {
    input: z
      .object({
        tenantId: tenantIdSchema,
        publish: z.boolean(),
        ...changeFields,
      })
      .strict(),
    output: output<AuditEntry>(),
  },
  /** Any flag for one tenant (the customer-success path). */
  'actions.setFlag': {
    input: z
      .object({
        tenantId: tenantIdSchema,
        flagKey: flagKeySchema,
        value: flagValueSchema,
        ...changeFields,
      })
      .strict(),
    output: output<AuditEntry>(),
  },
  /** Turn a flag on or off for everyone in the profile's environment. */
  'actions.setFlagEnabled': {
    input: z
      .object({
        flagKey: flagKeySchema,
        enabled: z.boolean(),
        ...changeFields,
      })
      .strict(),
    output: output<AuditEntry>(),
  },
  /** Open an approval request at the provider for a change it refused pending approval (by audit id). */
  'actions.requestApproval': {
    input: z.object({ auditId: z.string().min(1).max(128) }).strict(),
    output: output<AuditEntry>(),
  },
  /** The active flag store's running time boxes (also pushed as `actions.onTimeBoxes`). */
  'actions.timeBoxes': { input: empty, output: output<TimeBoxInfo[]>() },
  'audit.query': {
    input: z
      .object({
        tenantId: tenantIdSchema.optional(),
        flagKey: flagKeySchema.optional(),
        limit: z.number().int().min(1).max(5_000).optional(),
      })
      .strict(),
    output: output<AuditEntry[]>(),
  },
  'broker.health': {
    input: empty,
    output: output<{ current: BrokerHealth[]; history: Record<string, BrokerHistory> }>(),
  },
  /** The flag provider's own change log, for the audit view beside Switchboard's records. */
  'audit.providerHistory': {
    input: z
      .object({ flagKey: flagKeySchema.optional(), limit: z.number().int().min(1).max(500).optional() })
      .strict(),
    output: output<ProviderEvent[]>(),
  },
  'profiles.list': { input: empty, output: output<ProfilesView>() },
  /** Add or replace a profile; secrets go to the main process's secret store and never come back. */
  'profiles.save': { input: profileInputSchema, output: output<ProfilesView>() },
  'profiles.delete': {
    input: z.object({ name: profileNameSchema }).strict(),
    output: output<ProfilesView>(),
  },
  /**
   * "Test connection": what works and what does not, without switching. A saved profile by name, or
   * a form's draft before it is saved — taken and refused as profiles.save would, but nothing is
   * written; a secret not typed is the saved profile's of the same name. Secrets are never echoed.
   */
  'profiles.test': {
    input: z.union([z.object({ name: profileNameSchema }).strict(), profileInputSchema]),
    output: output<ConnectionTest>(),
  },
  /**
   * Switch profile. Refused (CONFIRMATION_REQUIRED, naming them) while the active profile has time
   * boxes pending — they run only while it is active — unless the person confirmed leaving them.
   */
  'profiles.activate': {
    input: z.object({ name: profileNameSchema, leavePendingTimeBoxes: z.boolean().optional() }).strict(),
    output: output<AppInfo>(),
  },
  'settings.get': { input: empty, output: output<Settings>() },
  'settings.update': { input: settingsPatchSchema, output: output<Settings>() },
} as const satisfies Record<string, CallSpec>;

export const events = {
  /** One batch per tick with every tenant. */
  'traffic.onTick': output<TrafficTick>(),
  'flags.onChange': output<{ flagKeys: string[]; etag: string }>(),
  'alerts.onAlert': output<Alert>(),
  'sources.onStatus': output<SourceStatus[]>(),
  /** A new or updated audit entry (intent, outcome, effect). */
  'audit.onEntry': output<AuditEntry>(),
  'settings.onChange': output<Settings>(),
  'profiles.onChange': output<ProfilesView>(),
  /** The active profile changed: everything the UI holds is stale; reload it. */
  'app.onReset': output<AppInfo>(),
  /** Every broker source's health, once per tick. */
  'broker.onHealth': output<BrokerHealth[]>(),
  'traffic.onPaused': output<{ paused: boolean }>(),
  /** Every running time box, whenever one starts, ends or is replaced. */
  'actions.onTimeBoxes': output<TimeBoxInfo[]>(),
  /**
   * The host asks the page to open one tenant: a desktop notification about it was clicked. Sent by
   * the Electron host only (the web host shows no desktop notifications), never by the core.
   */
  'app.onReveal': output<{ tenantId: string }>(),
} as const satisfies Record<string, Output<unknown>>;

// ── Types derived from the contract ──────────────────────────────────────────────────────────────

export type CallName = keyof typeof calls;
export type EventName = keyof typeof events;
/** What a caller may send (before defaults are applied). */
export type CallInput<N extends CallName> = z.input<(typeof calls)[N]['input']>;
/** What the core receives after validation. */
export type ParsedInput<N extends CallName> = z.output<(typeof calls)[N]['input']>;
export type CallOutput<N extends CallName> = NonNullable<(typeof calls)[N]['output']['__output']>;
export type EventPayload<E extends EventName> = NonNullable<(typeof events)[E]['__output']>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];
export const WIRE_PREFIX = 'sb:';
export const wireName = (name: CallName | EventName): string => `${WIRE_PREFIX}${name}`;

/** The client every renderer component codes against, whatever the transport. */
export interface SwitchboardClient {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

type FeatureOf<N extends string> = N extends `${infer F}.${string}` ? F : never;
type Feature = FeatureOf<CallName | EventName>;

/** The shape the Electron preload exposes as `window.switchboard`: exactly the contract, nested by feature. */
export type BridgeApi = {
  [F in Feature]: {
    [N in CallName as N extends `${F}.${infer M}` ? M : never]: (
      input: CallInput<N>,
    ) => Promise<CallOutput<N>>;
  } & {
    [E in EventName as E extends `${F}.${infer M}` ? M : never]: (
      listener: (payload: EventPayload<E>) => void,
    ) => () => void;
  };
};

export const splitName = (name: CallName | EventName): [feature: string, member: string] => {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
};

// ── Errors ───────────────────────────────────────────────────────────────────────────────────────

export type ApiErrorCode =
  | 'UNKNOWN_CALL'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'READ_ONLY'
  | 'PROVIDER_ERROR'
  | 'DATA_FILE_INVALID'
  | 'CONFIRMATION_REQUIRED'
  | 'CONFLICT'
  | 'INTERNAL';

/** What crosses the boundary when a call fails: plain data, never an Error with a stack. */
export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
  /** field-level problems: "reason: a reason of at least 3 characters is required" */
  issues?: string[];
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues?: string[];
  constructor(code: ApiErrorCode, message: string, issues?: string[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }
  toData(): ApiErrorData {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    return new ApiError('INTERNAL', errorText(error));
  }
}

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.hasOwn(calls, name);

/** Validate one incoming call. Both hosts run this before the core sees the payload. */
export function parseCall<N extends CallName>(
  name: unknown,
  input: unknown,
): { name: N; input: ParsedInput<N> } {
  if (!isCallName(name))
    throw new ApiError('UNKNOWN_CALL', `unknown call: ${JSON.stringify(name)?.slice(0, 80)}`);
  const parsed = calls[name].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = issueTexts(parsed.error, '(input)');
    throw new ApiError('INVALID_INPUT', `invalid input for ${name}: ${issues.join('; ')}`, issues);
  }
  return { name: name as N, input: parsed.data as ParsedInput<N> };
}
