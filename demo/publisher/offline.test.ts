/** What works without a broker: options, tenant lists, the unreachable-broker message, reconnecting. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, freePorts } from '../../test-services/free-ports';
import { BrokerUnreachable, checkBroker } from './demo';
import { parseDemoOptions, redactUrl, UsageError } from './demo-options';
import { startPublisher } from './publisher';
import { consoleTenantIds, defaultTenantLoads, parseTenantLoads } from './tenant-load';
import { embeddedFlags, metricValue, parsePrometheusText } from './test-kit';

describe('tenant loads', () => {
  it('uses the console’s simulated tenant names, a few heavy and many light', () => {
    const loads = defaultTenantLoads(30);
    expect(loads.slice(0, 3)).toEqual([
      { id: 'acme', rate: 200 },
      { id: 'globex', rate: 100 },
      { id: 'initech', rate: 50 },
    ]);
    expect(loads.map((l) => l.id)).toEqual(consoleTenantIds(30));
    expect(loads.slice(3).every((l) => l.rate >= 1 && l.rate <= 8)).toBe(true);
    expect(consoleTenantIds(22).slice(20)).toEqual(['tenant-0020', 'tenant-0021']);
    expect(defaultTenantLoads(3, 0.5).map((l) => l.rate)).toEqual([100, 50, 25]);
  });

  it('parses a list and refuses what would break a routing key', () => {
    expect(parseTenantLoads('acme=200, globex=5,initech', 3)).toEqual([
      { id: 'acme', rate: 200 },
      { id: 'globex', rate: 5 },
      { id: 'initech', rate: 3 },
    ]);
    expect(() => parseTenantLoads('a.b=1')).toThrow(/letters/);
    expect(() => parseTenantLoads('acme=fast')).toThrow(/not a number/);
    expect(() => parseTenantLoads('acme,acme')).toThrow(/twice/);
    expect(() => parseTenantLoads(' , ')).toThrow(/no tenants/);
  });
});

describe('demo options', () => {
  it('defaults to the local broker and an embedded flag server', () => {
    const options = parseDemoOptions([], {});
    expect(options).toMatchObject({
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      managementUrl: 'http://127.0.0.1:15672',
      ofrep: null,
      flags: true,
      channelLeak: false,
      metricsPort: 9464,
      spike: { tenantId: 'acme', afterMs: 30_000, factor: 15 },
    });
  });

  it('takes flags before environment variables', () => {
    const env = {
      SWITCHBOARD_DEMO_AMQP: 'amqp://env:5672',
      OFREP_ENDPOINT: 'http://127.0.0.1:8016/ofrep/v1',
    };
    const options = parseDemoOptions(
      ['--amqp', 'amqp://flag:5672', '--leak', '--tenants', 'acme=10', '--spike-after', 'off'],
      env,
    );
    expect(options).toMatchObject({
      amqpUrl: 'amqp://flag:5672',
      ofrep: 'http://127.0.0.1:8016/ofrep/v1',
      channelLeak: true,
      tenants: [{ id: 'acme', rate: 10 }],
      spike: null,
    });
    expect(parseDemoOptions(['--no-flags'], {})).toMatchObject({ flags: false });
    // As `npm run serve`: 0 spikes at once, --no-spike never.
    expect(parseDemoOptions(['--spike-after', '0'], {})).toMatchObject({ spike: { afterMs: 0 } });
    expect(parseDemoOptions(['--no-spike'], {})).toMatchObject({ spike: null });
    expect(parseDemoOptions(['-h'], {})).toBe('help');
  });

  it('refuses bad input with a usage error', () => {
    expect(() => parseDemoOptions(['--bogus'], {})).toThrow(UsageError);
    expect(() => parseDemoOptions(['--metrics-port', '70000'], {})).toThrow(/not a port/);
    expect(() => parseDemoOptions(['--tenants', 'a.b'], {})).toThrow(/--tenants/);
  });

  it('never prints a password', () => {
    expect(redactUrl('amqp://guest:s3cret@h:5672/')).toBe('amqp://guest:***@h:5672');
  });
});

describe('without a broker', () => {
  it('says in one line that RabbitMQ is not reachable and how to install and start it', async () => {
    const port = await freePort();
    const failure = await checkBroker(`amqp://guest:guest@127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BrokerUnreachable);
    const message = (failure as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`RabbitMQ is not reachable at amqp://guest:***@127.0.0.1:${port}`);
    expect(message).toContain('apt-get install rabbitmq-server');
    expect(message).toContain('rabbitmq-plugins enable rabbitmq_management');
    expect(message).toContain('rabbitmq-server -detached');
  });

  it('npm run demo exits non-zero with that line', async () => {
    const port = await freePort();
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, '..', 'run-demo.ts'),
          '--amqp',
          `amqp://127.0.0.1:${port}`,
        ],
        { timeout: 30_000 },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('RabbitMQ is not reachable');
  }, 30_000);

  it('the publisher keeps reconnecting, counts events as dropped and says so on /metrics', async () => {
    const port = await freePort();
    const p = await startPublisher({
      amqpUrl: `amqp://guest:guest@127.0.0.1:${port}`,
      tenants: [{ id: 'acme', rate: 200 }],
      flags: null,
      reconnectMinMs: 20,
      reconnectMaxMs: 100,
    });
    try {
      await p.until(() => p.tenant('acme').dropped.disconnected >= 20);
      expect(p.stats()).toMatchObject({ state: 'reconnecting', published: 0, inFlight: 0, connections: 0 });
      expect(p.stats().lastError).toMatch(/ECONNREFUSED/);
      const metrics = parsePrometheusText(await (await fetch(p.metricsUrl!)).text());
      expect(metricValue(metrics, 'publisher_state', { state: 'reconnecting' })).toBe(1);
      expect(metricValue(metrics, 'publisher_state', { state: 'connected' })).toBe(0);
      expect(
        metricValue(metrics, 'events_dropped_total', { tenant: 'acme', reason: 'disconnected' }),
      ).toBeGreaterThanOrEqual(20);
    } finally {
      await p.stop();
    }
    expect(p.stats().state).toBe('stopped');
  });

  it('counts the events of tenants the flag server has not answered for as flags_unknown, not switched_off', async () => {
    const [amqpPort, flagPort] = await freePorts(2);
    const p = await startPublisher({
      amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
      tenants: [
        { id: 'acme', rate: 200 },
        { id: 'globex', rate: 200 },
      ],
      // Nothing listens there yet: the gate holds both tenants.
      flags: { ofrepEndpoint: `http://127.0.0.1:${flagPort}/ofrep/v1` },
      flagsTimeoutMs: 200,
      reconnectMinMs: 20,
      reconnectMaxMs: 100,
    });
    let flags: Awaited<ReturnType<typeof embeddedFlags>> | null = null;
    try {
      await p.until(() => ['acme', 'globex'].every((id) => p.tenant(id).dropped.flags_unknown >= 20));
      expect(p.stats().dropped.switched_off).toBe(0);
      expect(p.tenant('acme')).toMatchObject({ allowed: false, flagsUnknown: true });
      const held = parsePrometheusText(await (await fetch(p.metricsUrl!)).text());
      expect(
        metricValue(held, 'events_dropped_total', { tenant: 'acme', reason: 'flags_unknown' }),
      ).toBeGreaterThanOrEqual(20);
      expect(
        metricValue(held, 'events_dropped_total', { tenant: 'acme', reason: 'switched_off' }),
      ).toBeUndefined();

      // The flag server comes up with acme switched off: now acme's events are switched off, and
      // globex's go on to the (absent) broker.
      flags = await embeddedFlags(flagPort);
      await flags.flip('acme', false);
      await p.until(
        () => p.tenant('acme').dropped.switched_off >= 20 && !p.tenant('globex').flagsUnknown,
        30_000,
      );
      const acme = p.tenant('acme');
      expect(acme).toMatchObject({ allowed: false, flagsUnknown: false });
      const globexUnknown = p.tenant('globex').dropped.flags_unknown;
      await p.until(
        () =>
          p.tenant('acme').dropped.switched_off >= acme.dropped.switched_off + 20 &&
          p.tenant('globex').dropped.disconnected >= 20,
      );
      expect(p.tenant('acme').dropped.flags_unknown).toBe(acme.dropped.flags_unknown);
      expect(p.tenant('globex').dropped.flags_unknown).toBe(globexUnknown);
      expect(p.tenant('globex').dropped.switched_off).toBe(0);
    } finally {
      await p.stop();
      await flags?.close();
    }
  });
});
