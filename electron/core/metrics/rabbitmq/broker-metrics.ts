/**
 * The pure half of the RabbitMQ source: parsed management API answers in, per-tenant rates and a
 * judged BrokerHealth out. Rates are computed here from the cumulative counters and our own
 * timestamps (see CounterRates), coping with the broker's stats refresh (5 s stock, 1 s configured),
 * which is detected from how often the global counters move.
 */
import type { BrokerHealth } from '../../api';
import {
  BrokerHealthDetector,
  type BrokerHealthDetectorOptions,
  NEAR_CHANNEL_MAX_SHARE,
} from '../../traffic/broker-health/broker-health-detector';
import type { ConnectionChannels } from '../../traffic/broker-health/connection-channels';
import { CounterRates, type CounterReading, RefreshEstimate } from '../scrape/counter-rates';
import {
  type AlarmsAnswer,
  type ChannelInfo,
  type ConnectionInfo,
  connectionLabel,
  type NodeInfo,
  type Overview,
  type QueueInfo,
  type VhostInfo,
} from './management-schemas';
import { type TenantRuleSource, TenantRules } from './tenant-rules';

/** One tick's answers. Lists the rules do not need are null; connections/queues may be a top page. */
export interface ManagementSnapshot {
  /** epoch ms of the sample */
  t: number;
  overview: Overview;
  nodes: NodeInfo[];
  /** the alarms check, or null when it was unavailable (alarms are then read from the nodes) */
  alarms: AlarmsAnswer | null;
  connections: ConnectionInfo[];
  queues: QueueInfo[];
  channels: ChannelInfo[] | null;
  vhosts: VhostInfo[] | null;
}

export interface BrokerMetricsOptions {
  sourceId: string;
  label: string;
  rules?: TenantRules;
  detector?: BrokerHealthDetectorOptions;
  /** how many of the deepest queues to keep (default 5) */
  deepest?: number;
}

export interface BrokerMetricsResult {
  rates: Map<string, number>;
  broker: BrokerHealth;
  /** things an operator should know that make the data partial */
  problems: string[];
}

/** The blocked/blocking connections listed in a sample; the totals count the rest. */
export const BLOCKED_LIST_LIMIT = 50;

/** Until the refresh is seen, assume a stock broker's 5 s. */
const ASSUMED_REFRESH_MS = 5_000;

export class BrokerMetrics {
  private readonly globals = new CounterRates({ live: false });
  private readonly objects = new CounterRates({ live: false });
  private readonly refresh = new RefreshEstimate();
  private readonly detector: BrokerHealthDetector;
  private readonly rules: TenantRules;
  private nearChannelMaxShare: number;

  constructor(private readonly options: BrokerMetricsOptions) {
    this.rules = options.rules ?? new TenantRules();
    this.detector = new BrokerHealthDetector(options.detector);
    this.nearChannelMaxShare = options.detector?.nearChannelMaxShare ?? NEAR_CHANNEL_MAX_SHARE;
  }

  /** New detection thresholds (settings), applied from the next snapshot. */
  tuneDetector(options: BrokerHealthDetectorOptions): void {
    this.detector.tune(options);
    this.nearChannelMaxShare = options.nearChannelMaxShare ?? NEAR_CHANNEL_MAX_SHARE;
  }

  /** The observed stats refresh in ms, or null until seen. */
  get statsIntervalMs(): number | null {
    return this.refresh.ms;
  }

