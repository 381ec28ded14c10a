/**
 * Flip to divert: from the console's `actions.flip` call (schema check, durable audit line, flags
 * file written atomically, read-back) to the moment the tenant's traffic has stopped reaching the
 * broker — the publisher's OFREP client has seen the flip over SSE, stopped publishing that tenant,
 * and the broker has confirmed the last of its events that were already out. Real parts throughout:
 * the console core, its OFREP server, the demo publisher (its own OfrepGate) and a private RabbitMQ.
 *
 * Each measured flip switches globex off while it publishes 2,000 events/s beside 49 other tenants;
 * it is then switched back on (also timed: flip to the first confirm after it, "resume").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPublisher } from '../demo/publisher/publisher';
import { defaultTenantLoads } from '../demo/publisher/tenant-load';
import { boundedTap } from '../demo/publisher/test-kit';
import { assembleConsole } from '../electron/core/console-core';
import { startRabbitMq } from '../test-services/rabbitmq-instance';
import type { BenchResult } from './run';

const FLIPS = 100;
const TENANT = 'globex';
const TENANT_RATE = 2_000;
const TENANTS = 50;
const TICK_MS = 2;

export default async function run(): Promise<BenchResult> {
  const broker = await startRabbitMq({ statsIntervalMs: 5000, exclusive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-divert-'));
  const cleanups: (() => Promise<void>)[] = [
    () => broker.stop(),
    () => rm(dataDir, { recursive: true, force: true }),
  ];
  try {
    const { core, parts } = await assembleConsole({
      dataDir,
      host: 'web',
      tenants: TENANTS,
      ofrepPort: 0,
      spikeAfterMs: null,
    });
    cleanups.unshift(() => core.stop());
    cleanups.unshift(await boundedTap(broker.amqpUrl));
    const tenants = defaultTenantLoads(TENANTS).map((t) =>
      t.id === TENANT ? { ...t, rate: TENANT_RATE } : t,
    );
    const publisher = await startPublisher({
      amqpUrl: broker.amqpUrl,
      tenants,
      flags: { ofrepEndpoint: parts.ofrep!.url },
      tickMs: TICK_MS,
      metricsPort: null,
    });
    cleanups.unshift(() => publisher.stop());
    await publisher.whenConnected();
    await publisher.until(() => publisher.tenant(TENANT).published >= 1_000);

    const divert: number[] = [];
    const gateSaw: number[] = [];
    const resume: number[] = [];
    let lastBeforeFlip = 0;
    for (let i = 0; i < FLIPS; i++) {
      const started = performance.now();
      const seen = publisher
        .until(() => !publisher.allowed(TENANT), 10_000)
        .then(() => performance.now() - started);
      await core.call(
        'actions.flip',
        { tenantId: TENANT, publish: false, reason: `bench divert ${i}` },
        { actor: 'bench' },
      );
      await publisher.until(
        () => !publisher.allowed(TENANT) && publisher.tenant(TENANT).inFlight === 0,
        10_000,
      );
      gateSaw.push(await seen);
      const last = publisher.tenant(TENANT).lastConfirmAt ?? started;
      if (last < started) lastBeforeFlip++;
      divert.push(Math.max(0, last - started));

      const resumed = performance.now();
      await core.call(
        'actions.flip',
        { tenantId: TENANT, publish: true, reason: `bench resume ${i}` },
        { actor: 'bench' },
      );
      await publisher.until(() => (publisher.tenant(TENANT).lastConfirmAt ?? 0) > resumed, 10_000);
      resume.push(performance.now() - resumed);
    }
    const stats = publisher.stats();
    if (stats.connections !== 1 || stats.dropped.backpressure > 0) {
      console.warn(
        `  (publisher: ${stats.connections} connections, ${stats.dropped.backpressure} dropped for backpressure)`,
      );
    }
    divert.sort((a, b) => a - b);
    gateSaw.sort((a, b) => a - b);
    resume.sort((a, b) => a - b);
    const note = `${FLIPS} flips, ${TENANT} at ${TENANT_RATE} ev/s among ${TENANTS} tenants, private RabbitMQ, loopback`;
    const figures: BenchResult = {
      flip_to_divert_median_ms: {
        value: quantile(divert, 0.5),
        unit: 'ms',
        note: `${note}; the publisher's gate saw the flip at a median ${quantile(gateSaw, 0.5).toFixed(1)} ms`,
      },
      flip_to_divert_p99_ms: {
        value: quantile(divert, 0.99),
        unit: 'ms',
        note: lastBeforeFlip > 0 ? `${note}; ${lastBeforeFlip} flips had no confirm after the call` : note,
      },
      flip_to_resume_median_ms: {
        value: quantile(resume, 0.5),
        unit: 'ms',
        note: `${note}; to the first confirm after switching back on`,
      },
    };
    for (const [name, figure] of Object.entries(figures)) {
      console.log(`  ${name.padEnd(26)} ${figure.value.toFixed(2).padStart(10)} ${figure.unit}`);
    }
    return figures;
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: unknown) => console.error('cleanup:', error));
  }
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

// Also runnable alone: `npx tsx bench/flip-to-divert.bench.ts`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
