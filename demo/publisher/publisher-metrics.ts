/**
 * The publisher's Prometheus metrics (prom-client, a registry of its own so that several publishers
 * can live in one process) and the small HTTP server that serves them on 127.0.0.1.
 *
 * The hot path only bumps plain numbers in typed arrays; the prom-client metrics read them when
 * scraped (`collect`), so a publish costs no label lookup.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';

export const DROP_REASONS = [
  /** the tenant's `publish-events` flag is off */
  'switched_off',
  /** the flag client has no answer for the tenant yet (e.g. the flag server unreachable at start) */
  'flags_unknown',
  /** the broker blocked the connection (resource alarm): paused, not buffered */
  'blocked',
  /** no connection: reconnecting */
  'disconnected',
  /** the in-flight window (unconfirmed publishes) or the socket buffer is full */
  'backpressure',
  /** the broker refused it (basic.nack) */
  'nacked',
  /** the channel closed before the confirm arrived: not known to be accepted */
  'unconfirmed',
  /** opening a channel failed (channel-leak mode: "No channels left to allocate") */
  'channel_error',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Plain counters the publisher updates; one slot per tenant. */
export class TenantCounters {
  readonly published: Float64Array;
  readonly dropped: Record<DropReason, Float64Array>;

  constructor(readonly tenantIds: readonly string[]) {
    this.published = new Float64Array(tenantIds.length);
    this.dropped = Object.fromEntries(
      DROP_REASONS.map((reason) => [reason, new Float64Array(tenantIds.length)]),
    ) as Record<DropReason, Float64Array>;
  }
}

export interface PublisherGauges {
  connected(): boolean;
  blocked(): boolean;
  reconnecting(): boolean;
  channelsOpened(): number;
  inFlight(): number;
}

export function publisherRegistry(counters: TenantCounters, gauges: PublisherGauges): Registry {
  const registry = new Registry();
  const ids = counters.tenantIds;
  new Counter({
    name: 'events_published_total',
    help: 'Events the broker confirmed (publisher confirms), per tenant',
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      this.reset();
      for (let i = 0; i < ids.length; i++) this.labels(ids[i]!).inc(counters.published[i]!);
    },
  });
  new Counter({
    name: 'events_dropped_total',
    help: 'Events not published, per tenant and reason (switched_off, flags_unknown, blocked, disconnected, backpressure, ...)',
    labelNames: ['tenant', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const reason of DROP_REASONS) {
        const values = counters.dropped[reason];
        for (let i = 0; i < ids.length; i++) {
          if (values[i]! > 0) this.labels(ids[i]!, reason).inc(values[i]!);
        }
      }
    },
  });
  new Gauge({
    name: 'publisher_state',
    help: '1 when the publisher is in this state: connected, blocked (by the broker), reconnecting',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.labels('connected').set(gauges.connected() ? 1 : 0);
      this.labels('blocked').set(gauges.blocked() ? 1 : 0);
      this.labels('reconnecting').set(gauges.reconnecting() ? 1 : 0);
    },
  });
  new Counter({
    name: 'publisher_channels_opened_total',
    help: 'AMQP channels this publisher opened (one per connection; one per publish in channel-leak mode)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(gauges.channelsOpened());
    },
  });
  new Gauge({
    name: 'publisher_in_flight',
    help: 'Publishes awaiting the broker confirm (bounded)',
    registers: [registry],
    collect() {
      this.set(gauges.inFlight());
    },
  });
  return registry;
}

export interface MetricsServer {
  /** http://127.0.0.1:<port>/metrics */
  url: string;
  close(): Promise<void>;
}

export async function serveMetrics(
  registry: Registry,
  port: number,
  host = '127.0.0.1',
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
