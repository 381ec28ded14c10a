import type {
  Alert,
  OverviewSeries,
  TenantColumns,
  TenantInfo,
  TenantRow,
  TenantStatus,
  TrafficMarker,
  TrafficSnapshot,
  TrafficTick,
} from '../api';
import type { MetricsSample } from '../metrics/metrics-source';
import { DEFAULT_MAX_TENANTS } from '../tenants/tenant-cap';
import { Baselines, slowAlpha } from './baseline';
import {
  type DetectionOptions,
  type DetectionOptionsPatch,
  resolveDetectionOptions,
} from './detection-options';
import { FleetDropWatch, type FleetSample } from './fleet-drop';
import { LimitWatch } from './limit-watch';
import { MarkerLog } from './marker-log';
import { SampleOrder } from './sample-order';
import { SilenceAnnouncer } from './silence-announcer';
import {
  QUIET_BEGAN,
  SILENCE_ENDED,
  SILENCE_STARTED,
  SILENCE_UNCHANGED,
  type SilenceChange,
  SilenceWatch,
} from './silence-watch';
import { type Level, NORMAL, SPIKE, SpikeDetector } from './spike-detector';
import { TenantRegistry } from './tenant-registry';
import { type SeriesWindow, TenantSeries } from './tenant-series';
import { statusOf, type WhyFigures, whyOf } from './tenant-status';
import {
  emptyColumns,
  limitUseOf,
  setTenantColumns,
  shareOf,
  tickRowAt,
  toTenantColumns,
} from './tick-columns';
import { TopTenants } from './top-tenants';
import { AlertQueue } from './traffic-alerts';
import { withRoom } from './typed-array-growth';
import { NEAR_ZERO_BASELINE } from './why-text';

export interface TrafficModelOptions {
  detection?: DetectionOptionsPatch;
  /** samples kept per tenant: 900 = 15 minutes at 1 s */
  capacity?: number;
  /**
   * Most tenants tracked. Tenants from the tenants file are always tracked; tenants seen only in
   * traffic are added until this many exist, so a misbehaving source cannot grow memory without end.
   * Traffic from tenants beyond it still counts in the total.
   */
  maxTenants?: number;
  /** samples per sparkline in the snapshot */
  sparkLength?: number;
}

/** What the fleet's state allows this tick (fleet-drop.ts). */
interface FleetVerdict {
  judgeSpikes: boolean;
  mayLearn: boolean;
  /**
   * New silences may begin: no drop (even one so long that baselines learn again: the header still
   * says "all traffic down"), no catch-up, no tick that may become a drop
   */
  judgeSilence: boolean;
}

/** What every tenant's judgement in one tick shares. */
interface TickContext {
  t: number;
  intervalMs: number;
  total: number;
  /** the baselines' EWMA weight for this interval */
  alpha: number;
  relearnTicks: number;
  fleet: FleetVerdict;
}

const PUBLISHING = 1;
const SILENCED = 2;

/** Whether a tenant may publish: the `publish-events` kill switch as the flag provider serves it. */
export type PublishingLookup = (tenantId: string) => boolean;

/**
 * Per-tenant traffic: ring-buffered history, baselines, spike/limit detection, the per-tick batch,
 * alerts on transitions and chart markers.
 *
 * One `ingest` is one pass over the tenants with flat per-tenant arrays: no sorting (top-N by
 * partial selection), no per-tick typed-array allocation; the only allocations are the columns the
 * UI receives (tick-columns.ts), a short-lived row per tenant and the reasons of non-normal tenants.
 *
 * Tenants listed but absent from a sample count as rate 0 that tick: a source reports the tenants
 * that sent something, and "sent nothing" is what absence means.
 */
