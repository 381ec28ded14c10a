/**
 * Per-tenant rates from the broker alone exist only where the topology encodes the tenant: per-tenant
 * queues, vhosts, users or connection names. A rule names where to look and a regular expression
 * whose named group `tenant` (or else first capture group) is the tenant id:
 *
 *   { from: 'queue', pattern: '^q\\.tenant\\.(?<tenant>[^.]+)$' }   // q.tenant.acme      → acme
 *   { from: 'vhost', pattern: '^tenant-(.+)$' }                      // vhost tenant-acme  → acme
 *   { from: 'user', pattern: '^svc-(.+)$' }                          // channels of svc-acme
 *   { from: 'connection', pattern: 'tenant=([\\w.-]+)' }             // "publisher/tenant=acme"
 *
 * Queue rates count messages routed into the matching queues (a message routed to two queues of one
 * tenant counts twice); vhost rates count messages published into the vhost; user and connection
 * rates sum the publish counters of the channels of that user / of connections with that client name.
 *
 * When several rules find the same tenant, its rate comes from the first rule (in the given order)
 * that matched anything for it — a message published in vhost tenant-acme and routed to queue
 * q.tenant.acme is counted once, not twice.
 */
import { tenantIdSchema } from '../../api';
import { tenantPatternProblem } from './tenant-pattern';

export type TenantRuleSource = 'queue' | 'vhost' | 'user' | 'connection';

export interface TenantRule {
  from: TenantRuleSource;
  /** a regular expression with a capture group, or a named group `tenant` */
  pattern: string;
}

interface CompiledRule {
  index: number;
  from: TenantRuleSource;
  pattern: string;
  regex: RegExp;
}

/** Names are looked up once: thousands of queues per tick, the same names tick after tick. */
const CACHE_LIMIT = 50_000;

export class TenantRules {
  private readonly rules: CompiledRule[];
  private readonly cache = new Map<string, { rule: number; tenant: string } | null>();

  constructor(rules: readonly TenantRule[] = []) {
    this.rules = rules.map((rule, index) => compile(rule, index));
  }

  get configured(): boolean {
    return this.rules.length > 0;
  }

  /** Which lists the rules need read each tick. */
  needs(from: TenantRuleSource): boolean {
    return this.rules.some((r) => r.from === from);
  }

  /** The rules as given, for messages. */
  describe(from: TenantRuleSource): string[] {
    return this.rules.filter((r) => r.from === from).map((r) => r.pattern);
  }

  /**
   * The tenant an object belongs to, and which rule said so. `kinds` are the rule kinds that apply
   * to this object (a channel is matched by both user and connection rules, each on its own name).
   */
  match(
    names: Partial<Record<TenantRuleSource, string | null | undefined>>,
  ): { rule: number; tenant: string } | null {
    for (const rule of this.rules) {
      const name = names[rule.from];
      if (name === undefined || name === null) continue;
      const found = this.lookup(rule, name);
      if (found) return found;
    }
    return null;
  }

  /**
   * Sum object rates into tenant rates. A tenant's rate comes from the first rule that matched
   * anything for it; other rules' objects for that tenant are not added (no double counting).
   */
  sum(
    objects: Iterable<{ match: { rule: number; tenant: string } | null; rate: number }>,
  ): Map<string, number> {
    const best = new Map<string, { rule: number; rate: number }>();
    for (const { match, rate } of objects) {
      if (!match) continue;
      const current = best.get(match.tenant);
      if (!current || match.rule < current.rule) best.set(match.tenant, { rule: match.rule, rate });
      else if (match.rule === current.rule) current.rate += rate;
    }
    const rates = new Map<string, number>();
    for (const [tenant, { rate }] of best) rates.set(tenant, rate);
    return rates;
  }

  private lookup(rule: CompiledRule, name: string): { rule: number; tenant: string } | null {
    const key = `${rule.index}\u0000${name}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const m = rule.regex.exec(name);
    const raw = m ? (m.groups?.tenant ?? m.slice(1).find((g) => g !== undefined)) : undefined;
    const found =
      raw !== undefined && tenantIdSchema.safeParse(raw).success ? { rule: rule.index, tenant: raw } : null;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }
}

function compile(rule: TenantRule, index: number): CompiledRule {
  const where = `tenant rule ${index + 1} (${rule.from} ${JSON.stringify(rule.pattern)})`;
  if (!['queue', 'vhost', 'user', 'connection'].includes(rule.from))
    throw new Error(`${where}: "from" must be queue, vhost, user or connection`);
  const problem = tenantPatternProblem(rule.pattern);
  if (problem) throw new Error(`${where}: ${problem}`);
  return { index, from: rule.from, pattern: rule.pattern, regex: new RegExp(rule.pattern) };
}
