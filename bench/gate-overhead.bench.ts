/**
 * Gate overhead: the demo publisher's throughput with the per-tenant kill switch (an OfrepGate kept
 * current by the OFREP change stream, `allowed(id)` on every publish) against the flag-less mode.
 * Flood mode: 50 tenants round-robin, as fast as a window of 1,000 unconfirmed publishes allows, one
 * connection and one confirm channel to a private RabbitMQ; every event is routed to a bounded queue.
 * Runs come in pairs (A B, B A, ...); the figure is the median over pairs, robust to a neighbour's
 * burst on this shared machine.
 */
import { pathToFileURL } from 'node:url';
import { startPublisher } from '../demo/publisher/publisher';
import { defaultTenantLoads } from '../demo/publisher/tenant-load';
import { boundedTap, embeddedFlags } from '../demo/publisher/test-kit';
import { startRabbitMq } from '../test-services/rabbitmq-instance';
import type { BenchResult } from './run';

const TENANTS = 50;
const WARMUP_MS = 500;
const RUN_MS = 1_500;
/** Pairs of runs, ordered A B, B A, A B, ...: drift (a warming broker, a busy neighbour) hits both alike. */
const PAIRS = 10;

export default async function run(): Promise<BenchResult> {
  const broker = await startRabbitMq({ statsIntervalMs: 5000, exclusive: true });
  const cleanups: (() => Promise<void>)[] = [() => broker.stop()];
  try {
    const flags = await embeddedFlags();
    cleanups.unshift(() => flags.close());
    cleanups.unshift(await boundedTap(broker.amqpUrl));
    const tenants = defaultTenantLoads(TENANTS);

    const measure = async (mode: 'gate' | 'none'): Promise<number> => {
      const publisher = await startPublisher({
        amqpUrl: broker.amqpUrl,
        tenants,
        mode: 'flood',
        maxInFlight: 1_000,
        metricsPort: null,
        flags: mode === 'gate' ? { ofrepEndpoint: flags.server.url } : null,
      });
      try {
        await publisher.whenConnected();
        if (mode === 'gate' && !tenants.every((t) => publisher.allowed(t.id)))
          throw new Error('a tenant is switched off');
        await sleep(WARMUP_MS);
        const from = { at: performance.now(), published: publisher.stats().published };
        await sleep(RUN_MS);
        const to = { at: performance.now(), published: publisher.stats().published };
        const stats = publisher.stats();
        if (stats.connections !== 1 || stats.dropped.switched_off > 0)
          throw new Error(`unexpected: ${JSON.stringify(stats)}`);
        return ((to.published - from.published) / (to.at - from.at)) * 1000;
      } finally {
        await publisher.stop();
      }
    };

    await measure('none'); // warm-up, not counted: a fresh broker (and the JIT) is slower at first
    const rates = { gate: [] as number[], none: [] as number[] };
    const overheads: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const order: ('gate' | 'none')[] = pair % 2 === 0 ? ['none', 'gate'] : ['gate', 'none'];
      const got: Record<string, number> = {};
      for (const mode of order) got[mode] = await measure(mode);
      rates.gate.push(got.gate!);
      rates.none.push(got.none!);
      overheads.push(((got.none! - got.gate!) / got.none!) * 100);
      console.log(
        `  pair ${pair + 1}: without ${Math.round(got.none!)} msg/s, with gate ${Math.round(got.gate!)} msg/s`,
      );
    }

    const runs = `${PAIRS} pairs of ${RUN_MS / 1000} s runs, ${TENANTS} tenants, flood mode, 1,000 in flight, private RabbitMQ`;
    const figures: BenchResult = {
      gate_overhead_pct: {
        value: median(overheads),
        unit: '%',
        note: `median over pairs of the throughput lost to the per-tenant gate (pairs ranged ${Math.min(...overheads).toFixed(1)}..${Math.max(...overheads).toFixed(1)} %); ${runs}`,
      },
      publisher_with_gate_msg_s: {
        value: median(rates.gate),
        unit: 'msg/s',
        note: `median, confirmed; ${runs}`,
      },
      publisher_without_gate_msg_s: {
        value: median(rates.none),
        unit: 'msg/s',
        note: `median, confirmed; ${runs}`,
      },
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Also runnable alone: `npx tsx bench/gate-overhead.bench.ts`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
