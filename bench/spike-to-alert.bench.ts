/**
 * Spike to alert on a real broker: from the moment the demo publisher's scripted spike starts (acme
 * ×15) to the console raising its spike alert, with the console's per-tenant rates read from the
 * broker's own per-tenant queues — once with 1 s management stats, once with the stock 5 s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPublisher } from '../demo/publisher/publisher';
import { defaultTenantLoads } from '../demo/publisher/tenant-load';
import { tenantTaps } from '../demo/publisher/test-kit';
import type { Alert } from '../electron/core/api';
import { assembleConsole } from '../electron/core/console-core';
import { startRabbitMq } from '../test-services/rabbitmq-instance';
import type { BenchResult } from './run';

const SPIKE_AFTER_MS = 35_000;

export default async function run(): Promise<BenchResult> {
  const oneSecond = await spikeToAlert(1000);
  const fiveSeconds = await spikeToAlert(5000);
  return {
    spike_to_alert_1s_ms: { value: oneSecond, unit: 'ms', note: 'broker stats every 1 s, console tick 1 s' },
    spike_to_alert_5s_ms: {
      value: fiveSeconds,
      unit: 'ms',
      note: 'stock 5 s broker stats, console tick 1 s',
    },
  };
}

async function spikeToAlert(statsIntervalMs: 1000 | 5000): Promise<number> {
  const rabbit = await startRabbitMq({ statsIntervalMs, exclusive: true });
  const loads = defaultTenantLoads(8);
  const taps = await tenantTaps(
    rabbit.amqpUrl,
    loads.map((l) => l.id),
    { prefix: 'events' },
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-spike-'));
  const url = new URL(rabbit.managementUrl);
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
        tenantRules: [{ from: 'queue', pattern: '^events\\.(?!all$)(.+)$' }],
      },
    ],
  });
  try {
    const alerted = new Promise<number>((resolve) => {
      core.subscribe((event, payload) => {
        const alert = payload as Alert;
        if (event === 'alerts.onAlert' && alert.kind === 'spike' && alert.tenantId === 'acme')
          resolve(Date.now());
      });
    });
    const publisher = await startPublisher({
      amqpUrl: rabbit.amqpUrl,
      tenants: loads,
      flags: { ofrepEndpoint: core.ofrepEndpoint! },
      spike: { tenantId: 'acme', afterMs: SPIKE_AFTER_MS, factor: 15 },
      metricsPort: null,
    });
    const spikeAt = Date.now() + SPIKE_AFTER_MS;
    const at = await Promise.race([
      alerted,
      new Promise<number>((r) => setTimeout(() => r(Number.NaN), SPIKE_AFTER_MS + 60_000)),
    ]);
    await publisher.stop();
    const ms = at - spikeAt;
    console.log(`  ${statsIntervalMs / 1000} s stats: spike marked ${Math.round(ms)} ms after it started`);
    return ms;
  } finally {
    await core.stop();
    await taps.close().catch(() => {});
    await rabbit.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
