/**
 * An in-memory SwitchboardClient with synthetic tenants, for unit tests and the dev preview page.
 * Never imported by the production entries (main.web.tsx / main.electron.tsx).
 *
 * The workload: N tenants with log-normal base rates and noise; `acme` spikes after `spikeAfterTicks`
 * ticks (to ~8,400/s, most of all traffic); a tenant whose kill switch is off falls to 0 within about
 * a second, and the audit entry then gets its measured effect. Ticks run on a timer (`autoTick`) or
 * by hand with `step()`.
 */

import { killSwitchEntry } from '../../electron/core/actions/testing/audit-entry';
import type {
  Alert,
  AppInfo,
  AuditEntry,
  CallInput,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
  FlagInfo,
  FlagValue,
  OverviewSeries,
  Settings,
  SourceStatus,
  TenantDetail,
  TenantFlag,
  TenantInfo,
  TenantRow,
  TenantStatus,
  TimeBoxInfo,
  TrafficMarker,
  TrafficTick,
} from '../../electron/core/api';
import { flagExceptions } from '../../electron/core/flags/flag-exceptions';
import { findTickRow, toTenantColumns } from '../../electron/core/traffic/tick-columns';
import {
  alwaysConnected,
  CallError,
  type ConnectionInfo,
  type ConnectionMonitor,
  type RendererClient,
} from '../client/client';
import { type BrokerScenario, SimBroker } from './sim-broker';

export interface MemoryClientOptions {
  tenants?: number;
  seed?: number;
  intervalMs?: number;
  autoTick?: boolean;
  /** ticks after start when acme spikes; null = never */
  spikeAfterTicks?: number | null;
  production?: boolean;
  readOnly?: boolean;
  profileName?: string;
  /** tenants whose flips fail with PROVIDER_ERROR */
  failFlipsFor?: string[];
  /** tenants whose flips the provider refuses pending approval (LaunchDarkly's 405) */
  approvalFor?: string[];
  /** ms before a flip's effect is reported */
  effectDelayMs?: number;
  /** ms each call takes */
  latencyMs?: number;
  /** ticks of overview history to pre-fill (default: 15 minutes' worth) */
  historyTicks?: number;
  theme?: Settings['theme'];
  /** data-file problems reported by app.info */
  problems?: string[];
  /** a synthetic RabbitMQ source (default none: `broker.health` answers empty, as without --rabbitmq) */
  broker?: BrokerScenario | 'none';
}

const NAMED = [
  ['acme', 'Acme Corp'],
  ['globex', 'Globex'],
  ['initech', 'Initech'],
  ['umbrella', 'Umbrella'],
  ['hooli', 'Hooli'],
  ['stark', 'Stark Industries'],
  ['wayne', 'Wayne Enterprises'],
  ['wonka', 'Wonka'],
  ['soylent', 'Soylent'],
  ['tyrell', 'Tyrell'],
  ['cyberdyne', 'Cyberdyne Systems'],
  ['oscorp', 'Oscorp'],
  ['vandelay', 'Vandelay Industries'],
  ['pied-piper', 'Pied Piper'],
  ['dunder', 'Dunder Mifflin'],
  ['massive', 'Massive Dynamic'],
] as const;
const WORDS = [
  'North',
  'Blue',
  'Iron',
  'Silver',
  'Quantum',
  'Bright',
  'Lake',
  'Cedar',
  'Nova',
  'Atlas',
  'Delta',
];
const SUFFIX = ['wind', 'works', 'labs', 'soft', 'logic', 'ware', 'point', 'forge', 'link', 'base'];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SimTenant {
  info: TenantInfo;
  base: number;
  rate: number;
  baseline: number;
  status: TenantStatus;
  why: string;
  spark: number[];
  offSince: number | null;
}

const FLAGS: FlagInfo[] = [
  {
    key: 'publish-events',
    kind: 'kill-switch',
    description: 'Tenant may publish events to the broker',
    enabled: true,
    valueType: 'boolean',
    variants: { on: true, off: false },
    defaultVariant: 'on',
    offValue: true,
  },
  {
    key: 'new-checkout',
    kind: 'release',
    description: 'New checkout flow',
    enabled: true,
    valueType: 'boolean',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    offValue: false,
  },
  {
    key: 'ingest-tier',
    kind: 'operational',
    description: 'Ingest queue tier',
    enabled: true,
    valueType: 'string',
    variants: { standard: 'standard', priority: 'priority', bulk: 'bulk' },
    defaultVariant: 'standard',
    offValue: 'standard',
  },
  {
    key: 'batch-size',
    kind: 'operational',
    description: 'Publisher batch size',
    enabled: true,
    valueType: 'number',
    variants: { small: 100, medium: 500, large: 1000 },
    defaultVariant: 'medium',
    offValue: 500,
  },
  {
    key: 'legacy-export',
    kind: 'release',
    description: 'Legacy CSV export (flag off for everyone)',
    enabled: false,
    valueType: 'boolean',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    offValue: false,
  },
];

