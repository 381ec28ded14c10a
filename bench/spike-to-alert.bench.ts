/**
 * Spike to alert on a real broker: from the moment the demo publisher's scripted spike starts (acme
 * ×15) to the console raising its spike alert, with the console's per-tenant rates read from the
 * broker's own per-tenant queues — with 1 s management stats and with the stock 5 s.
 *
 * Several trials per stats interval, each with a fresh console, publisher and queues on one private
 * broker per interval (a broker takes longer to start than a trial takes to run). The figure is the
 * median; the note adds p95, the maximum and how many console ticks passed between the spike and
 * the mark. A trial without an alert in time is a failure: printed, and recorded with the figure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPublisher } from '../demo/publisher/publisher';
import { defaultTenantLoads } from '../demo/publisher/tenant-load';
import { tenantTaps } from '../demo/publisher/test-kit';
import type { Alert } from '../electron/core/api';
import { assembleConsole } from '../electron/core/console-core';
import { errorText } from '../electron/core/errors/error-text';
import { type RabbitMq, startRabbitMq } from '../test-services/rabbitmq-instance';
import { type BenchResult, type Figure, runIfMain, sized, withCleanups } from './bench-harness';
import { ascending, median, quantile } from './sample-stats';

/** Long enough for 20 warm-up samples of a baseline from stats that lag by up to 5 s. */
const SPIKE_AFTER_MS = 35_000;
/** no alert this long after the spike began: the trial failed */
const ALERT_TIMEOUT_MS = 60_000;
const TRIALS = sized(5, 1);
const SPIKING_TENANT = 'acme';

export default async function run(): Promise<BenchResult> {
  const oneSecond = await trials(1000);
  const fiveSeconds = await trials(5000);
  return {
    spike_to_alert_1s_ms: figure(oneSecond, 'broker stats every 1 s, console tick 1 s'),
    spike_to_alert_5s_ms: figure(fiveSeconds, 'stock 5 s broker stats, console tick 1 s'),
  };
}

interface Alerted {
  ok: true;
  ms: number;
  /** console ticks pushed from the spike's start up to and including the one that marked it */
  ticks: number;
}
type Trial = Alerted | { ok: false; reason: string };

async function trials(statsIntervalMs: 1000 | 5000): Promise<Trial[]> {
  return withCleanups(async (cleanups) => {
    const broker = await startRabbitMq({ statsIntervalMs, exclusive: true });
    cleanups.add('RabbitMQ', () => broker.stop(), { leftToExitHook: true });
    const results: Trial[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const label = `${statsIntervalMs / 1000} s stats, trial ${trial}/${TRIALS}`;
      const result = await spikeToAlert(broker, trial).catch(
        (error: unknown): Trial => ({ ok: false, reason: errorText(error) }),
      );
      if (result.ok)
        console.log(
          `  ${label}: spike marked ${Math.round(result.ms)} ms (${result.ticks} ticks) after it began`,
        );
      else console.error(`  ${label}: FAILED — ${result.reason}`);
      results.push(result);
    }
    return results;
  });
}

async function spikeToAlert(broker: RabbitMq, trial: number): Promise<Trial> {
  return withCleanups(async (cleanups) => {
    const loads = defaultTenantLoads(8);
    // Fresh queue names per trial: the broker keeps no stats of an earlier trial's queues for them.
    const prefix = `events-t${trial}`;
    const taps = await tenantTaps(
      broker.amqpUrl,
      loads.map((l) => l.id),
      { prefix },
    );
    cleanups.add('tenant queues', () => taps.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-spike-'));
    cleanups.add('data dir', () => rm(dataDir, { recursive: true, force: true, maxRetries: 3 }));
    const url = new URL(broker.managementUrl);
    url.username = 'guest';
    url.password = 'guest';
    const { core } = await assembleConsole({
      dataDir,
      host: 'web',
      ofrepPort: 0,
      sources: [
        {
          kind: 'rabbitmq',
          url: url.toString(),
          tenantRules: [{ from: 'queue', pattern: `^${prefix}\\.(?!all$)(.+)$` }],
        },
      ],
    });
    cleanups.add('console', () => core.stop());

    let spikeAt = Number.POSITIVE_INFINITY;
    let ticksSinceSpike = 0;
    let timer: NodeJS.Timeout | undefined;
    const alerted = new Promise<Trial>((resolve) => {
      const off = core.subscribe((event, payload) => {
        if (event === 'traffic.onTick' && Date.now() >= spikeAt) ticksSinceSpike++;
        if (event !== 'alerts.onAlert') return;
        const alert = payload as Alert;
        if (alert.kind !== 'spike' || alert.tenantId !== SPIKING_TENANT) return;
        off();
        // A tick pushes its batch before the alerts it raised: the marking tick is counted.
        resolve({ ok: true, ms: Date.now() - spikeAt, ticks: ticksSinceSpike });
      });
      cleanups.add('alert listener', async () => off());
    });
    cleanups.add('timeout', async () => clearTimeout(timer));

    const publisher = await startPublisher({
      amqpUrl: broker.amqpUrl,
      tenants: loads,
      flags: { ofrepEndpoint: core.ofrepEndpoint! },
      spike: { tenantId: SPIKING_TENANT, afterMs: SPIKE_AFTER_MS, factor: 15 },
      metricsPort: null,
    });
    cleanups.add('publisher', () => publisher.stop());
    spikeAt = Date.now() + SPIKE_AFTER_MS;
    const timedOut = new Promise<Trial>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({ ok: false, reason: `no spike alert within ${ALERT_TIMEOUT_MS / 1000} s of the spike` }),
        SPIKE_AFTER_MS + ALERT_TIMEOUT_MS,
      );
    });
    return Promise.race([alerted, timedOut]);
  });
}

function figure(results: readonly Trial[], setting: string): Figure {
  const ok = results.filter((r): r is Alerted => r.ok);
  const failures = results.filter((r) => !r.ok);
  const ms = ascending(ok.map((r) => r.ms));
  const round = (n: number) => Math.round(n).toLocaleString('en-US');
  const note =
    ok.length === 0
      ? `${setting}; ${results.length} trials, none alerted`
      : `${setting}; median of ${ok.length} trials, p95 ${round(quantile(ms, 0.95))} ms, max ${round(ms.at(-1)!)} ms; ` +
        `median ${median(ok.map((r) => r.ticks))} console ticks from the spike to the mark`;
  return {
    value: median(ms),
    unit: 'ms',
    note,
    ...(failures.length > 0
      ? { failed: `${failures.length} of ${results.length} trials failed: ${reasonOf(failures[0]!)}` }
      : {}),
  };
}

const reasonOf = (trial: Trial): string => (trial.ok ? '' : trial.reason);

await runIfMain(import.meta.url, run);
