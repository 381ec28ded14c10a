/**
 * RabbitMQ through its management API: broker health every tick, and per-tenant rates where the
 * topology encodes tenants (see tenant-rules.ts).
 *
 * Each tick costs few, small requests (`columns=` keeps answers to the fields read; lists are paged):
 *   phase 1, in parallel: /api/overview, /api/nodes, /api/health/checks/alarms (503 = alarms, data)
 *   phase 2, in parallel:
 *     /api/connections — one page of the 100 with the most channels (channel_max, and each one's
 *                        channel count for the per-connection leak rule: a leaking connection soon
 *                        ranks among them), or every page (500 each) while an alarm is on
 *                        (blocked/blocking) or for connection rules
 *     /api/queues      — one page of the 5 deepest, or every page for queue rules
 *     /api/channels    — every page, only for user/connection rules
 *     /api/vhosts      — only for vhost rules
 * so 5 requests per tick without rules, whatever the size of the broker.
 */
import type { z } from 'zod';
import type { BrokerHealthDetectorOptions } from '../../traffic/broker-health/broker-health-detector';
import { HttpSource } from '../http-source';
import type { MetricsSample } from '../metrics-source';
import { formatDuration, type HttpAnswer, httpGet, parseJson, SourceError } from '../source-health';
import { BrokerMetrics, type ManagementSnapshot } from './broker-metrics';
import {
  type AlarmsAnswer,
  alarmsSchema,
  channelSchema,
  connectionSchema,
  listAnswer,
  nodesSchema,
  overviewSchema,
  queueSchema,
  vhostSchema,
} from './management-schemas';
import { type TenantRule, TenantRules } from './tenant-rules';

export interface RabbitMqSourceOptions {
  id?: string;
  label?: string;
  /** the management API base, e.g. http://127.0.0.1:15672 (credentials in the URL are used when no username is given) */
  url: string;
  username?: string;
  password?: string;
  /** restrict the object lists (queues, connections, channels, vhosts) to one vhost; broker-wide figures stay broker-wide */
  vhost?: string;
  tenantRules?: TenantRule[];
  /** per request (default 2 s) */
  timeoutMs?: number;
  /** an answer slower than this makes the source degraded (default half the timeout) */
  slowMs?: number;
  /** list page size (default 500, the API's maximum) and how many pages at most per list (default 20) */
  pageSize?: number;
  maxPages?: number;
  detector?: BrokerHealthDetectorOptions;
  clock?: () => number;
  random?: () => number;
}

const SERVICE = 'management API';
const WHAT = 'the RabbitMQ management API';
const TOP_CONNECTIONS = 100;
const CONNECTION_COLUMNS = 'name,user,vhost,state,channels,channel_max,user_provided_name';

export class RabbitMqSource extends HttpSource {
  readonly provides: { tenantRates: boolean; broker: boolean };
  private readonly base: URL;
  private readonly authorization: string;
  private readonly username: string;
  private readonly rules: TenantRules;
  private readonly metrics: BrokerMetrics;

  constructor(private readonly options: RabbitMqSourceOptions) {
    const url = new URL(options.url);
    super({
      ...options,
      id: options.id ?? 'rabbitmq',
      kind: 'rabbitmq',
      label: options.label ?? `RabbitMQ ${url.host}`,
    });
    this.username = options.username ?? (decodeURIComponent(url.username) || 'guest');
    const password = options.password ?? (url.password ? decodeURIComponent(url.password) : 'guest');
    url.username = '';
    url.password = '';
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.authorization = `Basic ${Buffer.from(`${this.username}:${password}`).toString('base64')}`;
    this.rules = new TenantRules(options.tenantRules ?? []);
    this.provides = { tenantRates: this.rules.configured, broker: true };
    this.metrics = new BrokerMetrics({
      sourceId: this.id,
      label: this.label,
      rules: this.rules,
      detector: options.detector,
    });
  }

  tuneBrokerDetector(options: BrokerHealthDetectorOptions): void {
    this.metrics.tuneDetector(options);
  }

  protected async read(now: number): Promise<MetricsSample> {
    let answers: HttpAnswer[] = [];
    try {
      const timed = <T>(p: Promise<{ value: T; answers: HttpAnswer[] }>) =>
        p.then((r) => {
          answers = answers.concat(r.answers);
          return r.value;
        });
      const vhost = this.options.vhost;
      const [overview, nodes, alarms] = await Promise.all([
        timed(
          this.getJson(
            'api/overview?columns=rabbitmq_version,management_version,rates_mode,disable_stats,message_stats,object_totals,queue_totals.messages,churn_rates',
            overviewSchema,
          ),
        ),
        timed(
          this.getJson(
            'api/nodes?columns=name,running,mem_used,mem_limit,mem_alarm,disk_free_alarm,fd_used,fd_total,proc_used,channel_created,channel_closed',
            nodesSchema,
          ),
        ),
        timed(this.alarms()),
      ]);
      const alarmOn =
        nodes.some((n) => n.mem_alarm || n.disk_free_alarm) || (alarms !== null && alarms.status !== 'ok');
      const problems: string[] = [];
      const allConnections = alarmOn || this.rules.needs('connection');
      const needChannels = this.rules.needs('user') || this.rules.needs('connection');
      const [connections, queues, channels, vhosts] = await Promise.all([
        timed(
          this.list(
            vhost ? `api/vhosts/${enc(vhost)}/connections` : 'api/connections',
            CONNECTION_COLUMNS,
            connectionSchema,
            allConnections ? null : { size: TOP_CONNECTIONS, sort: 'channels' },
            'connections',
            problems,
          ),
        ),
        timed(
          this.list(
            vhost ? `api/queues/${enc(vhost)}` : 'api/queues',
            this.rules.needs('queue')
              ? 'name,vhost,messages,message_stats.publish,message_stats.publish_details'
              : 'name,vhost,messages',
            queueSchema,
            this.rules.needs('queue') ? null : { size: 5, sort: 'messages' },
            'queues',
            problems,
          ),
        ),
        needChannels
          ? timed(
              this.list(
                vhost ? `api/vhosts/${enc(vhost)}/channels` : 'api/channels',
                'name,user,vhost,connection_details.name,message_stats.publish,message_stats.publish_details',
                channelSchema,
                null,
                'channels',
                problems,
              ),
            )
          : null,
        this.rules.needs('vhost') ? timed(this.vhosts()) : null,
      ]);
      const snapshot: ManagementSnapshot = {
        t: now,
        overview,
        nodes,
        alarms,
        connections,
        queues,
        channels,
        vhosts,
      };
      const result = this.metrics.ingest(snapshot);
      const slowest = Math.max(0, ...answers.map((a) => a.ms));
      const slowMs = this.options.slowMs ?? this.timeoutMs / 2;
      if (slowest > slowMs) problems.unshift(`slow: the ${SERVICE} took ${formatDuration(slowest)}`);
      this.health.ok(now, [...problems, ...result.problems]);
      return { t: now, rates: result.rates, broker: result.broker };
    } catch (error) {
      throw this.health.fail(now, error);
    }
  }

