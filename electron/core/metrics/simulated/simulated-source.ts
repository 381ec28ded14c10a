import type { SourceStatus } from '../../api';
import type { MetricsSample, MetricsSource, TenantGate } from '../metrics-source';
import { ScriptedSpike } from './scripted-spike';
import { SeededRandom } from './seeded-random';
import { type SimulatedProfile, type SimulatedTenant, simulatedTenants } from './simulated-tenants';

export interface SimulatedSourceOptions {
  id?: string;
  /** number of tenants (default 50) */
  tenants?: number;
  /** same seed, same workload: tenants, sizes, noise and spike (default a fixed seed) */
  seed?: number;
  /** ms after start() when the scripted spike begins (default 30 s); null: no spike */
  spikeAfterMs?: number | null;
  /** the tenant that spikes (default acme, else the first tenant) */
  spikeTenant?: string;
  /** how many times its rate (default drawn from 10–20 by the seed) */
  spikeFactor?: number;
  /** how long the spike lasts unless switched off first (default 4 minutes) */
  spikeDurationMs?: number;
  /** the kill switch as the workload's flag client sees it: not allowed → the tenant sends nothing */
  gate?: TenantGate;
  /** time source for start() (default Date.now) */
  clock?: () => number;
}

/** How far a tenant's rate wanders from its typical level (log scale, stationary σ) and how slowly. */
const WANDER_SIGMA = 0.1;
const WANDER_TAU_MS = 90_000;
const DEFAULT_SEED = 0x5b0a4d;

/**
 * A labelled demo workload for first runs with nothing installed: tenants of realistic, very
 * different sizes, each with counting noise (Poisson) and a slow random wander, plus one scripted
 * spike. Each tenant consults the gate on every sample, as a flag-gated publisher would.
 */
export class SimulatedSource implements MetricsSource {
  readonly id: string;
  readonly kind = 'simulated';
  readonly label = 'simulated workload';
  readonly simulated = true;
  readonly provides = { tenantRates: true, broker: false };
  private readonly profiles: SimulatedProfile[];
  private readonly random: SeededRandom;
  private readonly wander: Float64Array;
  private readonly spikeIndex: number;
  private spike: ScriptedSpike | null = null;
  private state: 'idle' | 'started' | 'closed' = 'idle';
  private lastSampleAt: number | null = null;

  constructor(private readonly options: SimulatedSourceOptions = {}) {
    this.id = options.id ?? 'simulated';
    this.random = new SeededRandom(options.seed ?? DEFAULT_SEED);
    this.profiles = simulatedTenants(Math.max(0, Math.floor(options.tenants ?? 50)), this.random);
    this.wander = new Float64Array(this.profiles.length);
    for (let i = 0; i < this.wander.length; i++) this.wander[i] = WANDER_SIGMA * this.random.normal();
    const wanted = options.spikeTenant ?? 'acme';
    const found = this.profiles.findIndex((p) => p.id === wanted);
    this.spikeIndex = found >= 0 ? found : this.profiles.length > 0 ? 0 : -1;
  }

  /** The tenants as a tenants file would list them (id, name, plan, limit). */
  tenants(): SimulatedTenant[] {
    return this.profiles.map(({ id, name, plan, limit }) => ({ id, name, plan, limit }));
  }

  /** The tenant the script makes spike, or null when there is none. */
  get spikeTenant(): string | null {
    return this.options.spikeAfterMs === null || this.spikeIndex < 0
      ? null
      : this.profiles[this.spikeIndex]!.id;
  }

  async start(): Promise<void> {
    if (this.state === 'started') return;
    const now = (this.options.clock ?? Date.now)();
    this.state = 'started';
    this.lastSampleAt = null;
    this.spike = this.scriptSpike(now);
    this.options.gate?.setTenants(this.profiles.map((p) => p.id));
  }

  async sample(now: number): Promise<MetricsSample> {
    if (this.state !== 'started')
      throw new Error(`simulated workload is ${this.state === 'idle' ? 'not started' : 'closed'}`);
    const seconds = this.secondsSinceLastSample(now);
    const decay = Math.exp((-seconds * 1000) / WANDER_TAU_MS);
    const kick = WANDER_SIGMA * Math.sqrt(1 - decay * decay);
    const gate = this.options.gate;
    const rates = new Map<string, number>();
    for (let i = 0; i < this.profiles.length; i++) {
      const profile = this.profiles[i]!;
      const allowed = gate === undefined || gate.allowed(profile.id);
      const spike = i === this.spikeIndex && this.spike !== null ? this.spike.multiplier(now, allowed) : 1;
      // Ornstein–Uhlenbeck on the log rate: drifts for minutes, always pulled back to typical.
      const wander = this.wander[i]! * decay + kick * this.random.normal();
      this.wander[i] = wander;
      // A tenant that may not publish sends nothing from this sample on.
      const mean = allowed ? profile.baseRate * Math.exp(wander) * spike : 0;
      rates.set(profile.id, this.random.poisson(mean * seconds) / seconds);
    }
    this.lastSampleAt = now;
    return { t: now, rates };
  }

  status(): SourceStatus {
    return {
      id: this.id,
      kind: this.kind,
      label: this.label,
      state: this.state === 'started' ? 'ok' : this.state === 'idle' ? 'connecting' : 'down',
      message: this.state === 'closed' ? 'closed' : null,
      lastOkAt: this.lastSampleAt,
      stale: false,
      simulated: true,
    };
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }

  private scriptSpike(startedAt: number): ScriptedSpike | null {
    const after = this.options.spikeAfterMs === undefined ? 30_000 : this.options.spikeAfterMs;
    if (after === null || this.spikeIndex < 0) return null;
    const factor = this.options.spikeFactor ?? 10 + Math.round(this.random.next() * 10);
    const duration = this.options.spikeDurationMs ?? 4 * 60_000;
    return new ScriptedSpike(this.profiles[this.spikeIndex]!.id, factor, startedAt + after, duration);
  }

  /** The sampled interval: counts are events over it, so a rate is count ÷ seconds. */
  private secondsSinceLastSample(now: number): number {
    if (this.lastSampleAt === null) return 1;
    return Math.min(Math.max(now - this.lastSampleAt, 1), 60_000) / 1000;
  }
}
