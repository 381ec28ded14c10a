/**
 * Gate overhead: the demo publisher's throughput with the per-tenant kill switch (an OfrepGate kept
 * current by the OFREP change stream, `allowed(id)` on every publish) against the flag-less mode.
 * Flood mode: 50 tenants round-robin, as fast as a window of 1,000 unconfirmed publishes allows, one
 * connection and one confirm channel to a private RabbitMQ; every event is routed to a bounded queue.
 * Runs alternate A B B A ... so that drift (a busy neighbour, a warming broker) hits both alike.
 */
import { pathToFileURL } from 'node:url';
import { type PublisherOptions, startPublisher } from '../demo/publisher/publisher';
import { defaultTenantLoads } from '../demo/publisher/tenant-load';
import { boundedTap, embeddedFlags } from '../demo/publisher/test-kit';
import { startRabbitMq } from '../test-services/rabbitmq-instance';
import type { BenchResult } from './run';

const TENANTS = 50;
const WARMUP_MS = 1_000;
const RUN_MS = 3_000;
/** 'warmup' is not counted: a fresh broker (and JIT) is slower in its first seconds. */
const ORDER: ('warmup' | 'gate' | 'none')[] = [
  'warmup',
  'none',
  'gate',
  'gate',
  'none',
  'none',
  'gate',
  'gate',
  'none',
];
const MEASURED = ORDER.filter((mode) => mode !== 'warmup').length;

export default async function run(): Promise<BenchResult> {
  const broker = await startRabbitMq({ statsIntervalMs: 5000, exclusive: true });
  const cleanups: (() => Promise<void>)[] = [() => broker.stop()];
  try {
    const flags = await embeddedFlags();
    cleanups.unshift(() => flags.close());
    cleanups.unshift(await boundedTap(broker.amqpUrl));
    const tenants = defaultTenantLoads(TENANTS);
    const totals = { gate: { messages: 0, ms: 0 }, none: { messages: 0, ms: 0 } };

    for (const mode of ORDER) {
      const options: PublisherOptions = {
        amqpUrl: broker.amqpUrl,
        tenants,
        mode: 'flood',
        maxInFlight: 1_000,
        metricsPort: null,
        flags: mode === 'gate' ? { ofrepEndpoint: flags.server.url } : null,
      };
      const publisher = await startPublisher(options);
      try {
        await publisher.whenConnected();
        if (mode === 'gate' && !tenants.every((t) => publisher.allowed(t.id)))
          throw new Error('a tenant is switched off');
        await sleep(WARMUP_MS);
        const from = { at: performance.now(), published: publisher.stats().published };
        await sleep(RUN_MS);
        const to = { at: performance.now(), published: publisher.stats().published };
        if (mode !== 'warmup') {
          totals[mode].messages += to.published - from.published;
          totals[mode].ms += to.at - from.at;
        }
        const stats = publisher.stats();
        if (stats.connections !== 1 || stats.dropped.switched_off > 0)
          throw new Error(`unexpected: ${JSON.stringify(stats)}`);
        console.log(
          `  ${mode.padEnd(6)} ${Math.round(((to.published - from.published) / (to.at - from.at)) * 1000)} msg/s`,
        );
      } finally {
        await publisher.stop();
      }
    }

    const withGate = (totals.gate.messages / totals.gate.ms) * 1000;
    const without = (totals.none.messages / totals.none.ms) * 1000;
    const runs = `${MEASURED / 2} runs each of ${RUN_MS / 1000} s each, ${TENANTS} tenants, flood mode, 1,000 in flight, private RabbitMQ`;
    const figures: BenchResult = {
      gate_overhead_pct: {
        value: ((without - withGate) / without) * 100,
        unit: '%',
        note: `throughput lost to the per-tenant gate; ${runs}; within run-to-run noise when near 0`,
      },
      publisher_with_gate_msg_s: { value: withGate, unit: 'msg/s', note: `confirmed, ${runs}` },
      publisher_without_gate_msg_s: { value: without, unit: 'msg/s', note: `confirmed, ${runs}` },
    };
    for (const [name, figure] of Object.entries(figures)) {
      console.log(`  ${name.padEnd(28)} ${figure.value.toFixed(2).padStart(10)} ${figure.unit}`);
    }
    return figures;
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: unknown) => console.error('cleanup:', error));
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Also runnable alone: `npx tsx bench/gate-overhead.bench.ts`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