export class TrafficModel {
  private options: DetectionOptions;
  private readonly registry: TenantRegistry;
  private readonly series: TenantSeries;
  private readonly baselines = new Baselines();
  private readonly detector: SpikeDetector;
  private readonly limitWatch: LimitWatch;
  private readonly top: TopTenants;
  private readonly markerLog = new MarkerLog();
  private readonly alerts = new AlertQueue();
  private readonly sparkLength: number;
  private readonly order = new SampleOrder((id) => this.registry.indexOf(id) ?? this.addUnseen(id));
  /** this tick's rate per tenant index */
  private rates = new Float64Array(0);
  /** limit per tenant index, NaN when none (a NaN comparison is never "over") */
  private limits = new Float64Array(0);
  /** sample time of each tenant's last over-limit alert, 0 = none yet */
  private overLimitAlertAt = new Float64Array(0);
  private publishing: PublishingLookup = () => true;
  /** this tick's answer of `publishing` per tenant, asked once in the fleet pass: PUBLISHING or SILENCED (0: not asked yet) */
  private publishingNow = new Uint8Array(0);
  /** epoch ms each tenant was last switched (back) on, as this model saw it */
  private resumedAt = new Float64Array(0);
  /** epoch ms each tenant was last switched off, and its overview rank then (stackRank) */
  private offAt = new Float64Array(0);
  private rankAtOff = new Float64Array(0);
  /**
   * 1 = the tenant was spiking when the last fleet-wide drop began: its spike is its own, not
   * publishers catching up, so it is still judged while the fleet catches up
   */
  private spikingAtDrop = new Uint8Array(0);
  private readonly fleetDrop = new FleetDropWatch();
  private readonly silence = new SilenceWatch();
  private readonly silenceNews = new SilenceAnnouncer(this.alerts, this.markerLog);
  private seq = 0;
  private lastTick: TrafficTick | null = null;
  /** tenants that existed at the last ingest (later ones have no rate yet) */
  private ingested = 0;

  constructor(options: TrafficModelOptions = {}) {
    this.options = resolveDetectionOptions(options.detection);
    this.registry = new TenantRegistry(options.maxTenants ?? DEFAULT_MAX_TENANTS);
    this.series = new TenantSeries(options.capacity ?? 900);
    this.detector = new SpikeDetector(this.options);
    this.limitWatch = new LimitWatch(this.options.overLimitEnterTicks, this.options.overLimitCalmTicks);
    this.top = new TopTenants(this.options.topCount, this.options.topMargin, this.options.topSmoothing);
    this.sparkLength = options.sparkLength ?? 60;
  }

  /**
   * New thresholds (the `detection` settings over the defaults), judged from the next tick on. What the
   * model has learned and each tenant's current mark and runs are kept: a spike does not end, nor a
   * baseline restart, because a threshold moved. The overview's top tenants keep their options.
   */
  setDetection(patch: DetectionOptionsPatch): void {
    this.options = resolveDetectionOptions(patch);
    this.detector.setOptions(this.options);
    this.limitWatch.setTicks(this.options.overLimitEnterTicks, this.options.overLimitCalmTicks);
  }

  /** The thresholds in force. */
  detection(): Readonly<DetectionOptions> {
    return this.options;
  }

  /** Names, plans, limits and `known` from the tenants file; unlisted tenants become unknown. */
  setTenants(infos: readonly TenantInfo[]): void {
    const size = this.registry.setTenants(infos);
    // A tenant the sample order remembers as untracked (-1) may be listed now.
    this.order.clear();
    this.grow(size);
    for (let i = 0; i < size; i++) this.limits[i] = this.registry.limits[i] ?? Number.NaN;
  }

  setPublishing(lookup: PublishingLookup | ReadonlyMap<string, boolean>): void {
    this.publishing = typeof lookup === 'function' ? lookup : (id) => lookup.get(id) ?? true;
  }

