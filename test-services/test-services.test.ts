import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { belongsTo } from './leftovers';
import { alive } from './processes';
import { startPrometheus } from './prometheus-instance';
import {
  memoryAlarm,
  memoryUsed,
  RABBITMQ_AMQP_ENV,
  RABBITMQ_MGMT_ENV,
  type RabbitMq,
  setMemoryWatermark,
  startRabbitMq,
} from './rabbitmq-instance';
import { connections, createVhost, deleteVhost, management, overview } from './rabbitmq-management';

const STARTUP = 180_000;
let broker: RabbitMq;

beforeAll(async () => {
  broker = await startRabbitMq({ statsIntervalMs: 1000, exclusive: true });
}, STARTUP);

afterAll(async () => {
  await broker?.stop();
}, 60_000);

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`not reached within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a private RabbitMQ', () => {
  it('answers on management, prometheus, AMQP and rabbitmqctl, all on its own ports', async () => {
    expect(broker.private).toBe(true);
    expect(broker.nodeName).toMatch(/^sb-\d+-\d+@localhost$/);
    expect(broker.amqpUrl).not.toContain(':5672');

    const info = await overview(broker.managementUrl);
    expect(info.rabbitmq_version).toMatch(/^\d+\.\d+/);

    const metrics = await fetch(`${broker.prometheusUrl}/metrics`).then((r) => r.text());
    expect(metrics).toContain('rabbitmq_connections');

    expect(await broker.ctl(['status'])).toContain(broker.nodeName!);

    const connection = await amqp.connect(broker.amqpUrl, { clientProperties: { connection_name: 'probe' } });
    try {
      const seen = await until(
        () => connections(broker.managementUrl),
        (list) => list.some((c) => c.user_provided_name === 'probe'),
      );
      expect(seen.find((c) => c.user_provided_name === 'probe')?.vhost).toBe('/');
    } finally {
      await connection.close();
    }
  });

  it('collects statistics every second', async () => {
    const interval = await broker.ctl(['eval', 'application:get_env(rabbit, collect_statistics_interval).']);
    expect(interval.trim()).toBe('{ok,1000}');
    // The collector runs at the smallest retention interval: 1 s only with the retention lines.
    const policies = await broker.ctl([
      'eval',
      'application:get_env(rabbitmq_management, sample_retention_policies).',
    ]);
    const compact = policies.replace(/\s/g, '');
    // {Age, Interval} pairs: one-second samples kept for the last minute.
    expect(compact).toMatch(/\{global,\[[^\]]*\{60,1\}/);
    expect(compact).toMatch(/\{basic,\[[^\]]*\{60,1\}/);
    expect(compact).toMatch(/\{detailed,\[\{10,1\}\]\}/);
  });

  it('gives each suite its own vhost with guest permissions', async () => {
    await createVhost(broker.managementUrl, 'suite-a');
    const connection = await amqp.connect(`${broker.amqpUrl}/suite-a`);
    const channel = await connection.createChannel();
    await channel.assertQueue('only-in-a');
    await connection.close();
    const queues = await management<{ name: string }[]>(broker.managementUrl, 'GET', '/queues/suite-a');
    expect(queues.map((q) => q.name)).toEqual(['only-in-a']);
    await deleteVhost(broker.managementUrl, 'suite-a');
    await deleteVhost(broker.managementUrl, 'suite-a'); // already gone: fine
    const vhosts = await management<{ name: string }[]>(broker.managementUrl, 'GET', '/vhosts');
    expect(vhosts.map((v) => v.name)).not.toContain('suite-a');
  });

  it('in find mode uses the broker the environment names, with a fresh vhost and no rabbitmqctl', async () => {
    const saved = { mgmt: process.env[RABBITMQ_MGMT_ENV], amqp: process.env[RABBITMQ_AMQP_ENV] };
    process.env[RABBITMQ_MGMT_ENV] = broker.managementUrl.replace('http://', 'http://guest:guest@');
    process.env[RABBITMQ_AMQP_ENV] = broker.amqpUrl;
    try {
      const found = await startRabbitMq();
      expect(found.private).toBe(false);
      expect(found.vhost).toMatch(/^sb-test-/);
      const connection = await amqp.connect(found.amqpUrl);
      await connection.close();
      await expect(found.ctl(['status'])).rejects.toThrow(/private/);
      await found.stop();
      const vhosts = await management<{ name: string }[]>(broker.managementUrl, 'GET', '/vhosts');
      expect(vhosts.map((v) => v.name)).not.toContain(found.vhost);
    } finally {
      restore(RABBITMQ_MGMT_ENV, saved.mgmt);
      restore(RABBITMQ_AMQP_ENV, saved.amqp);
    }
  });
});

describe('the memory watermark helpers', () => {
  const limitInBytes = async () =>
    Number((await broker.ctl(['eval', 'vm_memory_monitor:get_memory_limit().'])).trim());

  it('memoryUsed: the bytes the node uses, as /api/nodes says', async () => {
    const used = await memoryUsed(broker);
    expect(Number.isSafeInteger(used)).toBe(true);
    // An idle node with the management plugin: tens of MiB, far below the machine's memory.
    expect(used).toBeGreaterThan(10 * 1024 * 1024);
    const nodes = await management<{ mem_used: number }[]>(broker.managementUrl, 'GET', '/nodes');
    expect(Math.abs(used - nodes[0]!.mem_used)).toBeLessThan(used * 0.25);
  });

  it('an absolute watermark in bytes: above use no alarm, below use the alarm; "default" restores it', async () => {
    const used = await memoryUsed(broker);
    try {
      const above = used + 256 * 1024 * 1024;
      await setMemoryWatermark(broker, { absoluteBytes: above });
      expect(await limitInBytes()).toBe(above);
      expect(
        await until(
          () => memoryAlarm(broker),
          (on) => !on,
        ),
      ).toBe(false);

      const below = Math.floor(used / 2);
      await setMemoryWatermark(broker, { absoluteBytes: below });
      expect(await limitInBytes()).toBe(below);
      expect(
        await until(
          () => memoryAlarm(broker),
          (on) => on,
        ),
      ).toBe(true);
    } finally {
      await setMemoryWatermark(broker, 'default');
    }
    expect(await limitInBytes()).toBeGreaterThan(used);
    expect(
      await until(
        () => memoryAlarm(broker),
        (on) => !on,
      ),
    ).toBe(false);
  });

  it('refuses a watermark that is not a positive whole number of bytes, without touching the node', async () => {
    const before = await limitInBytes();
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60])
      await expect(setMemoryWatermark(broker, { absoluteBytes: bad })).rejects.toThrow(
        /absoluteBytes must be a positive integer/,
      );
    expect(await limitInBytes()).toBe(before);
  });
});

describe('a private Prometheus', () => {
  it('scrapes its targets every second, answers PromQL and stops cleanly', async () => {
    const app = await metricsServer('events_published_total{tenant="acme"} 42\n');
    const rabbitTarget = new URL(broker.prometheusUrl!).host;
    const prometheus = await startPrometheus({
      scrapeTargets: [app.target, rabbitTarget],
      scrapeIntervalSec: 1,
    });
    try {
      expect((await fetch(`${prometheus.url}/-/ready`)).status).toBe(200);
      const up = await until(
        () => prometheus.query('up'),
        (samples) => samples.length === 2 && samples.every((s) => s.value[1] === '1'),
      );
      expect(up.map((s) => s.metric.instance).sort()).toEqual([app.target, rabbitTarget].sort());
      const counter = await until(
        () => prometheus.query('events_published_total'),
        (samples) => samples.length === 1,
      );
      expect(counter[0]).toMatchObject({ metric: { tenant: 'acme' }, value: [expect.any(Number), '42'] });
    } finally {
      await prometheus.stop();
      await app.close();
    }
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
  }, 60_000);
});

describe('stopping a private RabbitMQ', () => {
  it(
    'stops the node and its epmd and deletes its directory',
    async () => {
      const extra = await startRabbitMq({ statsIntervalMs: 5000, exclusive: true });
      const pid = Number.parseInt((await extra.ctl(['eval', 'os:getpid().'])).trim().replace(/"/g, ''), 10);
      const getenv = async (name: string) =>
        (await extra.ctl(['eval', `os:getenv("${name}").`])).trim().replace(/^"|"$/g, '');
      const home = await getenv('HOME');
      const epmdPort = Number.parseInt(await getenv('ERL_EPMD_PORT'), 10);
      expect(alive(pid)).toBe(true);
      expect(existsSync(home)).toBe(true);
      await expect(accepts(epmdPort)).resolves.toBe(true);
      // The node and its epmd are marked as this dir's: what lets the reaper find them after a SIGKILL.
      const epmdPid = Number.parseInt(await readFile(join(home, 'epmd.pid'), 'utf8'), 10);
      expect(await belongsTo(pid, home)).toBe(true);
      expect(await belongsTo(epmdPid, home)).toBe(true);
      expect(Number.parseInt(await readFile(join(home, 'owner.pid'), 'utf8'), 10)).toBe(process.pid);
      await extra.stop();
      expect(alive(pid)).toBe(false);
      expect(existsSync(home)).toBe(false);
      await expect(accepts(epmdPort)).resolves.toBe(false);
      await expect(fetch(`${extra.managementUrl}/api/overview`)).rejects.toThrow();
      await extra.stop(); // idempotent
    },
    STARTUP,
  );
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function metricsServer(body: string): Promise<{ target: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
