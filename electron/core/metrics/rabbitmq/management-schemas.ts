/**
 * The parts of RabbitMQ management API answers the source reads, as schemas (a garbage answer is a
 * clear source error, not a crash). Quirks they absorb (shared/reference/README.md, samples/rabbitmq):
 * an object without stats has `message_stats: []` (an array) or no `message_stats` at all; fields
 * come and go with the version and with `columns=`; counters may be null; list endpoints answer a
 * plain array, or `{items, page, page_count, …}` when asked for a page.
 */
import { z } from 'zod';

const count = z.number().finite().nullish();
const rate = z.object({ rate: z.number().nullish() }).nullish();

/** message_stats as an object of counters, or undefined for `[]`, null or absent. */
const messageStats = z
  .union([
    z.object({
      publish: count,
      publish_details: rate,
      deliver_get: count,
      deliver_get_details: rate,
    }),
    z.array(z.unknown()),
  ])
  .nullish()
  .transform((stats) => (stats && !Array.isArray(stats) ? stats : undefined));

export type MessageStats = NonNullable<z.output<typeof messageStats>>;

export const overviewSchema = z.object({
  rabbitmq_version: z.string().nullish(),
  management_version: z.string().nullish(),
  rates_mode: z.string().nullish(),
  /** true when the management agent collects no stats (management_agent.disable_metrics_collector) */
  disable_stats: z.boolean().nullish(),
  message_stats: messageStats,
  /** cluster-wide channel churn counters (3.8+) */
  churn_rates: z
    .union([
      z.object({
        channel_created: count,
        channel_created_details: rate,
        channel_closed: count,
        channel_closed_details: rate,
      }),
      z.array(z.unknown()),
    ])
    .nullish()
    .transform((churn) => (churn && !Array.isArray(churn) ? churn : undefined)),
  object_totals: z.object({
    channels: z.number(),
    connections: z.number(),
    queues: z.number().nullish(),
    consumers: z.number().nullish(),
  }),
  queue_totals: z
    .union([z.object({ messages: count }), z.array(z.unknown())])
    .nullish()
    .transform((totals) => (totals && !Array.isArray(totals) ? totals : undefined)),
});
export type Overview = z.output<typeof overviewSchema>;

export const nodeSchema = z.object({
  name: z.string(),
  running: z.boolean().nullish(),
  mem_used: count,
  mem_limit: count,
  mem_alarm: z.boolean().nullish(),
  disk_free_alarm: z.boolean().nullish(),
  fd_used: count,
  fd_total: count,
  proc_used: count,
  channel_created: count,
  channel_created_details: rate,
  channel_closed: count,
  channel_closed_details: rate,
});
export const nodesSchema = z.array(nodeSchema);
export type NodeInfo = z.output<typeof nodeSchema>;

export const connectionSchema = z.object({
  name: z.string(),
  user: z.string().nullish(),
  vhost: z.string().nullish(),
  /** running, blocking, blocked, flow, closing… */
  state: z.string().nullish(),
  channels: count,
  channel_max: count,
  /** the client's connection name (3.6+) */
  user_provided_name: z.string().nullish(),
  /** the same, as some captures and older versions spell it */
  connection_name: z.string().nullish(),
  client_properties: z.object({ connection_name: z.string().nullish() }).nullish(),
});
export type ConnectionInfo = z.output<typeof connectionSchema>;

export const queueSchema = z.object({
  name: z.string(),
  vhost: z.string().nullish(),
  messages: count,
  message_stats: messageStats,
});
export type QueueInfo = z.output<typeof queueSchema>;

export const channelSchema = z.object({
  name: z.string(),
  user: z.string().nullish(),
  vhost: z.string().nullish(),
  connection_details: z
    .union([z.object({ name: z.string().nullish() }), z.array(z.unknown())])
    .nullish()
    .transform((details) => (details && !Array.isArray(details) ? details : undefined)),
  message_stats: messageStats,
});
export type ChannelInfo = z.output<typeof channelSchema>;

export const vhostSchema = z.object({
  name: z.string(),
  message_stats: messageStats,
});
export type VhostInfo = z.output<typeof vhostSchema>;

/** A list answer: a plain array, or one page of it. */
export function listAnswer<T extends z.ZodType>(item: T) {
  return z.union([
    z.array(item).transform((items) => ({ items, page: 1, pageCount: 1, total: items.length })),
    z
      .object({
        items: z.array(item),
        page: z.number(),
        page_count: z.number(),
        total_count: z.number().nullish(),
        filtered_count: z.number().nullish(),
      })
      .transform((p) => ({
        items: p.items,
        page: p.page,
        pageCount: p.page_count,
        total: p.filtered_count ?? p.total_count ?? p.items.length,
      })),
  ]);
}

/** /api/health/checks/alarms: 200 `{status: "ok"}`, or 503 with the alarms in effect. */
export const alarmsSchema = z.object({
  status: z.string(),
  reason: z.string().nullish(),
  alarms: z.array(z.object({ node: z.string().nullish(), resource: z.string().nullish() })).nullish(),
});
export type AlarmsAnswer = z.output<typeof alarmsSchema>;

/** A connection's name as its client gave it, else the broker's "ip:port -> ip:port". */
export function connectionLabel(connection: ConnectionInfo): string {
  return (
    connection.user_provided_name ??
    connection.client_properties?.connection_name ??
    connection.connection_name ??
    connection.name
  );
}