type Listener = (payload: never) => void;

export class MemoryClient implements RendererClient {
  connection: ConnectionMonitor = alwaysConnected();
  readonly tenants: SimTenant[] = [];
  readonly audit: AuditEntry[] = [];
  readonly overrides = new Map<string, Map<string, FlagValue>>(); // flagKey → tenant → value
  readonly calls: { name: CallName; input: unknown }[] = [];
  private readonly byId = new Map<string, SimTenant>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly rand: () => number;
  private readonly opts: Required<Omit<MemoryClientOptions, 'failFlipsFor' | 'approvalFor'>> & {
    failFlipsFor: Set<string>;
    approvalFor: Set<string>;
  };
  private readonly flags: FlagInfo[] = structuredClone(FLAGS);
  /** the synthetic broker, null without one */
  readonly broker: SimBroker | null;
  private seq = 0;
  private now: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private paused = false;
  private settings: Settings;
  private overviewT: number[] = [];
  private overviewTotal: number[] = [];
  private overviewTop = new Map<string, number[]>();
  private markers: TrafficMarker[] = [];
  private lastTop: string[] = [];
  private nextAudit = 1;
  private reverts: { entryId: string; at: number; tenantId: string; flagKey: string; value: FlagValue }[] =
    [];

  constructor(options: MemoryClientOptions = {}) {
    this.opts = {
      tenants: 200,
      seed: 42,
      intervalMs: 1000,
      autoTick: false,
      spikeAfterTicks: 20,
      production: false,
      readOnly: false,
      profileName: 'demo (in-memory)',
      effectDelayMs: 1300,
      latencyMs: 0,
      historyTicks: -1,
      theme: 'system',
      problems: [],
      broker: 'none',
      ...options,
      failFlipsFor: new Set(options.failFlipsFor ?? []),
      approvalFor: new Set(options.approvalFor ?? []),
    };
    this.rand = mulberry32(this.opts.seed);
    this.now = Date.now();
    this.settings = {
      theme: this.opts.theme,
      intervalMs: this.opts.intervalMs,
      window: null,
      lastView: { view: 'traffic', tenantId: null },
    };
    this.makeTenants();
    this.prefill();
    this.broker =
      this.opts.broker === 'none'
        ? null
        : new SimBroker(this.opts.broker, this.now, this.settings.intervalMs, this.rand, this.totalRate());
    if (this.opts.autoTick) this.start();
  }