  ingest(sample: MetricsSample, intervalMs: number): TrafficTick {
    const total = this.collect(sample.rates);
    const size = this.registry.size;
    const slot = this.series.advance(sample.t, total);
    const alpha = slowAlpha(intervalMs, this.options.baselineTauMs);
    const relearnTicks = Math.ceil(this.options.relearnElevatedAfterMs / Math.max(intervalMs, 1));
    const fleet = this.judgeFleet(sample.t, size, relearnTicks);
    const windowMs = this.series.capacity * intervalMs;
    const tick: TickContext = { t: sample.t, intervalMs, total, alpha, relearnTicks, fleet };
    const columns = emptyColumns(size);
    let spiking = 0;
    this.top.begin();
    for (let i = 0; i < size; i++) {
      const status = this.judge(i, tick, columns);
      const rate = this.rates[i]!;
      this.series.write(slot, i, rate, this.baselines.value(i));
      this.top.offer(i, this.stackRank(i, rate, sample.t, windowMs));
      if (status === 'spike') spiking++;
    }
    const silent = this.silence.count;
    this.silenceNews.flush(sample.t, silent);
    const top = this.top.finish(size).map((i) => this.registry.ids[i]!);
    this.markerLog.pruneBefore(this.series.oldestT());
    this.ingested = size;
    const dropSince = this.fleetDrop.activeSince();
    const catchUpUntil = this.fleetDrop.catchingUpUntil(sample.t);
    const batch: TrafficTick = {
      seq: ++this.seq,
      t: sample.t,
      intervalMs,
      total,
      spiking,
      ...(silent > 0 ? { silent } : {}),
      top,
      tenants: columns,
      ...(dropSince === null ? {} : { fleetDrop: { since: dropSince } }),
      ...(catchUpUntil === null ? {} : { catchingUp: { until: catchUpUntil } }),
    };
    this.lastTick = batch;
    // not kept in lastTick: a stale copy or a snapshot must not carry them again
    const markers = this.markerLog.takeFresh();
    return markers ? { ...batch, markers } : batch;
  }

  /**
   * The rate source has nothing new this tick: nothing is ingested (a repeated sample would push
   * real history out and be judged as if it were new). The last tick, same seq, is marked stale —
   * what `snapshot()` serves until the next ingest. Returns it when this call marked it (the batch
   * to push once), null when it already was stale or there was no tick yet.
   */
  markStale(): TrafficTick | null {
    if (!this.lastTick || this.lastTick.stale) return null;
    this.lastTick = { ...this.lastTick, stale: true };
    return this.lastTick;
  }

  /** Alerts raised since the last drain (spike started/ended, over limit started), oldest first. */
  drainAlerts(): Alert[] {
    return this.alerts.drain();
  }

  snapshot(): Omit<TrafficSnapshot, 'paused'> {
    const sparks: Record<string, number[]> = {};
    for (let i = 0; i < this.registry.size; i++) {
      sparks[this.registry.ids[i]!] = this.series.rates(i, this.sparkLength);
    }
    return { tick: this.lastTick ?? this.idleTick(), sparks, overview: this.overview() };
  }

  /** Total and the top tenants (tick.top, in order) over the history held, with its markers. */
  overview(): OverviewSeries {
    return {
      t: this.series.timestamps(),
      total: this.series.totalsWindow(),
      top: this.top.current.map((i) => ({
        id: this.registry.ids[i]!,
        name: this.registry.names[i]!,
        values: this.series.rates(i),
      })),
      markers: this.markerLog.list(this.series.oldestT()),
    };
  }

  /** One tenant's history (up to 15 minutes, oldest first), or null for a tenant never seen. */
  tenantSeries(id: string): SeriesWindow | null {
    const i = this.registry.indexOf(id);
    return i === undefined ? null : this.series.window(i);
  }

  addMarker(marker: TrafficMarker): void {
    this.markerLog.add(marker);
  }

  /** Markers within the history held, oldest first; one tenant's (and every tenant's) when `tenantId` is given. */
  markers(tenantId?: string): TrafficMarker[] {
    return this.markerLog.list(this.series.oldestT(), tenantId);
  }

  /** The tenant's rate in the last tick, or null before it was ever part of one. */
  latestRate(id: string): number | null {
    const i = this.registry.indexOf(id);
    return i === undefined || i >= this.ingested ? null : this.rates[i]!;
  }

  /** The tenant's row in the last tick, as the UI received it (figures rounded: tick-columns.ts). */
  latestRow(id: string): TenantRow | null {
    const i = this.registry.indexOf(id);
    const tick = this.lastTick;
    return i === undefined || !tick || i >= tick.tenants.id.length ? null : tickRowAt(tick, i);
  }