  ingest(s: ManagementSnapshot): BrokerMetricsResult {
    const problems: string[] = [];
    const refreshMs = this.refresh.ms ?? ASSUMED_REFRESH_MS;
    const { overview } = s;

    // Global counters: publish/deliver for the broker, channel churn for the leak rule.
    const churn = overview.churn_rates;
    const nodeCreated = sumOf(s.nodes.map((n) => n.channel_created));
    const nodeClosed = sumOf(s.nodes.map((n) => n.channel_closed));
    const globals = new Map<string, CounterReading>([
      ['publish', reading(overview.message_stats?.publish, overview.message_stats?.publish_details?.rate)],
      [
        'deliver',
        reading(overview.message_stats?.deliver_get, overview.message_stats?.deliver_get_details?.rate),
      ],
      [
        'created',
        reading(
          churn?.channel_created ?? nodeCreated,
          churn?.channel_created_details?.rate ?? sumOf(s.nodes.map((n) => n.channel_created_details?.rate)),
        ),
      ],
      [
        'closed',
        reading(
          churn?.channel_closed ?? nodeClosed,
          churn?.channel_closed_details?.rate ?? sumOf(s.nodes.map((n) => n.channel_closed_details?.rate)),
        ),
      ],
    ]);
    const globalRates = this.globals.update(s.t, globals, refreshMs);
    this.refresh.observe(s.t, this.globals.moved);
    const hasChurn =
      globals.get('created')!.value !== undefined && globals.get('closed')!.value !== undefined;

    if (overview.disable_stats)
      problems.push('the broker collects no management stats (disable_metrics_collector)');
    else if (overview.rates_mode === 'none')
      problems.push('the broker keeps no message rates (rates_mode = none)');

    const rates = this.tenantRates(s, refreshMs, problems);

    // Memory and descriptors from the fullest node: its alarm is the one that blocks publishers.
    const fullest = fullestNode(s.nodes);
    const fdNode = [...s.nodes]
      .filter((n) => (n.fd_total ?? 0) > 0 && n.fd_used != null)
      .sort((a, b) => b.fd_used! / b.fd_total! - a.fd_used! / a.fd_total!)[0];
    const alarms = alarmList(s);
    const memAlarm = s.nodes.some((n) => n.mem_alarm === true) || alarms.some((a) => a.startsWith('memory'));
    const diskAlarm =
      s.nodes.some((n) => n.disk_free_alarm === true) || alarms.some((a) => a.startsWith('disk'));

    const connections = overview.object_totals.connections;
    const channels = overview.object_totals.channels;
    const deepestCount = this.options.deepest ?? 5;
    const queues = [...s.queues]
      .filter((q) => (q.messages ?? 0) > 0)
      .sort((a, b) => (b.messages ?? 0) - (a.messages ?? 0))
      .slice(0, deepestCount)
      .map((q) => ({ vhost: q.vhost ?? '/', name: q.name, messages: q.messages ?? 0 }));

    const health: BrokerHealth = {
      sourceId: this.options.sourceId,
      label: this.options.label,
      t: s.t,
      version: overview.rabbitmq_version ?? overview.management_version ?? null,
      statsIntervalMs: this.refresh.ms,
      memory: {
        used: fullest?.mem_used ?? 0,
        limit: fullest?.mem_limit ?? 0,
        alarm: memAlarm,
        bytesPerSec: null,
        alarmInSec: null,
      },
      diskAlarm,
      alarms,
      connections,
      channels,
      channelsPerConnection: connections > 0 ? channels / connections : 0,
      channelsCreatedPerSec: hasChurn ? (globalRates.get('created') ?? 0) : null,
      channelsClosedPerSec: hasChurn ? (globalRates.get('closed') ?? 0) : null,
      leak: { suspected: false, why: '' },
      nearChannelMax: nearChannelMax(s.connections, this.nearChannelMaxShare),
      ...blockedConnections(s.connections),
      queues: {
        count: overview.object_totals.queues ?? s.queues.length,
        messages: overview.queue_totals?.messages ?? sumOf(s.queues.map((q) => q.messages)) ?? 0,
        deepest: queues,
      },
      publishRate: globalRates.get('publish') ?? 0,
      deliverRate: globalRates.get('deliver') ?? 0,
      fd: fdNode ? { used: fdNode.fd_used!, total: fdNode.fd_total! } : null,
      warnings: [],
    };
    return { rates, broker: this.detector.assess(health, connectionChannels(s.connections)), problems };
  }

  /** Per-tenant rates from the rules: every matching object's counter rate, summed per tenant. */
  private tenantRates(s: ManagementSnapshot, refreshMs: number, problems: string[]): Map<string, number> {
    if (!this.rules.configured) return new Map();
    const readings = new Map<string, CounterReading>();
    const matches = new Map<string, { rule: number; tenant: string } | null>();
    const add = (
      key: string,
      stats: QueueInfo['message_stats'],
      names: Partial<Record<TenantRuleSource, string | null>>,
    ) => {
      const match = this.rules.match(names);
      if (!match) return;
      readings.set(key, reading(stats?.publish, stats?.publish_details?.rate));
      matches.set(key, match);
    };
    if (this.rules.needs('queue'))
      for (const q of s.queues)
        add(`q\u0000${q.vhost ?? '/'}\u0000${q.name}`, q.message_stats, { queue: q.name });
    if (this.rules.needs('vhost') && s.vhosts)
      for (const v of s.vhosts) add(`v\u0000${v.name}`, v.message_stats, { vhost: v.name });
    if ((this.rules.needs('user') || this.rules.needs('connection')) && s.channels) {
      const labels = new Map(s.connections.map((c) => [c.name, connectionLabel(c)]));
      for (const ch of s.channels) {
        const connection = ch.connection_details?.name;
        add(`c\u0000${ch.name}`, ch.message_stats, {
          user: ch.user,
          connection: connection ? (labels.get(connection) ?? connection) : null,
        });
      }
    }
    const objectRates = this.objects.update(s.t, readings, refreshMs);
    const rates = this.rules.sum(
      [...matches].map(([key, match]) => ({ match, rate: objectRates.get(key) ?? 0 })),
    );
    if (matches.size === 0) problems.push('the tenant rules match no queue, vhost, user or connection');
    return rates;
  }
}