  private async get(path: string, accept?: number[]): Promise<HttpAnswer> {
    return httpGet(new URL(path, this.base), {
      timeoutMs: this.timeoutMs,
      service: SERVICE,
      headers: { authorization: this.authorization },
      accept,
      clock: this.options.clock,
      hints: {
        401: 'check the username/password',
        403: `user ${this.username} may not read /${path.split('?')[0]} (it needs the "monitoring" tag)`,
        404: `no /${path.split('?')[0]} at ${this.base.origin}${this.base.pathname}: is this the management plugin's base URL?`,
      },
    });
  }

  private async getJson<T extends z.ZodType>(
    path: string,
    schema: T,
  ): Promise<{ value: z.output<T>; answers: HttpAnswer[] }> {
    const answer = await this.get(path);
    return { value: parseJson(answer, schema, WHAT), answers: [answer] };
  }

  /** The alarms check; its 503 lists the alarms. Unavailable (old broker) → null, read from the nodes. */
  private async alarms(): Promise<{ value: AlarmsAnswer | null; answers: HttpAnswer[] }> {
    try {
      const answer = await this.get('api/health/checks/alarms', [503]);
      return { value: parseJson(answer, alarmsSchema, WHAT), answers: [answer] };
    } catch (error) {
      if (error instanceof SourceError && / 40[34]\b/.test(error.message))
        return { value: null, answers: [] };
      throw error;
    }
  }

  private async vhosts(): Promise<{ value: z.output<typeof vhostSchema>[]; answers: HttpAnswer[] }> {
    const vhost = this.options.vhost;
    const columns = 'columns=name,message_stats.publish,message_stats.publish_details';
    if (vhost) {
      const one = await this.getJson(`api/vhosts/${enc(vhost)}?${columns}`, vhostSchema);
      return { value: [one.value], answers: one.answers };
    }
    return this.getJson(
      `api/vhosts?${columns}`,
      listAnswer(vhostSchema).transform((l) => l.items),
    );
  }

  /**
   * A list: one sorted page (`top`), or every page (sorted by name so pages do not shift), at most
   * `maxPages`; a list that shrank under us ends early (page out of range) rather than failing.
   */
  private async list<T extends z.ZodType>(
    path: string,
    columns: string,
    item: T,
    top: { size: number; sort: string } | null,
    noun: string,
    problems: string[],
  ): Promise<{ value: z.output<T>[]; answers: HttpAnswer[] }> {
    const schema = listAnswer(item);
    if (top) {
      const answer = await this.get(
        `${path}?page=1&page_size=${top.size}&sort=${top.sort}&sort_reverse=true&columns=${columns}`,
      );
      return { value: parseJson(answer, schema, WHAT).items, answers: [answer] };
    }
    const size = Math.min(500, Math.max(1, this.options.pageSize ?? 500));
    const maxPages = Math.max(1, this.options.maxPages ?? 20);
    const page = async (n: number) => {
      const answer = await this.get(
        `${path}?page=${n}&page_size=${size}&sort=name&columns=${columns}`,
        [400],
      );
      if (answer.status === 400) {
        if (n > 1 && answer.body.includes('page_out_of_range'))
          return { items: [], pageCount: n - 1, total: 0, answer };
        throw new SourceError(`${SERVICE} answered 400 for /${path}: ${answer.body.slice(0, 120)}`);
      }
      return { ...parseJson(answer, schema, WHAT), answer };
    };
    const first = await page(1);
    const answers = [first.answer];
    const items: z.output<T>[] = [...first.items];
    const pages = Math.min(first.pageCount, maxPages);
    // The rest a few at a time: enough to be quick, not enough to swamp the broker.
    for (let n = 2; n <= pages; n += 3) {
      const batch = await Promise.all([n, n + 1, n + 2].filter((k) => k <= pages).map((k) => page(k)));
      for (const p of batch) {
        items.push(...p.items);
        answers.push(p.answer);
      }
    }
    if (first.pageCount > maxPages)
      problems.push(
        `read the first ${(maxPages * size).toLocaleString('en-US')} of ${first.total.toLocaleString('en-US')} ${noun}`,
      );
    return { value: items, answers };
  }
}

const enc = (vhost: string) => encodeURIComponent(vhost);
