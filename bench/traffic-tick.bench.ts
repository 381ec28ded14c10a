/**
 * One traffic tick for 10,000 tenants: ingest the sample, update baselines, detect spikes and
 * limits, build the batch the UI receives. The simulated workload (with its scripted spike inside the
 * measured window) produces the samples; producing them is not timed, only `TrafficModel.ingest`.
 * `tick_10k_wire_ms` adds what the web host then does with the batch once per tick (one
 * JSON.stringify of the event frame, shared by every socket).
 */
import { SimulatedSource } from '../electron/core/metrics/simulated/simulated-source';
import { TrafficModel } from '../electron/core/traffic/traffic-model';
import { type BenchResult, runIfMain, sized } from './bench-harness';
import { quantile } from './sample-stats';

const TENANTS = 10_000;
const INTERVAL_MS = 1_000;
const WARMUP_TICKS = sized(100, 20);
const MEASURED_TICKS = sized(400, 40);

export default async function run(): Promise<BenchResult> {
  const t0 = Date.UTC(2025, 0, 1);
  const source = new SimulatedSource({ tenants: TENANTS, seed: 7, spikeAfterMs: 200_000, clock: () => t0 });
  await source.start();
  const model = new TrafficModel();
  model.setTenants(source.tenants().map((t) => ({ ...t, known: true })));

  // Two passes over the same workload: the model alone, then model + frame. Measured in one loop, the
  // 0.5 MB strings' garbage collection would land inside the next tick's ingest and blur both figures.
  const durations: number[] = [];
  for (let k = 0; k < WARMUP_TICKS + MEASURED_TICKS; k++) {
    const sample = await source.sample(t0 + k * INTERVAL_MS);
    const started = performance.now();
    model.ingest(sample, INTERVAL_MS);
    model.drainAlerts();
    if (k >= WARMUP_TICKS) durations.push(performance.now() - started);
  }
  const wire: number[] = [];
  let frameBytes = 0;
  for (let k = WARMUP_TICKS + MEASURED_TICKS; k < 2 * (WARMUP_TICKS + MEASURED_TICKS); k++) {
    const sample = await source.sample(t0 + k * INTERVAL_MS);
    const started = performance.now();
    const tick = model.ingest(sample, INTERVAL_MS);
    model.drainAlerts();
    frameBytes = JSON.stringify({ type: 'event', name: 'traffic.onTick', payload: tick }).length;
    if (k >= 2 * WARMUP_TICKS + MEASURED_TICKS) wire.push(performance.now() - started);
  }
  const snapshotStarted = performance.now();
  model.snapshot();
  const snapshotMs = performance.now() - snapshotStarted;

  durations.sort((a, b) => a - b);
  wire.sort((a, b) => a - b);
  const note = `${TENANTS.toLocaleString('en-US')} tenants, ${MEASURED_TICKS} ticks after ${WARMUP_TICKS} warm-up`;
  const figures: BenchResult = {
    tick_10k_ms: { value: quantile(durations, 0.5), unit: 'ms', note: `median, ${note}` },
    tick_10k_p99_ms: { value: quantile(durations, 0.99), unit: 'ms', note: `p99, ${note}` },
    tick_10k_wire_ms: {
      value: quantile(wire, 0.5),
      unit: 'ms',
      note: `median, tick + JSON frame of ${(frameBytes / 1e6).toFixed(2)} MB, ${note}`,
    },
    tick_10k_wire_p99_ms: {
      value: quantile(wire, 0.99),
      unit: 'ms',
      note: `p99, tick + JSON frame, ${note}`,
    },
    snapshot_10k_ms: {
      value: snapshotMs,
      unit: 'ms',
      note: 'one snapshot: tick + 60-sample sparks + overview',
    },
    traffic_series_10k_mb: {
      value: model.seriesBytes() / 1e6,
      unit: 'MB',
      note: '15 min × (rate, baseline) ring buffers',
    },
  };
  await source.close();
  return figures;
}

await runIfMain(import.meta.url, run);