  // ── SwitchboardClient ──────────────────────────────────────────────────────────────────────────

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => {
      set.delete(listener as Listener);
    };
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    this.calls.push({ name, input });
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    return this.handle(name, (input ?? {}) as Record<string, unknown>) as CallOutput<N>;
  }

  // ── control (tests, preview) ─────────────────────────────────────────────────────────────────

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.step(), this.settings.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Simulate a link that drops: for the preview of the connection banner. */
  setConnection(info: ConnectionInfo): void {
    const listeners = new Set<(i: ConnectionInfo) => void>();
    this.connection = {
      get: () => info,
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      retryNow: () => {},
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (p: EventPayload<E>) => void)(payload);
  }

  /**
   * A data file turns invalid (or, with [], valid again) while running. The core has no event for
   * the problems list; a broken or fixed flag file shows as a change of the flags source, pushed
   * with sources.onStatus, and so does this.
   */
  setProblems(problems: string[]): void {
    this.opts.problems = [...problems];
    this.emit('sources.onStatus', this.sources());
  }

  /** Advance one tick and push it. */
  step(): TrafficTick {
    this.now += this.settings.intervalMs;
    if (this.opts.autoTick) this.now = Math.max(this.now, Date.now());
    this.seq++;
    const spikeAt = this.opts.spikeAfterTicks;
    for (const t of this.tenants) {
      const noise = 1 + (this.rand() - 0.5) * 0.16;
      let target = t.base * noise;
      if (t.info.id === 'acme' && spikeAt !== null && this.seq >= spikeAt) {
        const k = Math.min(1, (this.seq - spikeAt + 1) / 4);
        target = t.base + (8400 - t.base) * k * noise;
      }
      if (this.valueFor('publish-events', t.info.id) === false) {
        if (t.offSince === null) t.offSince = this.now;
        target = 0;
        t.rate = t.rate * 0.1 < 0.05 ? 0 : t.rate * 0.1;
      } else {
        t.offSince = null;
        t.rate = target;
      }
      t.spark.push(t.rate);
      if (t.spark.length > 60) t.spark.shift();
    }
    const tick = this.buildTick();
    this.recordOverview(tick);
    this.runReverts();
    // as the core: pause is the renderer's viewing aid, ticks keep coming
    this.emit('traffic.onTick', tick);
    if (this.broker) this.emit('broker.onHealth', [this.broker.sample(this.now, tick.total)]);
    return tick;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  private makeTenants(): void {
    const n = Math.max(this.opts.tenants, 6);
    for (let i = 0; i < n; i++) {
      let id: string;
      let name: string;
      if (i < NAMED.length) [id, name] = NAMED[i]!;
      else {
        const w = WORDS[i % WORDS.length]!;
        const s = SUFFIX[Math.floor(i / WORDS.length) % SUFFIX.length]!;
        id = `t-${String(i).padStart(5, '0')}`;
        name = `${w}${s} ${i}`;
      }
      const known = i !== 5; // one tenant seen in traffic but missing from the tenants file
      if (!known) {
        id = 'ghost-7f3a';
        name = 'ghost-7f3a';
      }
      const base =
        id === 'acme' ? 600 : i < NAMED.length ? 40 + this.rand() * 300 : Math.exp(this.rand() * 4 - 2);
      const limit = this.rand() < 0.7 ? Math.round(base * (2 + this.rand() * 6) + 5) : null;
      const plan = ['free', 'team', 'business', 'enterprise'][Math.floor(this.rand() * 4)]!;
      const sim: SimTenant = {
        info: { id, name, plan: known ? plan : null, limit: known ? limit : null, known },
        base,
        rate: base,
        baseline: base,
        status: 'normal',
        why: '',
        spark: [],
        offSince: null,
      };
      for (let k = 0; k < 60; k++) sim.spark.push(base * (1 + (this.rand() - 0.5) * 0.16));
      this.tenants.push(sim);
      this.byId.set(id, sim);
    }
    // one tenant already switched off, one over its limit
    this.flagMap('publish-events').set(this.tenants[2]!.info.id, false);
    this.tenants[2]!.rate = 0;
    this.tenants[2]!.spark = this.tenants[2]!.spark.map((v, k) => (k > 40 ? 0 : v));
    const over = this.tenants[3]!;
    over.info.limit = Math.round(over.base * 0.8);
    this.flagMap('ingest-tier').set('globex', 'priority');
  }

  private prefill(): void {
    const ticks =
      this.opts.historyTicks >= 0
        ? this.opts.historyTicks
        : Math.floor(OVERVIEW_MS / this.settings.intervalMs);
    const tick0 = this.buildTick();
    const top = tick0.top;
    for (let k = ticks; k > 0; k--) {
      const t = this.now - k * this.settings.intervalMs;
      const wave = 1 + 0.08 * Math.sin(k / 40) + (this.rand() - 0.5) * 0.04;
      this.overviewT.push(t);
      this.overviewTotal.push(tick0.total * wave);
      for (const id of top) {
        const series = this.overviewTop.get(id) ?? [];
        series.push(this.byId.get(id)!.base * wave);
        this.overviewTop.set(id, series);
      }
    }
    this.lastTop = top;
  }

  private totalRate(): number {
    let total = 0;
    for (const t of this.tenants) total += t.rate;
    return total;
  }

  private valueFor(flagKey: string, tenantId: string): FlagValue {
    const flag = this.flags.find((f) => f.key === flagKey)!;
    const o = this.overrides.get(flagKey)?.get(tenantId);
    if (!flag.enabled) return flag.offValue ?? flag.variants[flag.defaultVariant]!;
    return o !== undefined ? o : flag.variants[flag.defaultVariant]!;
  }

  private flagMap(flagKey: string): Map<string, FlagValue> {
    let m = this.overrides.get(flagKey);
    if (!m) {
      m = new Map();
      this.overrides.set(flagKey, m);
    }
    return m;
  }

  private buildTick(): TrafficTick {
    let total = 0;
    for (const t of this.tenants) total += t.rate;
    let spiking = 0;
    const rows: TenantRow[] = [];
    for (const t of this.tenants) {
      const publishing = this.valueFor('publish-events', t.info.id) !== false;
      const ratio = t.baseline > 0.5 ? t.rate / t.baseline : 1;
      const share = total > 0 ? t.rate / total : 0;
      let status: TenantStatus = 'normal';
      let why = '';
      if (!publishing) status = 'off';
      else if (ratio >= 5 && t.rate - t.baseline > 200) {
        status = 'spike';
        why = `${Math.round(ratio)}× baseline, +${Math.round(t.rate - t.baseline).toLocaleString('en-US')}/s, ${Math.round(share * 100)}% of all traffic`;
      } else if (t.info.limit !== null && t.rate > t.info.limit) {
        status = 'over-limit';
        why = `${Math.round((t.rate / t.info.limit) * 100)}% of its limit of ${t.info.limit.toLocaleString('en-US')}/s`;
      } else if (ratio >= 2 && t.rate - t.baseline > 50) {
        status = 'elevated';
        why = `${ratio.toFixed(1)}× baseline, +${Math.round(t.rate - t.baseline)}/s`;
      }
      if (status === 'spike' && t.status !== 'spike') this.onSpike(t, why);
      if (status === 'normal' || status === 'over-limit') t.baseline += (t.rate - t.baseline) * 0.02;
      t.status = status;
      t.why = why;
      if (status === 'spike') spiking++;
      rows.push({
        id: t.info.id,
        name: t.info.name,
        known: t.info.known,
        limit: t.info.limit,
        rate: t.rate,
        baseline: t.baseline,
        ratio,
        share,
        limitUse: t.info.limit ? t.rate / t.info.limit : null,
        status,
        why,
        publishing,
      });
    }
    const top = [...rows]
      .sort((a, b) => b.rate - a.rate)
      .slice(0, 5)
      .map((r) => r.id);
    return {
      seq: this.seq,
      t: this.now,
      intervalMs: this.settings.intervalMs,
      total,
      spiking,
      top,
      tenants: toTenantColumns(rows),
    };
  }

  private onSpike(t: SimTenant, why: string): void {
    if (this.seq === 0) return;
    this.markers.push({ t: this.now, kind: 'spike', tenantId: t.info.id, label: `${t.info.id} spike` });
    const alert: Alert = {
      id: `alert-${this.seq}-${t.info.id}`,
      at: this.now,
      kind: 'spike',
      severity: 'critical',
      tenantId: t.info.id,
      message: `${t.info.name} is spiking: ${why}`,
    };
    queueMicrotask(() => this.emit('alerts.onAlert', alert));
  }

  private recordOverview(tick: TrafficTick): void {
    this.overviewT.push(tick.t);
    this.overviewTotal.push(tick.total);
    const { id: ids, rate: tickRates } = tick.tenants;
    const rates = new Map(tick.top.map((id) => [id, tickRates[ids.indexOf(id)] ?? 0]));
    if (tick.top.join() !== this.lastTop.join()) {
      // a new member of the top gets its history from its spark (older points synthesised)
      for (const id of tick.top) {
        if (!this.overviewTop.has(id)) {
          const len = this.overviewT.length - 1;
          this.overviewTop.set(
            id,
            Array.from({ length: len }, () => this.byId.get(id)!.base),
          );
        }
      }
      this.lastTop = tick.top;
    }
    for (const [id, series] of this.overviewTop) series.push(rates.get(id) ?? this.byId.get(id)!.rate);
    const max = Math.floor(OVERVIEW_MS / this.settings.intervalMs);
    if (this.overviewT.length > max) {
      const cut = this.overviewT.length - max;
      this.overviewT.splice(0, cut);
      this.overviewTotal.splice(0, cut);
      for (const s of this.overviewTop.values()) s.splice(0, cut);
    }
  }

  private overview(): OverviewSeries {
    const n = this.overviewT.length;
    return {
      t: [...this.overviewT],
      total: [...this.overviewTotal],
      top: this.lastTop.map((id) => ({
        id,
        name: this.byId.get(id)!.info.name,
        values: (this.overviewTop.get(id) ?? []).slice(-n),
      })),
      markers: this.markers.filter((m) => m.t >= (this.overviewT[0] ?? 0)),
    };
  }

  private appInfo(): AppInfo {
    return {
      version: '0.1.0-preview',
      host: 'web',
      dataDir: '/tmp/switchboard-preview',
      actor: 'oncall',
      profile: {
        name: this.opts.profileName,
        production: this.opts.production,
        readOnly: this.opts.readOnly,
      },
      flagProvider: { kind: 'embedded', label: 'embedded' },
      ofrepEndpoint: null,
      sources: this.sources(),
      paused: this.paused,
      problems: [...this.opts.problems],
    };
  }

  sources(): SourceStatus[] {
    const broker: SourceStatus[] = this.broker
      ? [
          {
            id: this.broker.sourceId,
            kind: 'rabbitmq',
            label: this.broker.label,
            state: 'ok',
            message: null,
            lastOkAt: this.now,
            stale: false,
            simulated: false,
          },
        ]
      : [];
    return [
      ...broker,
      {
        id: 'simulated',
        kind: 'simulated',
        label: 'demo workload',
        state: 'ok',
        message: null,
        lastOkAt: this.now,
        stale: false,
        simulated: true,
      },
      {
        id: 'flags',
        kind: 'embedded',
        label: 'flags: embedded',
        // As the core: a flags file that failed validation degrades the flags source.
        state: this.opts.problems?.length ? 'degraded' : 'ok',
        message: this.opts.problems?.length ? this.opts.problems[0]! : null,
        lastOkAt: this.now,
        stale: false,
        simulated: false,
      },
    ];
  }

  private tenantFlags(tenantId: string): TenantFlag[] {
    return this.flags.map((f) => {
      const o = this.overrides.get(f.key)?.get(tenantId);
      const value = this.valueFor(f.key, tenantId);
      const source: TenantFlag['source'] = !f.enabled
        ? 'flag-off'
        : o !== undefined
          ? 'tenant-override'
          : 'default';
      const variant = Object.entries(f.variants).find(([, v]) => v === value)?.[0] ?? null;
      return { ...f, value, variant, source };
    });
  }

  private requireTenant(id: unknown): SimTenant {
    const t = typeof id === 'string' ? this.byId.get(id) : undefined;
    if (!t) throw new CallError('NOT_FOUND', `no tenant ${JSON.stringify(id)}`);
    return t;
  }

  private handle(name: CallName, input: Record<string, unknown>): unknown {
    switch (name) {
      case 'app.info':
        return this.appInfo();
      case 'traffic.snapshot': {
        const tick = this.buildTick();
        return {
          tick,
          sparks: Object.fromEntries(this.tenants.map((t) => [t.info.id, [...t.spark]])),
          overview: this.overview(),
          paused: this.paused,
        };
      }
      case 'traffic.overview':
        return this.overview();
      case 'traffic.setPaused': {
        this.paused = Boolean(input.paused);
        queueMicrotask(() => this.emit('traffic.onPaused', { paused: this.paused }));
        return { paused: this.paused };
      }
      case 'tenants.list':
        return this.tenants.map((t) => t.info);
      case 'tenants.detail': {
        const t = this.requireTenant(input.tenantId);
        const n = Math.min(this.overviewT.length, 900);
        const ts = this.overviewT.slice(-n);
        const rate = ts.map((_, k) => {
          const fromSpark = k - (n - t.spark.length);
          return fromSpark >= 0 ? t.spark[fromSpark]! : t.base * (1 + 0.08 * Math.sin((n - k) / 40));
        });
        const detail: TenantDetail = {
          tenant: t.info,
          row: findTickRow(this.buildTick(), t.info.id) ?? null,
          series: { t: ts, rate, baseline: ts.map(() => t.baseline) },
          markers: this.markers.filter((m) => m.tenantId === t.info.id),
          flags: this.tenantFlags(t.info.id),
          audit: this.audit.filter((a) => a.tenantId === t.info.id),
        };
        return detail;
      }
      case 'tenants.import':
        return this.importTenants(input.format === 'json' ? 'json' : 'csv', String(input.content ?? ''));
      case 'broker.health':
        return this.broker
          ? { current: this.broker.current(), history: this.broker.snapshot() }
          : { current: [], history: {} };
      case 'flags.list':
        return this.flags;
      case 'flags.environments':
        return {};
      case 'audit.providerHistory':
        return []; // the embedded store keeps no history of its own
      case 'flags.exceptions':
        return Object.fromEntries(
          this.flags.map((flag) => {
            const infos = this.tenants.map((t) => t.info);
            const values = new Map(infos.map((t) => [t.id, this.valueFor(flag.key, t.id)]));
            return [flag.key, flagExceptions(flag, infos, values)];
          }),
        );
      case 'flags.forTenant':
        return this.tenantFlags(this.requireTenant(input.tenantId).info.id);
      case 'actions.flip':
        return this.setFlag(
          String(input.tenantId),
          'publish-events',
          Boolean(input.publish),
          input.reason,
          input.timeboxMs,
        );
      case 'actions.setFlag':
        return this.setFlag(
          String(input.tenantId),
          String(input.flagKey),
          input.value as FlagValue,
          input.reason,
          input.timeboxMs,
        );
      case 'actions.setFlagEnabled':
        return this.setFlagEnabled(
          String(input.flagKey),
          Boolean(input.enabled),
          input.reason,
          input.timeboxMs,
        );
      case 'actions.requestApproval':
        return this.requestApproval(String(input.auditId));
      case 'actions.timeBoxes':
        return this.timeBoxes();
      case 'audit.query': {
        let list = [...this.audit].reverse();
        if (typeof input.tenantId === 'string') list = list.filter((a) => a.tenantId === input.tenantId);
        if (typeof input.flagKey === 'string') list = list.filter((a) => a.flagKey === input.flagKey);
        return list.slice(0, typeof input.limit === 'number' ? input.limit : 500);
      }
      case 'settings.get':
        return this.settings;
      case 'settings.update': {
        this.settings = { ...this.settings, ...(input as Partial<Settings>) };
        if (input.intervalMs && this.timer) {
          this.stop();
          this.start();
        }
        const s = this.settings;
        queueMicrotask(() => this.emit('settings.onChange', s));
        return s;
      }
      default:
        throw new CallError('UNKNOWN_CALL', `unknown call: ${name}`);
    }
  }

  /**
   * `tenants.import` for the preview and tests: the core's rules in short (header id,name[,plan][,limit];
   * every row valid or nothing changes; issues name the row and line) and an upsert by id.
   */
  private importTenants(format: 'csv' | 'json', content: string): { imported: number; total: number } {
    const issues: string[] = [];
    const records: { id: string; name: string; plan: string | null; limit: number | null }[] = [];
    const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
    const firstRow = new Map<string, number>();
    const check = (where: string, row: number, raw: Record<string, unknown>) => {
      const id = typeof raw.id === 'string' ? raw.id.trim() : '';
      const name = typeof raw.name === 'string' ? raw.name.trim() : '';
      const planRaw = raw.plan;
      const limitRaw = raw.limit;
      const before = issues.length;
      if (!ID.test(id)) issues.push(`${where}id: letters, digits and . _ : - only`);
      else if (firstRow.has(id))
        issues.push(`${where}id: duplicate id "${id}" (first in row ${firstRow.get(id)})`);
      if (!name) issues.push(`${where}name: required`);
      let limit: number | null = null;
      if (limitRaw !== undefined && limitRaw !== null && limitRaw !== '') {
        limit = typeof limitRaw === 'number' ? limitRaw : Number(limitRaw);
        if (!Number.isFinite(limit) || limit <= 0) issues.push(`${where}limit: expected a positive number`);
      }
      if (issues.length > before) return;
      firstRow.set(id, row);
      records.push({
        id,
        name,
        plan: typeof planRaw === 'string' && planRaw.trim() ? planRaw.trim() : null,
        limit,
      });
    };
    if (format === 'json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch (error) {
        issues.push(`(input): not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const list = Array.isArray(parsed) ? parsed : (parsed as { tenants?: unknown } | undefined)?.tenants;
      if (parsed !== undefined && !Array.isArray(list))
        issues.push('(input): expected an array of tenants or {"tenants": [...]}');
      if (Array.isArray(list))
        list.forEach((item, i) => {
          check(`[${i}].`, i + 1, (item ?? {}) as Record<string, unknown>);
        });
    } else {
      const lines = content.split(/\r?\n/);
      const split = (line: string): string[] => {
        const cells: string[] = [];
        let cell = '';
        let quoted = false;
        for (let i = 0; i < line.length; i++) {
          const c = line[i]!;
          if (quoted) {
            if (c === '"' && line[i + 1] === '"') {
              cell += '"';
              i++;
            } else if (c === '"') quoted = false;
            else cell += c;
          } else if (c === '"') quoted = true;
          else if (c === ',') {
            cells.push(cell);
            cell = '';
          } else cell += c;
        }
        cells.push(cell);
        return cells;
      };
      const header = split(lines[0] ?? '').map((h) => h.trim().toLowerCase());
      const unknown = header.filter((h) => !['id', 'name', 'plan', 'limit'].includes(h));
      if (unknown.length || !header.includes('id') || !header.includes('name')) {
        issues.push(
          unknown.length
            ? `line 1: unknown column(s) ${unknown.join(', ')}; expected id, name, plan, limit`
            : 'line 1: the header needs at least id and name',
        );
      } else {
        let row = 0;
        lines.slice(1).forEach((line, k) => {
          if (line.trim() === '') return;
          row++;
          const cells = split(line);
          const where = `row ${row} (line ${k + 2}): `;
          if (cells.length !== header.length) {
            issues.push(`${where}expected ${header.length} values, found ${cells.length}`);
            return;
          }
          check(where, row, Object.fromEntries(header.map((h, i) => [h, cells[i]])));
        });
      }
    }
    if (issues.length > 0) {
      throw new CallError(
        'INVALID_INPUT',
        `tenant import rejected (${issues.length === 1 ? '1 problem' : `${issues.length} problems`}); nothing was changed`,
        issues,
      );
    }
    for (const r of records) {
      const existing = this.byId.get(r.id);
      if (existing) {
        existing.info = { ...existing.info, name: r.name, plan: r.plan, limit: r.limit, known: true };
        continue;
      }
      const base = Math.exp(this.rand() * 4 - 2);
      const sim: SimTenant = {
        info: { id: r.id, name: r.name, plan: r.plan, limit: r.limit, known: true },
        base,
        rate: base,
        baseline: base,
        status: 'normal',
        why: '',
        spark: [],
        offSince: null,
      };
      this.tenants.push(sim);
      this.byId.set(r.id, sim);
    }
    return { imported: records.length, total: this.tenants.filter((t) => t.info.known).length };
  }

  private setFlag(
    tenantId: string,
    flagKey: string,
    value: FlagValue,
    reason: unknown,
    timeboxMs: unknown,
  ): AuditEntry {
    if (this.opts.readOnly) throw new CallError('READ_ONLY', 'this profile is read-only');
    if (typeof reason !== 'string' || reason.trim().length < 3) {
      throw new CallError(
        'INVALID_INPUT',
        'invalid input for actions.flip: reason: a reason of at least 3 characters is required',
        ['reason: a reason of at least 3 characters is required'],
      );
    }
    const t = this.requireTenant(tenantId);
    const previous = this.valueFor(flagKey, tenantId);
    const box = typeof timeboxMs === 'number' ? timeboxMs : null;
    const entry = killSwitchEntry({
      id: `audit-${this.nextAudit++}`,
      at: new Date(this.now).toISOString(),
      flagKey,
      tenantId,
      value,
      previous,
      reason: reason.trim(),
      timeboxMs: box,
      revertAt: box ? new Date(this.now + box).toISOString() : null,
    });
    this.audit.push(entry);
    this.emit('audit.onEntry', { ...entry });
    if (this.opts.approvalFor.has(tenantId)) {
      entry.outcome = 'failed';
      entry.error = `${this.opts.profileName} requires approval for flag changes (405): the change was not applied`;
      entry.approval = {
        state: 'required',
        requestId: null,
        requestedBy: null,
        requestedAt: null,
        error: null,
      };
      queueMicrotask(() => this.emit('audit.onEntry', { ...entry }));
      return { ...entry };
    }
    if (this.opts.failFlipsFor.has(tenantId)) {
      entry.outcome = 'failed';
      entry.error = 'provider write failed: 503 Service Unavailable from flag store';
      queueMicrotask(() => {
        this.emit('audit.onEntry', { ...entry });
        this.emit('alerts.onAlert', {
          id: `alert-fail-${entry.id}`,
          at: this.now,
          kind: 'flip-failed',
          severity: 'critical',
          tenantId,
          message: `Flip of ${flagKey} for ${t.info.name} failed: ${entry.error}`,
        });
      });
      throw new CallError('PROVIDER_ERROR', entry.error);
    }
    this.flagMap(flagKey).set(tenantId, value);
    entry.outcome = 'applied';
    entry.confirmedAt = new Date(this.now + 120).toISOString();
    // one time box per switch, as in the core: a new change replaces or ends the running one
    this.reverts = this.reverts.filter((r) => r.flagKey !== flagKey || r.tenantId !== tenantId);
    if (box) this.reverts.push({ entryId: entry.id, at: this.now + box, tenantId, flagKey, value: previous });
    queueMicrotask(() => this.emit('actions.onTimeBoxes', this.timeBoxes()));
    if (flagKey === 'publish-events') {
      this.markers.push({
        t: this.now,
        kind: 'flip',
        tenantId,
        label: `${tenantId} ${value === false ? 'off' : 'on'}`,
      });
      const before = t.rate;
      setTimeout(() => {
        entry.effect = { before, after: t.rate, ms: this.opts.effectDelayMs, settled: true };
        this.emit('audit.onEntry', { ...entry });
      }, this.opts.effectDelayMs);
    }
    queueMicrotask(() => {
      this.emit('audit.onEntry', { ...entry });
      this.emit('flags.onChange', { flagKeys: [flagKey], etag: `e${this.nextAudit}` });
    });
    return { ...entry };
  }

  private setFlagEnabled(flagKey: string, enabled: boolean, reason: unknown, timeboxMs: unknown): AuditEntry {
    if (this.opts.readOnly) throw new CallError('READ_ONLY', 'this profile is read-only');
    const flag = this.flags.find((f) => f.key === flagKey);
    if (!flag) throw new CallError('NOT_FOUND', `unknown flag "${flagKey}"`);
    const now = new Date(this.now).toISOString();
    const entry: AuditEntry = {
      id: `audit-${this.nextAudit++}`,
      at: now,
      actor: 'oncall',
      action: 'set-flag-enabled',
      flagKey,
      tenantId: null,
      value: enabled,
      previous: flag.enabled,
      reason: String(reason ?? '').trim(),
      timeboxMs: typeof timeboxMs === 'number' ? timeboxMs : null,
      revertAt: typeof timeboxMs === 'number' ? new Date(this.now + timeboxMs).toISOString() : null,
      provider: 'embedded',
      outcome: 'applied',
      error: null,
      confirmedAt: now,
      effect: null,
      approval: null,
    };
    flag.enabled = enabled;
    this.audit.push(entry);
    queueMicrotask(() => {
      this.emit('audit.onEntry', { ...entry });
      this.emit('flags.onChange', { flagKeys: [flagKey], etag: `e${this.nextAudit}` });
    });
    return { ...entry };
  }

  private requestApproval(auditId: string): AuditEntry {
    const entry = this.audit.find((a) => a.id === auditId);
    if (!entry) throw new CallError('NOT_FOUND', `unknown audit entry "${auditId}"`);
    if (entry.approval?.state !== 'required' && entry.approval?.state !== 'request-failed') {
      throw new CallError('INVALID_INPUT', `${auditId} was not refused pending approval`);
    }
    entry.approval = {
      state: 'requested',
      requestId: `approval-${auditId}`,
      requestedBy: 'oncall',
      requestedAt: new Date(this.now).toISOString(),
      error: null,
    };
    queueMicrotask(() => this.emit('audit.onEntry', { ...entry }));
    return { ...entry };
  }

  private timeBoxes(): TimeBoxInfo[] {
    return this.reverts.map((r) => ({
      flagKey: r.flagKey,
      tenantId: r.tenantId,
      revertTo: r.value,
      revertAt: new Date(r.at).toISOString(),
      auditId: r.entryId,
    }));
  }

  private runReverts(): void {
    const due = this.reverts.filter((r) => r.at <= this.now);
    if (!due.length) return;
    this.reverts = this.reverts.filter((r) => r.at > this.now);
    this.emit('actions.onTimeBoxes', this.timeBoxes());
    for (const r of due) {
      this.flagMap(r.flagKey).set(r.tenantId, r.value);
      const entry: AuditEntry = {
        id: `audit-${this.nextAudit++}`,
        at: new Date(this.now).toISOString(),
        actor: 'system',
        action: 'revert',
        flagKey: r.flagKey,
        tenantId: r.tenantId,
        value: r.value,
        previous: null,
        reason: `time box of ${r.entryId} ended`,
        timeboxMs: null,
        revertAt: null,
        provider: 'embedded',
        outcome: 'applied',
        error: null,
        confirmedAt: new Date(this.now).toISOString(),
        effect: null,
        approval: null,
      };
      this.audit.push(entry);
      this.emit('audit.onEntry', entry);
      this.emit('alerts.onAlert', {
        id: `alert-revert-${entry.id}`,
        at: this.now,
        kind: 'revert',
        severity: 'info',
        tenantId: r.tenantId,
        message: `Time box ended: ${r.flagKey} for ${r.tenantId} is back to ${String(r.value)}`,
      });
    }
  }
}

const OVERVIEW_MS = 15 * 60_000;
