import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RabbitMqSource, type RabbitMqSourceOptions } from './rabbitmq-source';
import { basic, FakeManagement } from './testing/fake-management';

const T0 = 1_795_632_100_000;

describe('RabbitMqSource against a management API we control', () => {
  let fake: FakeManagement;
  let now: number;
  const make = (options: Partial<RabbitMqSourceOptions> = {}) =>
    new RabbitMqSource({
      url: fake.url,
      username: 'guest',
      password: 'guest',
      timeoutMs: 1_000,
      clock: () => now,
      // Jitter at its top: the backoff is then exactly the nominal delay.
      random: () => 1,
      ...options,
    });

  beforeEach(async () => {
    fake = await new FakeManagement().start();
    now = T0;
  });
  afterEach(async () => {
    await fake.server.stop();
  });

  it('samples broker health with 5 small requests per tick', async () => {
    const source = make();
    expect(source.provides).toEqual({ tenantRates: false, broker: true });
    expect(source.status().state).toBe('connecting');
    const sample = await source.sample(now);
    expect(sample.t).toBe(now);
    expect(sample.broker).toMatchObject({ version: '3.10.8', connections: 7, channels: 7, publishRate: 500 });
    expect(source.status()).toMatchObject({ state: 'ok', message: null, stale: false, lastOkAt: now });
    expect(fake.server.paths().sort()).toEqual([
      '/api/connections',
      '/api/health/checks/alarms',
      '/api/nodes',
      '/api/overview',
      '/api/queues',
    ]);
    // Lists are asked for one sorted page, with only the columns read.
    const connections = fake.server.requests.find((u) => u.pathname === '/api/connections')!;
    expect(connections.searchParams.get('sort')).toBe('channels');
    expect(connections.searchParams.get('columns')).toContain('channel_max');
    const queues = fake.server.requests.find((u) => u.pathname === '/api/queues')!;
    expect(queues.searchParams.get('page_size')).toBe('5');
  });

  it('the stand-in answers only the columns asked for, as the real API does', async () => {
    const get = async (path: string) =>
      (await fetch(`${fake.url}${path}`, { headers: { authorization: basic('guest', 'guest') } })).json();
    expect(await get('/api/overview?columns=rabbitmq_version,object_totals.channels')).toEqual({
      rabbitmq_version: '3.10.8',
      object_totals: { channels: 7 },
    });
    const page = (await get('/api/connections?page=1&page_size=2&sort=channels&columns=name')) as {
      items: object[];
    };
    expect(page.items).toHaveLength(2);
    for (const item of page.items) expect(Object.keys(item)).toEqual(['name']);
  });

  it('follows each connection’s channels: a leaking one among flat peers is named', async () => {
    const source = make();
    let broker = (await source.sample(now)).broker!;
    for (let i = 1; i <= 20; i++) {
      const leaked = Math.max(0, i - 5) * 20;
      fake.editConnections = (list) =>
        list.map((c, k) =>
          k === 4 ? { ...c, user_provided_name: 'order-service', channels: 1 + leaked } : c,
        );
      now += 1_000;
      broker = (await source.sample(now)).broker!;
    }
    expect(broker.leak.why).toMatch(
      /^connection order-service: channels 1 → 301 in \d+ s \(\+20\/s\) while 6 other connections stayed flat$/,
    );
  });

  it('reads every page of what the tenant rules need, and only that', async () => {
    fake.extraQueues = Array.from({ length: 1_200 }, (_, i) => ({
      name: `q.tenant.x${i}`,
      vhost: '/',
      messages: 0,
      message_stats: { publish: i },
    }));
    const source = make({
      tenantRules: [
        { from: 'queue', pattern: '^q\\.tenant\\.(.+)$' },
        { from: 'user', pattern: '^svc-(.+)$' },
      ],
    });
    expect(source.provides.tenantRates).toBe(true);
    const { rates } = await source.sample(now);
    expect(rates.get('t3')).toBe(413);
    expect(rates.get('x1199')).toBe(0);
    expect(rates.size).toBe(1_205);
    const paths = fake.server.paths();
    expect(paths.filter((p) => p === '/api/queues')).toHaveLength(3);
    expect(paths.filter((p) => p === '/api/channels')).toHaveLength(1);
    expect(paths).not.toContain('/api/vhosts');
  });

  it('uses the vhost paths when restricted to one vhost', async () => {
    const source = make({
      vhost: 'tenant-t5',
      tenantRules: [{ from: 'connection', pattern: 'tenant=(.+)' }],
    });
    await source.sample(now);
    const paths = fake.server.paths();
    expect(paths).toContain('/api/queues/tenant-t5');
    expect(paths).toContain('/api/vhosts/tenant-t5/connections');
    expect(paths).toContain('/api/vhosts/tenant-t5/channels');
  });

  it('a 503 from the alarms check is data: the alarm and the blocked publishers', async () => {
    fake.alarm = true;
    const source = make();
    const { broker } = await source.sample(now);
    expect(broker?.memory.alarm).toBe(true);
    expect(broker?.alarms).toEqual(['memory alarm on rabbit@localhost']);
    expect(broker?.blocked).toHaveLength(7);
    expect(broker?.warnings[0]).toBe('memory alarm: publishers blocked (7 connections)');
    expect(source.status().state).toBe('ok');
    // Under an alarm every connection is read (blocked ones need not have the most channels).
    const connections = fake.server.requests.find((u) => u.pathname === '/api/connections')!;
    expect(connections.searchParams.get('page_size')).toBe('500');
  });

  it('401: says to check the credentials', async () => {
    const source = make({ password: 'wrong' });
    await expect(source.sample(now)).rejects.toThrow(
      /^management API answered 401: check the username\/password/,
    );
    expect(source.status()).toMatchObject({ state: 'down', stale: false, lastOkAt: null });
    expect(source.status().message).toMatch(
      /^management API answered 401: check the username\/password, retrying/,
    );
  });

  it('down: connection refused, with backoff that skips ticks, then recovers by itself', async () => {
    const source = make();
    await source.sample(now);
    await fake.server.stop();

    now += 1_000;
    await expect(source.sample(now)).rejects.toThrow(`connection refused at ${fake.url}, retrying in 1 s`);
    const status = source.status();
    expect(status).toMatchObject({ state: 'down', stale: true, lastOkAt: T0 });
    // Second failure: 2 s. Ticks inside the backoff make no request at all.
    now += 1_000;
    await expect(source.sample(now)).rejects.toThrow(/connection refused .*, retrying in 2 s$/);
    const requests = fake.server.requests.length;
    now += 1_000;
    await expect(source.sample(now)).rejects.toThrow(/retrying in 1 s$/);
    expect(fake.server.requests.length).toBe(requests);
    // Third: 4 s.
    now += 1_000;
    await expect(source.sample(now)).rejects.toThrow(/retrying in 4 s$/);

    await fake.server.restart();
    now += 2_000;
    await expect(source.sample(now)).rejects.toThrow(/retrying in 2 s$/);
    now += 2_000;
    const sample = await source.sample(now);
    expect(sample.broker?.connections).toBe(7);
    expect(source.status()).toMatchObject({ state: 'ok', message: null, stale: false, lastOkAt: now });
  });

  it('slow beyond the timeout: "timed out after 300 ms"', async () => {
    fake.fault = { kind: 'slow', delayMs: 2_000 };
    const source = make({ timeoutMs: 300 });
    await expect(source.sample(now)).rejects.toThrow(/^timed out after 300 ms, retrying/);
    expect(source.status().state).toBe('down');
  });

  it('slow within the timeout: degraded, and says so', async () => {
    fake.fault = { kind: 'slow', delayMs: 120 };
    const source = make({ timeoutMs: 5_000, slowMs: 50 });
    await source.sample(now);
    const status = source.status();
    expect(status.state).toBe('degraded');
    expect(status.message).toMatch(/^slow: the management API took \d+ ms$/);
    fake.fault = null;
    now += 1_000;
    await source.sample(now);
    expect(source.status()).toMatchObject({ state: 'ok', message: null });
  });

  it('HTML (a proxy, a login page): not the management API', async () => {
    fake.fault = { kind: 'html' };
    const source = make();
    await expect(source.sample(now)).rejects.toThrow(
      /^answered something that is not the RabbitMQ management API: Welcome to nginx! It works/,
    );
  });

  it('JSON of another shape: not the management API, and where it differs', async () => {
    fake.fault = { kind: 'garbage' };
    const source = make();
    await expect(source.sample(now)).rejects.toThrow(
      /^answered something that is not the RabbitMQ management API: .*object_totals/,
    );
  });

  it('404: asks whether the URL is the management base', async () => {
    fake.fault = { kind: 'not-found' };
    const source = make();
    await expect(source.sample(now)).rejects.toThrow(
      /management API answered 404: no \/api\/\S+ at http:\/\/127\.0\.0\.1:\d+\/: is this the management plugin's base URL\?/,
    );
  });

  it('honours Retry-After', async () => {
    fake.fault = { kind: 'retry-after', seconds: 7 };
    const source = make();
    await expect(source.sample(now)).rejects.toThrow(
      /^management API: 503 Service Unavailable, retrying in 7 s$/,
    );
    fake.fault = null;
    const before = fake.server.requests.length;
    now += 6_000;
    await expect(source.sample(now)).rejects.toThrow(/retrying in 1 s$/);
    expect(fake.server.requests.length).toBe(before);
    now += 1_000;
    await source.sample(now);
    expect(source.status().state).toBe('ok');
  });

  it('marks data stale once the last good sample is older than two intervals', async () => {
    const source = make();
    await source.sample(now);
    now += 1_000;
    await source.sample(now);
    expect(source.status().stale).toBe(false);
    now += 2_500;
    expect(source.status().stale).toBe(true);
  });
});
