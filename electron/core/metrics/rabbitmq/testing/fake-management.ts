/**
 * A stand-in RabbitMQ management API for fault tests: serves the captured answers (fixtures), paged
 * and cut to `columns=` like the real one, and misbehaves on demand (401, HTML, garbage, slowness,
 * the alarm's 503). Honouring `columns=` matters: a source that forgets to ask for a field it reads
 * gets nothing for it here, as it would from a real broker, and its test fails.
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
  /** changes the captured connections before they are served (e.g. one connection's channels growing) */
  editConnections: ((connections: Record<string, unknown>[]) => Record<string, unknown>[]) | null = null;
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
    const columns = columnsOf(url);
    const json = (value: unknown): Reply => ({ body: JSON.stringify(onlyColumns(value, columns)) });
    const paged = (all: object[]) => pagedReply(url, all, columns);
    if (path === '/api/overview') return json(fixture('overview.json'));
    if (path === '/api/nodes') return json(fixture(this.alarm ? 'nodes_alarm.json' : 'nodes.json'));
    if (path === '/api/health/checks/alarms')
      return this.alarm
        ? { status: 503, body: JSON.stringify(fixture('health_alarms_during.json')) }
        : json({ status: 'ok' });
    if (/^\/api\/(vhosts\/[^/]+\/)?connections$/.test(path)) {
      const captured = fixture('connections.json') as Record<string, unknown>[];
      const connections = this.editConnections ? this.editConnections(captured) : captured;
      return paged(this.alarm ? connections.map((c) => ({ ...c, state: 'blocked' })) : connections);
    }
    if (/^\/api\/queues(\/[^/]+)?$/.test(path))
      return paged([...(fixture('queues.json') as object[]), ...this.extraQueues]);
    if (/^\/api\/(vhosts\/[^/]+\/)?channels$/.test(path)) return paged(fixture('channels.json') as object[]);
    if (path === '/api/vhosts') return json(fixture('vhosts.json'));
    return { status: 404, body: '{"error":"Object Not Found","reason":"Not Found"}' };
  }
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const json = (value: unknown): Reply => ({ body: JSON.stringify(value) });

/** `columns=a,b.c` as a list of paths, or null when every field is asked for. */
function columnsOf(url: URL): string[][] | null {
  const columns = url.searchParams.get('columns');
  if (!columns) return null;
  return columns
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => c.split('.'));
}

/**
 * What the management API keeps of an answer for `columns=`: of an object (each item of a list)
 * only the named fields, a dotted name keeping that field of the nested object.
 */
function onlyColumns(value: unknown, columns: string[][] | null): unknown {
  if (columns === null) return value;
  if (Array.isArray(value)) return value.map((item) => onlyColumns(item, columns));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const path of columns) copyPath(value as Record<string, unknown>, out, path);
  return out;
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, path: string[]): void {
  const [key, ...rest] = path;
  if (key === undefined || !(key in from)) return;
  const value = from[key];
  if (rest.length === 0) {
    to[key] = value;
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  to[key] ??= {};
  copyPath(value as Record<string, unknown>, to[key] as Record<string, unknown>, rest);
}

/**
 * Paging as the management API does it: page/page_size/sort/sort_reverse (sorted before the
 * columns are cut, so a list may be sorted by a field it does not return); out of range is a 400.
 */
function pagedReply(url: URL, all: object[], columns: string[][] | null): Reply {
  const page = Number(url.searchParams.get('page') ?? 0);
  if (!page) return json(onlyColumns(all, columns));
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
  const slice = onlyColumns(items.slice((page - 1) * size, page * size), columns) as object[];
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