  spikingCount(): number {
    return this.lastTick?.spiking ?? 0;
  }

  /** Every tracked tenant, in row order (file order, then as first seen in traffic). */
  tenantIds(): string[] {
    return this.registry.ids.slice();
  }

  tenantInfo(id: string): TenantInfo | null {
    const i = this.registry.indexOf(id);
    return i === undefined ? null : this.registry.info(i);
  }

  /** Bytes held by the history buffers (the bulk of the model's memory). */
  seriesBytes(): number {
    return this.series.bytes;
  }

  /** Fill this tick's rates (absent tenants: 0), registering tenants first seen; returns the total. */
  private collect(sampleRates: ReadonlyMap<string, number>): number {
    this.rates.fill(0, 0, this.registry.size);
    let total = 0;
    let k = 0;
    for (const [id, raw] of sampleRates) {
      // A source glitch (NaN, negative, infinite) must not poison a baseline: count it as nothing.
      const rate = raw >= 0 && raw < Number.POSITIVE_INFINITY ? raw : 0;
      total += rate;
      const i = this.order.resolve(k++, id);
      if (i >= 0) this.rates[i] = rate;
    }
    return total;
  }

  private addUnseen(id: string): number {
    const i = this.registry.addUnseen(id);
    if (i >= 0) {
      this.grow(i + 1);
      this.rates[i] = 0;
      this.limits[i] = Number.NaN;
    }
    return i;
  }

  private grow(size: number): void {
    this.rates = withRoom(this.rates, size);
    this.limits = withRoom(this.limits, size);
    this.overLimitAlertAt = withRoom(this.overLimitAlertAt, size);
    this.publishingNow = withRoom(this.publishingNow, size);
    this.resumedAt = withRoom(this.resumedAt, size);
    this.offAt = withRoom(this.offAt, size);
    this.rankAtOff = withRoom(this.rankAtOff, size);
    this.spikingAtDrop = withRoom(this.spikingAtDrop, size);
    this.baselines.ensureCapacity(size);
    this.detector.ensureCapacity(size);
    this.limitWatch.ensureCapacity(size);
    this.silence.ensureCapacity(size);
    this.top.ensureCapacity(size);
    this.series.ensureTenants(size);
  }

  /**
   * Ask each tenant's kill switch once, sum the fleet that is publishing with a trusted baseline and
   * judge it for a fleet-wide drop (fleet-drop.ts); returns what that allows this tick.
   */
  private judgeFleet(t: number, size: number, relearnTicks: number): FleetVerdict {
    const fleet: FleetSample = { tenants: 0, down: 0, rate: 0, expected: 0 };
    for (let i = 0; i < size; i++) {
      const publishing = this.publishing(this.registry.ids[i]!);
      // switched back on (not merely seen for the first time, which may be mid-incident)
      if (publishing && this.publishingNow[i] === SILENCED) this.resumedAt[i] = t;
      if (!publishing && this.publishingNow[i] === PUBLISHING) {
        this.offAt[i] = t;
        this.rankAtOff[i] = this.top.rankOf(i);
      }
      this.publishingNow[i] = publishing ? PUBLISHING : SILENCED;
      if (!publishing || !this.baselines.ready(i, this.options.warmupSamples)) continue;
      const rate = this.rates[i]!;
      const baseline = this.baselines.value(i);
      if (!this.fleetDrop.counts(baseline)) continue;
      fleet.tenants++;
      fleet.rate += rate;
      fleet.expected += baseline;
      if (this.fleetDrop.isDown(t, rate, baseline, this.resumedAt[i]!)) fleet.down++;
    }
    const change = this.fleetDrop.step(t, fleet);
    if (change?.kind === 'started') {
      for (let i = 0; i < size; i++) this.spikingAtDrop[i] = this.detector.levelOf(i) === SPIKE ? 1 : 0;
      this.alerts.fleetDropStarted(t, change);
      this.markerLog.add({ t, kind: 'fleet-drop', tenantId: null, label: 'all traffic down' });
    } else if (change?.kind === 'ended') {
      this.alerts.fleetDropEnded(t, change);
      this.markerLog.add({ t, kind: 'fleet-recovered', tenantId: null, label: 'traffic recovered' });
    }
    const mayLearn = this.fleetDrop.mayLearn(t, relearnTicks);
    return {
      judgeSpikes: this.fleetDrop.judgesSpikes(t, relearnTicks),
      mayLearn,
      judgeSilence: mayLearn && this.fleetDrop.activeSince() === null,
    };
  }

