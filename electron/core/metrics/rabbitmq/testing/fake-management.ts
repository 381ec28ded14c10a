/**
 * A stand-in RabbitMQ management API for fault tests: serves the captured answers (fixtures), paged
 * like the real one, and misbehaves on demand (401, HTML, garbage, slowness, the alarm's 503).
 */
import { type Handler, LocalServer, type Reply } from '../../scrape/testing/local-server';
import { fixture } from './fixtures';

export type Fault =
  | { kind: 'unauthorized' }
  | { kind: 'html' }
  | { kind: 'garbage' }
  | { kind: 'not-found' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'retry-after'; seconds: number };

export class FakeManagement {
  readonly server: LocalServer;
  fault: Fault | null = null;
  alarm = false;
  /** extra items appended to lists, e.g. thousands of queues */
  extraQueues: { name: string; vhost: string; messages: number; message_stats?: { publish: number } }[] = [];

  constructor() {
    this.server = new LocalServer(this.handle);
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  get url(): string {
    return this.server.url;
  }

  private readonly handle: Handler = (url, request) => {
    const fault = this.fault;
    if (fault?.kind === 'unauthorized' || request.headers.authorization !== basic('guest', 'guest'))
      return { status: 401, body: '{"error":"not_authorized","reason":"Login failed"}' };
    if (fault?.kind === 'html')
      return {
        body: '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>It works</body></html>',
        headers: { 'content-type': 'text/html' },
      };
    if (fault?.kind === 'garbage') return { body: '{"hello":"world"}' };
    if (fault?.kind === 'not-found')
      return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    if (fault?.kind === 'retry-after')
      return {
        status: 503,
        body: 'busy',
        headers: { 'retry-after': String(fault.seconds), 'content-type': 'text/plain' },
      };
    const reply = this.route(url);
    return fault?.kind === 'slow' ? { ...reply, delayMs: fault.delayMs } : reply;
  };

  private route(url: URL): Reply {
    const path = url.pathname;
    if (path === '/api/overview') return json(fixture('overview.json'));
    if (path === '/api/nodes') return json(fixture(this.alarm ? 'nodes_alarm.json' : 'nodes.json'));
    if (path === '/api/health/checks/alarms')
      return this.alarm
        ? { status: 503, body: JSON.stringify(fixture('health_alarms_during.json')) }
        : json({ status: 'ok' });
    if (/^\/api\/(vhosts\/[^/]+\/)?connections$/.test(path)) {
      const connections = fixture('connections.json') as { state: string }[];
      return paged(url, this.alarm ? connections.map((c) => ({ ...c, state: 'blocked' })) : connections);
    }
    if (/^\/api\/queues(\/[^/]+)?$/.test(path))
      return paged(url, [...(fixture('queues.json') as object[]), ...this.extraQueues]);
    if (/^\/api\/(vhosts\/[^/]+\/)?channels$/.test(path))
      return paged(url, fixture('channels.json') as object[]);
    if (path === '/api/vhosts') return json(fixture('vhosts.json'));
    return { status: 404, body: '{"error":"Object Not Found","reason":"Not Found"}' };
  }
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const json = (value: unknown): Reply => ({ body: JSON.stringify(value) });

/** Paging as the management API does it: page/page_size/sort/sort_reverse; out of range is a 400. */
function paged(url: URL, all: object[]): Reply {
  const page = Number(url.searchParams.get('page') ?? 0);
  if (!page) return json(all);
  const size = Number(url.searchParams.get('page_size') ?? 100);
  if (size > 500) return { status: 400, body: '{"error":"invalid_pagination_parameters"}' };
  const sort = url.searchParams.get('sort');
  const items = [...all] as Record<string, unknown>[];
  if (sort) {
    const key = (o: Record<string, unknown>) => o[sort] as number | string;
    items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (url.searchParams.get('sort_reverse') === 'true') items.reverse();
  }
  const pageCount = Math.max(1, Math.ceil(items.length / size));
  if (page > pageCount)
    return { status: 400, body: '{"error":"page_out_of_range","reason":"Page out of range"}' };
  const slice = items.slice((page - 1) * size, page * size);
  return json({
    filtered_count: items.length,
    item_count: slice.length,
    items: slice,
    page,
    page_count: pageCount,
    page_size: size,
    total_count: items.length,
  });
}
