import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagementSnapshot } from '../broker-metrics';
import {
  alarmsSchema,
  channelSchema,
  connectionSchema,
  listAnswer,
  nodesSchema,
  overviewSchema,
  queueSchema,
  vhostSchema,
} from '../management-schemas';

/** Real answers captured from RabbitMQ 3.10.8 (shared/reference/samples/rabbitmq). */
export const fixtureText = (name: string): string =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8');
export const fixture = (name: string): unknown => JSON.parse(fixtureText(name));

/** One tick's answers built from the captured samples, as the source would have parsed them. */
export function sampleSnapshot(t: number): ManagementSnapshot {
  return {
    t,
    overview: overviewSchema.parse(fixture('overview.json')),
    nodes: nodesSchema.parse(fixture('nodes.json')),
    alarms: alarmsSchema.parse({ status: 'ok' }),
    connections: listAnswer(connectionSchema).parse(fixture('connections.json')).items,
    queues: listAnswer(queueSchema).parse(fixture('queues.json')).items,
    channels: listAnswer(channelSchema).parse(fixture('channels.json')).items,
    vhosts: listAnswer(vhostSchema).parse(fixture('vhosts.json')).items,
  };
}

/** Add `by` to the publish counter of every object whose name matches. */
export function published<T extends { name: string; message_stats?: { publish?: number | null } }>(
  items: T[],
  name: string | RegExp,
  by: number,
): T[] {
  return items.map((item) =>
    (typeof name === 'string' ? item.name === name : name.test(item.name)) && item.message_stats
      ? { ...item, message_stats: { ...item.message_stats, publish: (item.message_stats.publish ?? 0) + by } }
      : item,
  );
}