  /** Detection, learning and transitions for tenant i on this tick, written to `out`; returns its status. */
  private judge(i: number, tick: TickContext, out: TenantColumns): TenantStatus {
    const { t, fleet } = tick;
    const rate = this.rates[i]!;
    const publishing = this.publishingNow[i] === PUBLISHING;
    const judgeSpikes = fleet.judgeSpikes || this.spikingAtDrop[i] === 1;
    const wasLevel = this.detector.levelOf(i);
    const wasOver = this.limitWatch.isOver(i);
    const ready = this.baselines.ready(i, this.options.warmupSamples);
    let level: Level = NORMAL;
    let over = false;
    let silence: SilenceChange = SILENCE_UNCHANGED;
    if (publishing) {
      if (!judgeSpikes) this.detector.reset(i);
      else if (ready) level = this.detector.step(i, rate, this.baselines.value(i), this.baselines.spread(i));
      over = this.limitWatch.step(i, rate, this.limits[i]!);
      silence = this.stepSilence(i, tick, ready);
      if (silence === QUIET_BEGAN) this.baselines.keep(i);
      else if (silence === SILENCE_STARTED) this.baselines.restore(i);
      const mayLearn = !ready || this.detector.mayLearn(i, tick.relearnTicks);
      const held = this.silence.holdsBaseline(i, t, this.options.relearnElevatedAfterMs);
      if (mayLearn && fleet.mayLearn && !held) this.baselines.learn(i, rate, tick.alpha);
    } else {
      // Off: nothing to detect, and a silenced tenant must not learn that zero is its normal.
      this.detector.reset(i);
      this.limitWatch.reset(i);
      this.silence.reset(i);
    }
    const row = this.row(i, rate, tick.total, publishing, level, over, ready);
    setTenantColumns(out, i, row);
    if (wasLevel !== level || wasOver !== over) {
      this.transition(i, row, t, { wasSpike: wasLevel === SPIKE, wasOver, isOver: over }, judgeSpikes);
    }
    if (silence === SILENCE_STARTED || silence === SILENCE_ENDED) this.silenceTransition(i, silence, row);
    return row.status;
  }

  /**
   * What tenant i is ranked by for the overview's stack: its rate — but a tenant whose traffic
   * stopped keeps its place while what it sent is still on the chart (`windowMs`), so its fall is
   * drawn in its own colour rather than folded into "others" a few seconds after the kill that was
   * meant to be watched: one switched off by what it sent just before, one gone quiet or silent by
   * what it sent before that (silence-watch.ts).
   */
  private stackRank(i: number, rate: number, t: number, windowMs: number): number {
    if (this.publishingNow[i] !== SILENCED) return this.silence.rankRate(i, rate);
    return t - this.offAt[i]! < windowMs ? Math.max(rate, this.rankAtOff[i]!) : rate;
  }

  /**
   * A new silence is judged only when the fleet is itself — no drop, no catch-up (the header already
   * says "all traffic down"), nor a tick that may become a drop: a broad fall is one fleet-wide
   * drop, not N silences. One just switched back on is given a grace (silence-watch.ts).
   */
  private stepSilence(i: number, tick: TickContext, ready: boolean): SilenceChange {
    const judge = ready && tick.fleet.judgeSilence;
    const baseline = this.baselines.value(i);
    const spread = this.baselines.spread(i);
    return this.silence.step(
      i,
      tick.t,
      tick.intervalMs,
      this.rates[i]!,
      baseline,
      spread,
      judge,
      this.resumedAt[i]!,
    );
  }