function reading(value: number | null | undefined, hint: number | null | undefined): CounterReading {
  return { value: value ?? undefined, hint: hint ?? undefined };
}

function sumOf(values: readonly (number | null | undefined)[]): number | undefined {
  let sum = 0;
  let any = false;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      sum += v;
      any = true;
    }
  }
  return any ? sum : undefined;
}

function fullestNode(nodes: readonly NodeInfo[]): NodeInfo | undefined {
  let best: NodeInfo | undefined;
  let bestShare = -1;
  for (const node of nodes) {
    if (node.mem_used == null || !node.mem_limit) continue;
    const share = node.mem_used / node.mem_limit;
    if (share > bestShare) {
      best = node;
      bestShare = share;
    }
  }
  return best;
}

/** "memory alarm on rabbit@host", from the alarms check or, without it, from the nodes' flags. */
function alarmList(s: ManagementSnapshot): string[] {
  if (s.alarms) {
    if (s.alarms.status === 'ok') return [];
    const listed = (s.alarms.alarms ?? []).map(
      (a) => `${resourceName(a.resource)} alarm on ${a.node ?? 'a node'}`,
    );
    return listed.length > 0 ? listed : [s.alarms.reason ?? 'alarms in effect'];
  }
  const out: string[] = [];
  for (const n of s.nodes) {
    if (n.mem_alarm) out.push(`memory alarm on ${n.name}`);
    if (n.disk_free_alarm) out.push(`disk alarm on ${n.name}`);
  }
  return out;
}

function resourceName(resource: string | null | undefined): string {
  if (resource === 'disk' || resource === 'disk_free') return 'disk';
  return resource ?? 'resource';
}

function nearChannelMax(
  connections: readonly ConnectionInfo[],
  share: number,
): BrokerHealth['nearChannelMax'] {
  const out: BrokerHealth['nearChannelMax'] = [];
  for (const c of connections) {
    const max = c.channel_max ?? 0;
    const channels = c.channels ?? 0;
    if (max > 0 && channels >= share * max) out.push({ connection: connectionLabel(c), channels, max });
  }
  return out.sort((a, b) => b.channels / b.max - a.channels / a.max);
}

/** Each listed connection's channel count, for the per-connection leak rule. */
function connectionChannels(connections: readonly ConnectionInfo[]): ConnectionChannels[] {
  const out: ConnectionChannels[] = [];
  for (const c of connections)
    if (typeof c.channels === 'number')
      out.push({ name: c.name, label: connectionLabel(c), channels: c.channels });
  return out;
}

/**
 * The blocked and blocking connections, blocked (stalled publishers) first, at most
 * BLOCKED_LIST_LIMIT of them, with the totals: during an alarm the source reads up to 10,000
 * connections, and every one of them would otherwise travel to the renderer on every tick.
 */
function blockedConnections(
  connections: readonly ConnectionInfo[],
): Pick<BrokerHealth, 'blocked' | 'blockedConnectionsTotal' | 'blockingConnectionsTotal'> {
  const blocked: BrokerHealth['blocked'] = [];
  const blocking: BrokerHealth['blocked'] = [];
  let blockedTotal = 0;
  let blockingTotal = 0;
  for (const c of connections) {
    if (c.state === 'blocked') {
      if (++blockedTotal <= BLOCKED_LIST_LIMIT) blocked.push(blockedEntry(c, 'blocked'));
    } else if (c.state === 'blocking') {
      if (++blockingTotal <= BLOCKED_LIST_LIMIT) blocking.push(blockedEntry(c, 'blocking'));
    }
  }
  return {
    blocked: [...blocked, ...blocking].slice(0, BLOCKED_LIST_LIMIT),
    blockedConnectionsTotal: blockedTotal + blockingTotal,
    blockingConnectionsTotal: blockingTotal,
  };
}

function blockedEntry(c: ConnectionInfo, state: 'blocked' | 'blocking'): BrokerHealth['blocked'][number] {
  return { name: connectionLabel(c), user: c.user ?? '', state };
}
