/**
 * Helpers for the publisher's tests and benchmarks (not used by the publisher itself): count what
 * reached the broker per tenant, run an embedded flag server, read /metrics.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { EmbeddedFlagProvider } from '../../electron/core/flags/embedded/embedded-flag-provider';
import { type OfrepServer, startOfrepServer } from '../../electron/flag-server/ofrep-server';

export interface TenantTaps {
  /** messages waiting in the tenant's tap queue (bound to `tenant.<id>.#`) */
  count(tenantId: string): Promise<number>;
  /** messages in the queue bound to `tenant.#` */
  total(): Promise<number>;
  /** unbind / bind again the tenant's tap queue: its events stop reaching it (a broken route) */
  detach(tenantId: string): Promise<void>;
  attach(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One queue per tenant bound to `tenant.<id>.#` and one bound to `tenant.#`, all plain (neither
 * exclusive nor auto-delete), so they keep counting when the broker closes every connection.
 * Counts come from queue.declare-ok (exact for classic queues), on a connection reopened as needed.
 */
export async function tenantTaps(
  amqpUrl: string,
  tenantIds: readonly string[],
  options: { exchange?: string; prefix?: string } = {},
): Promise<TenantTaps> {
  const exchange = options.exchange ?? 'events';
  const prefix = options.prefix ?? `tap-${process.pid}-${Date.now().toString(36)}`;
  const queueOf = (id: string) => `${prefix}.${id}`;
  const allQueue = `${prefix}.all`;
  let connection: ChannelModel | null = null;
  let channel: Channel | null = null;

  const open = async (): Promise<Channel> => {
    if (channel) return channel;
    const opened = await amqp.connect(amqpUrl, { clientProperties: { connection_name: 'test-taps' } });
    opened.on('error', () => {});
    opened.on('close', () => {
      if (connection === opened) {
        connection = null;
        channel = null;
      }
    });
    const created = await opened.createChannel();
    created.on('error', () => {});
    created.on('close', () => {
      if (channel === created) channel = null;
    });
    connection = opened;
    channel = created;
    return created;
  };

  const setup = await open();
  await setup.assertExchange(exchange, 'topic', { durable: true });
  for (const id of tenantIds) {
    await setup.assertQueue(queueOf(id), { durable: false, autoDelete: false });
    await setup.bindQueue(queueOf(id), exchange, `tenant.${id}.#`);
  }
  await setup.assertQueue(allQueue, { durable: false, autoDelete: false });
  await setup.bindQueue(allQueue, exchange, 'tenant.#');

  const messages = async (queue: string) => (await (await open()).checkQueue(queue)).messageCount;
  return {
    count: (tenantId) => messages(queueOf(tenantId)),
    total: () => messages(allQueue),
    detach: async (id) => void (await (await open()).unbindQueue(queueOf(id), exchange, `tenant.${id}.#`)),
    attach: async (id) => void (await (await open()).bindQueue(queueOf(id), exchange, `tenant.${id}.#`)),
    async close() {
      try {
        const ch = await open();
        for (const id of tenantIds) await ch.deleteQueue(queueOf(id));
        await ch.deleteQueue(allQueue);
      } finally {
        await (connection as ChannelModel | null)?.close().catch(() => {});
      }
    },
  };
}

export interface EmbeddedFlags {
  provider: EmbeddedFlagProvider;
  server: OfrepServer;
  /** set `publish-events` for one tenant */
  flip(tenantId: string, publish: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The embedded flag store in a temp dir, served over OFREP on a free port. */
export async function embeddedFlags(port = 0): Promise<EmbeddedFlags> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-demo-flags-'));
  const provider = await EmbeddedFlagProvider.open({ dataDir, watch: false });
  const server = await startOfrepServer({ provider, port });
  return {
    provider,
    server,
    flip: (tenantId, publish) =>
      provider.setTenantValue('publish-events', tenantId, publish, {
        actor: 'test',
        reason: 'test',
        auditId: 'test',
      }),
    async close() {
      await server.close();
      await provider.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, enough for tests: `name{a="x",b="y"} 12` lines; comments skipped. */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of one sample, or undefined. */
export function metricValue(
  samples: MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}

/** Poll `read` until `ok` (for broker-side state that has no push: management stats). */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let failure: unknown;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      const detail = last === undefined ? String(failure) : JSON.stringify(last);
      throw new Error(`not reached within ${timeoutMs} ms; last: ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A queue bound to `tenant.#` that keeps only the newest `maxLength` messages (drop-head), so a
 * benchmark's events are routed and stored as in production without the broker's memory growing.
 */
export async function boundedTap(
  amqpUrl: string,
  maxLength = 10_000,
  exchange = 'events',
): Promise<() => Promise<void>> {
  const connection = await amqp.connect(amqpUrl, { clientProperties: { connection_name: 'bench-tap' } });
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('bench-tap', {
    durable: false,
    arguments: { 'x-max-length': maxLength, 'x-overflow': 'drop-head' },
  });
  await channel.bindQueue(queue, exchange, 'tenant.#');
  return async () => {
    await channel.deleteQueue(queue).catch(() => {});
    await connection.close().catch(() => {});
  };
}