  /** News for the announcer; a silence the baseline learned ends without news. */
  private silenceTransition(i: number, change: SilenceChange, row: TenantRow): void {
    if (change === SILENCE_STARTED)
      this.silenceNews.silenceStarted(row, this.silence.quietSinceSwitchOn(i, this.resumedAt[i]!));
    else this.silenceNews.silenceEnded(row, this.silence.endedSilenceMs);
  }

  private row(
    i: number,
    rate: number,
    total: number,
    publishing: boolean,
    level: Level,
    overLimit: boolean,
    ready: boolean,
  ): TenantRow {
    const baseline = this.baselines.value(i);
    const limit = this.registry.limits[i]!;
    const share = shareOf(rate, total);
    const silent = this.silence.isSilent(i);
    const status = statusOf(publishing, level, overLimit, silent);
    return {
      id: this.registry.ids[i]!,
      name: this.registry.names[i]!,
      known: this.registry.known[i]!,
      limit,
      rate,
      baseline,
      ratio: ready && baseline >= NEAR_ZERO_BASELINE ? rate / baseline : 1,
      share,
      limitUse: limitUseOf(rate, limit),
      status,
      why:
        status === 'normal'
          ? ''
          : whyOf(status, { rate, baseline, share, limit, overLimit, ...this.silenceFigures(i) }),
      publishing,
    };
  }

  private silenceFigures(i: number): Pick<WhyFigures, 'quietForMs' | 'expected' | 'sinceSwitchOn'> | null {
    if (!this.silence.isSilent(i)) return null;
    const resumedAt = this.resumedAt[i]!;
    const sinceSwitchOn = this.silence.quietSinceSwitchOn(i, resumedAt);
    const quietSince = sinceSwitchOn ? resumedAt : this.silence.quietSinceOf(i);
    return {
      quietForMs: this.series.newestT() - quietSince,
      expected: this.silence.expected(i),
      sinceSwitchOn,
    };
  }

  /**
   * Alerts and markers for a tenant whose marks changed. `announceOverLimit` false: while the fleet
   * catches up after a drop (fleet-drop.ts), a tenant over its limit is marked, not announced — the
   * burst of held-back events would otherwise raise one alert per tenant.
   */
  private transition(
    i: number,
    row: TenantRow,
    t: number,
    { wasSpike, wasOver, isOver }: { wasSpike: boolean; wasOver: boolean; isOver: boolean },
    announceOverLimit: boolean,
  ): void {
    const isSpike = row.status === 'spike';
    if (isSpike && !wasSpike) {
      this.alerts.spikeStarted(t, row.id, row.name, row.why);
      this.markerLog.add({ t, kind: 'spike', tenantId: row.id, label: `${row.name} spike` });
    } else if (wasSpike && !isSpike) {
      const end = row.publishing
        ? { kind: 'calmed' as const, rate: row.rate, baseline: row.baseline }
        : { kind: 'switched-off' as const };
      this.alerts.spikeEnded(t, row.id, row.name, end);
    }
    if (isOver && !wasOver && row.limit !== null) {
      if (!announceOverLimit) return;
      const last = this.overLimitAlertAt[i]!;
      if (last !== 0 && t - last < this.options.overLimitRepeatAlertMs) return;
      this.overLimitAlertAt[i] = t;
      this.alerts.overLimitStarted(t, row.id, row.name, whyOf('over-limit', { ...row, overLimit: true }));
    } else if (wasOver && !row.publishing && !wasSpike) {
      // a spike's end already says "switched off"; one answer per kill
      this.alerts.overLimitSwitchedOff(t, row.id, row.name);
    }
  }

  /** The batch before any sample: every tenant at rate 0. */
  private idleTick(): TrafficTick {
    const size = this.registry.size;
    const rows = new Array<TenantRow>(size);
    for (let i = 0; i < size; i++) {
      const publishing = this.publishing(this.registry.ids[i]!);
      rows[i] = this.row(i, 0, 0, publishing, NORMAL, false, false);
    }
    return { seq: 0, t: 0, intervalMs: 0, total: 0, spiking: 0, top: [], tenants: toTenantColumns(rows) };
  }
}
