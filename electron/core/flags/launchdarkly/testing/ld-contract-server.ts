/**
 * CONTRACT SERVER — stands in for LaunchDarkly's REST API v2; it is NOT the real service.
 *
 * LaunchDarkly is a SaaS these machines cannot reach, so the provider is tested against this in-memory
 * server, built from LaunchDarkly's documented API (shared/reference/README.md and launchdarkly.com/docs/api):
 * the same paths, headers, bodies, status codes and error shapes, as far as the documentation states
 * them. Where it does not (the exact wording of error messages, the body of a 405), the shapes here are
 * assumptions and are marked so. Passing against this server proves the provider honours the documented
 * contract; it does not prove LaunchDarkly behaves exactly so.
 *
 * What it implements:
 * - auth `Authorization: <token>` (no "Bearer": 401), `LD-API-Version: 20240415` (else 400), per-token
 *   member and role (a reader token gets 403 on writes);
 * - projects → environments → flags with `variations[{_id,value,name}]`, `_version`, and per environment
 *   `{on, version, targets, contextTargets, rules, fallthrough, offVariation, prerequisites, salt}`;
 * - GET /api/v2/flags/{proj}?env=&summary=0&limit=&offset= (limit ≤ 100, `totalCount`, `_links.next`;
 *   without summary=0 the targeting is left out, as LaunchDarkly does), GET /api/v2/flags/{proj}/{flag};
 * - PATCH /api/v2/flags/{proj}/{flag} as a semantic patch only (Content-Type must carry
 *   `domain-model=launchdarkly.semanticpatch`, else 400), atomic: turnFlagOn, turnFlagOff, addTargets
 *   (400 when the key is in another variation's targets of that kind), removeTargets (no-op if absent);
 *   while a conflicting change is pending on the flag (`addPendingChange`) a write is refused with 400
 *   and the conflicts listed, unless it carries `?ignoreConflicts=true` (documented); the comment lands
 *   in the audit log;
 * - GET/PATCH /api/v2/flags/{proj}/{flag}/expiring-targets/{env} (add/update/removeExpiringTarget;
 *   the context must already be targeted; failures come back as `errors[]` in a 200), applied by the
 *   server's own clock (`advanceClock`);
 * - GET /api/v2/projects/{p}/environments/{e} (the Environment representation, with fake SDK and mobile
 *   keys; 404 for an unknown project or environment) and GET /api/v2/projects/{p}/environments (first
 *   page: `items`, `totalCount`, `_links`; `limit` ≤ 100, default 20, and `offset`);
 * - POST /api/v2/projects/{p}/environments/{e}/flags/evaluate with a context `{kind, key, ...}`: every
 *   flag with `_value` and `reason` (its own evaluator: targets, rules with the common clause ops,
 *   segments never match, percentage rollouts bucketed like LaunchDarkly's SDKs, prerequisites);
 * - POST /api/v2/projects/{p}/flags/{f}/environments/{e}/approval-requests;
 * - GET /api/v2/auditlog?spec=proj/{p}:env/{e}:flag/{f}&limit≤20&before= (newest first, `_links.next`).
 *
 * Hooks for tests: `failNext` (any status/headers/body for the next N matching requests: 429 with
 * `Retry-After` or `X-Ratelimit-Reset`, 409 optimistic_locking_error, 403, …; or no answer at all,
 * optionally after carrying the request out), `requireApprovals`
 * (405 on flag writes in an environment), `addPendingChange` (400 with conflicts), `beforeNextWrite` (an edit
 * by someone else between the provider's read and its write), `editAsSomeoneElse`, `advanceClock`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CONTRACT_API_VERSION = '20240415';

export interface CsVariation {
  _id: string;
  value: unknown;
  name?: string;
}
export interface CsTarget {
  contextKind: string;
  values: string[];
  variation: number;
}
export interface CsClause {
  _id: string;
  contextKind?: string;
  attribute: string;
  op: string;
  values: unknown[];
  negate: boolean;
}
export interface CsRollout {
  variations: { variation: number; weight: number }[];
  bucketBy?: string;
  contextKind?: string;
}
export interface CsRule {
  _id: string;
  description?: string;
  variation?: number;
  rollout?: CsRollout;
  clauses: CsClause[];
}
export interface CsEnvironmentConfig {
  on: boolean;
  version: number;
  targets: CsTarget[];
  contextTargets: CsTarget[];
  rules: CsRule[];
  fallthrough: { variation?: number; rollout?: CsRollout };
  offVariation?: number;
  prerequisites: { key: string; variation: number }[];
  salt: string;
  lastModified: number;
}
export interface CsFlag {
  key: string;
  name: string;
  description: string;
  kind: 'boolean' | 'multivariate';
  tags: string[];
  temporary: boolean;
  variations: CsVariation[];
  _version: number;
  creationDate: number;
  environments: Record<string, CsEnvironmentConfig>;
}

export interface CsMember {
  _id: string;
  email: string;
  firstName?: string;
  lastName?: string;
}
export interface CsToken {
  name: string;
  role: 'writer' | 'reader';
  member: CsMember;
}

export interface EnvironmentSeed {
  on?: boolean;
  /** a variation index, or a percentage rollout */
  fallthrough?: number | { rollout: CsRollout };
  offVariation?: number;
  targets?: { values: string[]; variation: number }[];
  contextTargets?: CsTarget[];
  rules?: {
    variation?: number;
    rollout?: CsRollout;
    description?: string;
    clauses: (Omit<CsClause, '_id' | 'negate'> & { negate?: boolean })[];
  }[];
  prerequisites?: { key: string; variation: number }[];
}
export interface FlagSeed {
  key: string;
  name?: string;
  description?: string;
  tags?: string[];
  temporary?: boolean;
  variations: { value: unknown; name?: string }[];
  /** environments not listed get `{on: false}` with the same variations */
  environments?: Record<string, EnvironmentSeed>;
}

export interface CsAuditEntry {
  _id: string;
  _accountId: string;
  date: number;
  accesses: { action: string; resource: string }[];
  kind: string;
  name: string;
  description: string;
  shortDescription: string;
  comment?: string;
  member?: CsMember & { _links: Record<string, unknown> };
  titleVerb: string;
  title: string;
  target: { name: string; resources: string[] };
}

export interface CsApprovalRequest {
  _id: string;
  _version: number;
  creationDate: number;
  serviceKind: 'launchdarkly';
  requestorId: string;
  description: string;
  reviewStatus: 'pending';
  allReviews: unknown[];
  notifyMemberIds: string[];
  status: 'pending';
  instructions: unknown[];
  conflicts: unknown[];
  comment?: string;
  project: string;
  flagKey: string;
  environment: string;
  _links: Record<string, unknown>;
}

export interface CsExpiringTarget {
  _id: string;
  _version: number;
  expirationDate: number;
  contextKind: string;
  contextKey: string;
  variationId: string;
  _resourceId: { projectKey: string; environmentKey: string; flagKey: string };
}

export interface Fault {
  /** ignored with `hang` */
  status: number;
  /** never answer (the client's timeout is what ends the request) */
  hang?: boolean;
  /** carry the request out first, then answer with the fault (or hang): an answer lost on its way back */
  applied?: boolean;
  headers?: Record<string, string>;
  body?: unknown;
  match?: { method?: string; path?: string | RegExp };
}

/**
 * A change pending on a flag (a scheduled change, an open approval request) that later writes conflict
 * with. `instruction` and `reason` are LaunchDarkly's documented `Conflict` fields.
 */
export interface CsPendingChange {
  kind: 'scheduled-change' | 'approval-request';
  instruction: Record<string, unknown>;
  reason: string;
}

export interface RecordedRequest {
  method: string;
  /** path and query */
  url: string;
  contentType: string | null;
}

export interface ContractServerOptions {
  /** token → who it is; default one writer (`contract-writer-token`) and one reader (`contract-reader-token`) */
  tokens?: Record<string, CsToken>;
  /** project key → environment keys; default `default` → production, staging */
  projects?: Record<string, string[]>;
  /** the server's clock start (epoch ms); default Date.now() */
  startAt?: number;
  /** the port on 127.0.0.1; default 0 (a free one) */
  port?: number;
}

export const WRITER_TOKEN = 'contract-writer-token';
export const READER_TOKEN = 'contract-reader-token';

const SOMEONE_ELSE: CsMember = {
  _id: 'm-alex',
  email: 'alex@example.com',
  firstName: 'Alex',
  lastName: 'Other',
};

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** LaunchDarkly's `Conflict` items, for a 400 over pending changes */
    readonly conflicts?: unknown[],
  ) {
    super(message);
  }
}

export class LdContractServer {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly approvalRequests: CsApprovalRequest[] = [];
  private readonly server: Server;
  private readonly tokens: Record<string, CsToken>;
  private readonly projects = new Map<string, { environments: string[]; flags: Map<string, CsFlag> }>();
  private readonly auditEntries: CsAuditEntry[] = [];
  private readonly expiring = new Map<string, CsExpiringTarget>();
  private readonly faults: (Fault & { remaining: number })[] = [];
  private readonly approvalEnvironments = new Set<string>();
  private readonly pendingChanges = new Map<string, CsPendingChange[]>();
  private writeHooks: (() => void)[] = [];
  private clockAt: number;
  private lastAuditDate = 0;
  private readonly port: number;

  constructor(options: ContractServerOptions = {}) {
    this.tokens = options.tokens ?? {
      [WRITER_TOKEN]: {
        name: 'switchboard',
        role: 'writer',
        member: { _id: 'm-ops', email: 'ops-bot@example.com', firstName: 'Ops', lastName: 'Bot' },
      },
      [READER_TOKEN]: {
        name: 'read-only',
        role: 'reader',
        member: { _id: 'm-viewer', email: 'viewer@example.com', firstName: 'Viewer' },
      },
    };
    for (const [project, environments] of Object.entries(
      options.projects ?? { default: ['production', 'staging'] },
    )) {
      this.projects.set(project, { environments, flags: new Map() });
    }
    this.clockAt = options.startAt ?? Date.now();
    this.port = options.port ?? 0;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── Seeding and inspection ───────────────────────────────────────────────────────────────────────

  now(): number {
    return this.clockAt;
  }

  /** Move the server's clock; expired targets are removed at the next request (or `applyExpiries`). */
  advanceClock(ms: number): void {
    this.clockAt += ms;
  }

  addFlag(project: string, seed: FlagSeed): CsFlag {
    const store = this.project(project);
    const variations = seed.variations.map((v) => ({
      _id: randomUUID(),
      value: v.value,
      ...(v.name ? { name: v.name } : {}),
    }));
    const environments: Record<string, CsEnvironmentConfig> = {};
    for (const env of store.environments) environments[env] = this.envConfig(seed.environments?.[env] ?? {});
    const flag: CsFlag = {
      key: seed.key,
      name: seed.name ?? seed.key,
      description: seed.description ?? '',
      kind:
        variations.length === 2 && variations.every((v) => typeof v.value === 'boolean')
          ? 'boolean'
          : 'multivariate',
      tags: seed.tags ?? [],
      temporary: seed.temporary ?? false,
      variations,
      _version: 1,
      creationDate: this.now(),
      environments,
    };
    store.flags.set(flag.key, flag);
    return structuredClone(flag);
  }

  flag(project: string, key: string): CsFlag {
    const flag = this.project(project).flags.get(key);
    if (!flag) throw new Error(`contract server: no flag ${project}/${key}`);
    return structuredClone(flag);
  }

  /** The audit log, newest first. */
  audit(): CsAuditEntry[] {
    return structuredClone([...this.auditEntries].reverse());
  }

  expiringTargets(): CsExpiringTarget[] {
    return structuredClone([...this.expiring.values()]);
  }

  /** A change made by another LaunchDarkly member (UI, script): versions move, the audit log says who. */
  editAsSomeoneElse(
    project: string,
    key: string,
    env: string,
    mutate: (config: CsEnvironmentConfig, flag: CsFlag) => void,
    comment = 'changed in the LaunchDarkly UI',
  ): void {
    const flag = this.project(project).flags.get(key);
    if (!flag?.environments[env]) throw new Error(`contract server: no flag ${project}/${key} in ${env}`);
    mutate(flag.environments[env]!, flag);
    this.bump(flag, env);
    this.record(project, env, flag, 'updateTargets', SOMEONE_ELSE, comment, ['- changed by someone else']);
  }

  // ── Fault injection ──────────────────────────────────────────────────────────────────────────────

  /** The next `count` requests matching `fault.match` get this answer instead (after auth). */
  failNext(count: number, fault: Fault): void {
    this.faults.push({ ...fault, remaining: count });
  }

  /** 429 with `Retry-After: <seconds>` for the next `count` requests. */
  rateLimitNext(
    count: number,
    wait: { retryAfterSec: number } | { resetAt: number },
    match?: Fault['match'],
  ): void {
    const headers: Record<string, string> =
      'retryAfterSec' in wait
        ? { 'Retry-After': String(wait.retryAfterSec) }
        : { 'X-Ratelimit-Reset': String(wait.resetAt) };
    this.failNext(count, {
      status: 429,
      headers,
      body: { code: 'rate_limited', message: "You've exceeded the API rate limit. Try again later." },
      match,
    });
  }

  /** 409 optimistic_locking_error for the next `count` flag writes. */
  optimisticLockNext(count: number): void {
    this.failNext(count, {
      status: 409,
      body: {
        code: 'optimistic_locking_error',
        message: 'Conflict: the resource was modified by another request',
      },
      match: { method: 'PATCH' },
    });
  }

  /** Flag writes in this environment answer 405 (approval required) until switched off. */
  requireApprovals(env: string, required = true): void {
    if (required) this.approvalEnvironments.add(env);
    else this.approvalEnvironments.delete(env);
  }

  /**
   * A pending scheduled change / approval request on the flag: every flag write in `env` without
   * `ignoreConflicts=true` gets 400 listing it (default: a scheduled turnFlagOff).
   */
  addPendingChange(project: string, key: string, env: string, pending: Partial<CsPendingChange> = {}): void {
    const kind = pending.kind ?? 'scheduled-change';
    const instruction = pending.instruction ?? { kind: 'turnFlagOff' };
    const change: CsPendingChange = {
      kind,
      instruction,
      reason:
        pending.reason ??
        `${kind === 'scheduled-change' ? 'A scheduled change' : 'An approval request'} (${String(instruction.kind)}) would no longer apply as reviewed`,
    };
    const id = `${project}|${key}|${env}`;
    this.pendingChanges.set(id, [...(this.pendingChanges.get(id) ?? []), change]);
  }

  /** Runs once, when the next flag PATCH arrives and before it is applied: someone else's edit in between. */
  beforeNextWrite(hook: () => void): void {
    this.writeHooks.push(hook);
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://contract');
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      url: `${url.pathname}${url.search}`,
      contentType: req.headers['content-type'] ?? null,
    });
    try {
      this.applyExpiries();
      const token = this.authenticate(req);
      if (req.headers['ld-api-version'] !== CONTRACT_API_VERSION) {
        throw new HttpError(
          400,
          'invalid_request',
          `LD-API-Version must be ${CONTRACT_API_VERSION} on this contract server`,
        );
      }
      const fault = this.faults.find((f) => f.remaining > 0 && matches(f.match, method, url.pathname));
      if (fault) {
        fault.remaining--;
        if (fault.applied) this.route(method, url, raw, req, token);
        if (fault.hang) return;
        send(res, fault.status, fault.body ?? { code: 'fault', message: 'injected fault' }, fault.headers);
        return;
      }
      const [status, body] = this.route(method, url, raw, req, token);
      send(res, status, body);
    } catch (error) {
      if (error instanceof HttpError) {
        const conflicts = error.conflicts ? { conflicts: error.conflicts } : {};
        send(res, error.status, { code: error.code, message: error.message, ...conflicts });
      } else
        send(res, 500, { code: 'internal', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private authenticate(req: IncomingMessage): CsToken {
    const header = req.headers.authorization ?? '';
    const token = this.tokens[header];
    if (!token) throw new HttpError(401, 'unauthorized', 'Invalid access token');
    return token;
  }

  private route(
    method: string,
    url: URL,
    raw: string,
    req: IncomingMessage,
    token: CsToken,
  ): [number, unknown] {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v2') throw new HttpError(404, 'not_found', 'Not found');
    const rest = parts.slice(2);
    const q = url.searchParams;
    if (rest[0] === 'flags' && rest.length === 2 && method === 'GET')
      return [200, this.listFlags(rest[1]!, q)];
    if (rest[0] === 'flags' && rest.length === 3 && method === 'GET')
      return [200, this.getFlag(rest[1]!, rest[2]!, q)];
    if (rest[0] === 'flags' && rest.length === 3 && method === 'PATCH') {
      this.mustWrite(token);
      return [200, this.patchFlag(rest[1]!, rest[2]!, q, raw, req, token)];
    }
    if (rest[0] === 'flags' && rest.length === 5 && rest[3] === 'expiring-targets') {
      if (method === 'GET') return [200, this.getExpiring(rest[1]!, rest[2]!, rest[4]!)];
      if (method === 'PATCH') {
        this.mustWrite(token);
        return [200, this.patchExpiring(rest[1]!, rest[2]!, rest[4]!, raw, req, token)];
      }
    }
    if (rest[0] === 'projects' && rest[2] === 'environments' && method === 'GET') {
      if (rest.length === 3) return [200, this.listEnvironments(rest[1]!, q)];
      if (rest.length === 4) return [200, this.getEnvironment(rest[1]!, rest[3]!)];
    }
    if (
      rest[0] === 'projects' &&
      rest[2] === 'environments' &&
      rest[4] === 'flags' &&
      rest[5] === 'evaluate' &&
      rest.length === 6 &&
      method === 'POST'
    ) {
      return [200, this.evaluate(rest[1]!, rest[3]!, raw)];
    }
    if (
      rest[0] === 'projects' &&
      rest[2] === 'flags' &&
      rest[4] === 'environments' &&
      rest[6] === 'approval-requests' &&
      rest.length === 7 &&
      method === 'POST'
    ) {
      this.mustWrite(token);
      return [201, this.createApprovalRequest(rest[1]!, rest[3]!, rest[5]!, raw, token)];
    }
    if (rest[0] === 'auditlog' && rest.length === 1 && method === 'GET') return [200, this.auditLog(q)];
    throw new HttpError(404, 'not_found', `Not found: ${method} ${url.pathname}`);
  }

  private mustWrite(token: CsToken): void {
    if (token.role !== 'writer')
      throw new HttpError(403, 'forbidden', 'Access to the requested resource was denied');
  }

  // ── Flags ────────────────────────────────────────────────────────────────────────────────────────

  private listFlags(projectKey: string, q: URLSearchParams): Json {
    const store = this.project(projectKey);
    const limit = q.has('limit') ? Number(q.get('limit')) : 20;
    const offset = q.has('offset') ? Number(q.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new HttpError(400, 'invalid_request', 'limit must be an integer from 1 to 100');
    }
    if (!Number.isInteger(offset) || offset < 0)
      throw new HttpError(400, 'invalid_request', 'offset must be ≥ 0');
    const summary = !(q.get('summary') === '0' || q.get('summary') === 'false');
    const env = q.get('env');
    const all = [...store.flags.values()];
    const items = all
      .slice(offset, offset + limit)
      .map((flag) => this.representation(projectKey, flag, env, summary));
    const link = (at: number) => {
      const next = new URLSearchParams(q);
      next.set('limit', String(limit));
      next.set('offset', String(at));
      return { href: `/api/v2/flags/${projectKey}?${next}`, type: 'application/json' };
    };
    const links: Json = { self: link(offset), first: link(0) };
    if (offset + limit < all.length) links.next = link(offset + limit);
    if (offset > 0) links.prev = link(Math.max(0, offset - limit));
    return { items, totalCount: all.length, _links: links };
  }

  private getFlag(projectKey: string, key: string, q: URLSearchParams): Json {
    return this.representation(projectKey, this.flagOrThrow(projectKey, key), q.get('env'), false);
  }

  private patchFlag(
    projectKey: string,
    key: string,
    q: URLSearchParams,
    raw: string,
    req: IncomingMessage,
    token: CsToken,
  ): Json {
    requireSemanticPatch(req);
    const flag = this.flagOrThrow(projectKey, key);
    const body = parseJson(raw);
    const envKey = body.environmentKey;
    const instructions = body.instructions;
    if (!Array.isArray(instructions) || instructions.length === 0) {
      throw new HttpError(400, 'invalid_request', 'instructions must be a non-empty array');
    }
    if (typeof envKey !== 'string') {
      throw new HttpError(400, 'invalid_request', 'environmentKey is required for these instructions');
    }
    if (!flag.environments[envKey]) throw new HttpError(404, 'not_found', `Unknown environment ${envKey}`);
    // assumption: the documented 405 "approval required"; the body wording is ours
    if (this.approvalEnvironments.has(envKey)) {
      throw new HttpError(
        405,
        'method_not_allowed',
        `Environment ${envKey} requires approval for flag changes: create an approval request instead`,
      );
    }
    const pending = this.pendingChanges.get(`${projectKey}|${key}|${envKey}`) ?? [];
    if (pending.length > 0 && q.get('ignoreConflicts') !== 'true') {
      // The 400 and `ignoreConflicts` are documented; a body listing LaunchDarkly's `Conflict` items
      // (`{instruction, reason}`) beside `code`/`message` is an assumption.
      throw new HttpError(
        400,
        'invalid_request',
        'This change conflicts with pending changes (scheduled changes or approval requests) on this flag; set ignoreConflicts=true to apply it anyway',
        pending.map(({ instruction, reason }) => ({ instruction, reason })),
      );
    }
    const hooks = this.writeHooks.splice(0);
    for (const hook of hooks) hook();

    const before = JSON.stringify(flag.environments[envKey]);
    const draft = structuredClone(flag.environments[envKey]!);
    const lines: string[] = [];
    const actions = new Set<string>();
    for (const [index, instruction] of instructions.entries()) {
      this.applyInstruction(flag, draft, instruction as Json, index, lines, actions);
    }
    if (JSON.stringify(draft) !== before) {
      flag.environments[envKey] = draft;
      this.dropStaleExpiring(projectKey, flag, envKey);
      this.bump(flag, envKey);
      const comment = typeof body.comment === 'string' ? body.comment : undefined;
      this.record(projectKey, envKey, flag, [...actions][0] ?? 'updateTargets', token.member, comment, lines);
    }
    return this.representation(projectKey, flag, null, false);
  }

  private applyInstruction(
    flag: CsFlag,
    env: CsEnvironmentConfig,
    instruction: Json,
    index: number,
    lines: string[],
    actions: Set<string>,
  ): void {
    const kind = instruction.kind;
    if (kind === 'turnFlagOn' || kind === 'turnFlagOff') {
      env.on = kind === 'turnFlagOn';
      actions.add('updateOn');
      lines.push(`- Turned the flag ${env.on ? 'on' : 'off'}`);
      return;
    }
    if (kind !== 'addTargets' && kind !== 'removeTargets') {
      throw new HttpError(400, 'invalid_request', `instruction ${index}: unsupported kind ${String(kind)}`);
    }
    const contextKind = instruction.contextKind;
    const values = instruction.values;
    if (
      typeof contextKind !== 'string' ||
      !Array.isArray(values) ||
      !values.every((v) => typeof v === 'string')
    ) {
      throw new HttpError(
        400,
        'invalid_request',
        `instruction ${index}: contextKind and values (strings) are required`,
      );
    }
    const variation = flag.variations.findIndex((v) => v._id === instruction.variationId);
    if (variation < 0) {
      throw new HttpError(
        400,
        'invalid_request',
        `instruction ${index}: unknown variationId ${String(instruction.variationId)}`,
      );
    }
    actions.add('updateTargets');
    const list = contextKind === 'user' ? env.targets : env.contextTargets;
    const ofKind = list.filter((t) => (t.contextKind ?? 'user') === contextKind);
    if (kind === 'addTargets') {
      for (const value of values as string[]) {
        const elsewhere = ofKind.find((t) => t.variation !== variation && t.values.includes(value));
        if (elsewhere) {
          // assumption: the wording; the documented fact is that addTargets errors in this case
          throw new HttpError(
            400,
            'invalid_request',
            `instruction ${index}: ${contextKind} "${value}" is already targeted by variation ${flag.variations[elsewhere.variation]!._id}`,
          );
        }
      }
      let target = ofKind.find((t) => t.variation === variation);
      if (!target) {
        target = { contextKind, values: [], variation };
        list.push(target);
      }
      for (const value of values as string[]) if (!target.values.includes(value)) target.values.push(value);
      lines.push(`- Added ${contextKind} targets ${values.join(', ')} to ${variationLabel(flag, variation)}`);
      return;
    }
    const target = ofKind.find((t) => t.variation === variation);
    if (!target) return;
    target.values = target.values.filter((value) => !(values as string[]).includes(value));
    if (target.values.length === 0) list.splice(list.indexOf(target), 1);
    lines.push(
      `- Removed ${contextKind} targets ${values.join(', ')} from ${variationLabel(flag, variation)}`,
    );
  }

  // ── Expiring targets ─────────────────────────────────────────────────────────────────────────────

  private getExpiring(projectKey: string, key: string, envKey: string): Json {
    this.flagOrThrow(projectKey, key);
    const items = [...this.expiring.values()].filter(
      (t) =>
        t._resourceId.projectKey === projectKey &&
        t._resourceId.flagKey === key &&
        t._resourceId.environmentKey === envKey,
    );
    return { items, _links: {} };
  }

  private patchExpiring(
    projectKey: string,
    key: string,
    envKey: string,
    raw: string,
    req: IncomingMessage,
    token: CsToken,
  ): Json {
    requireSemanticPatch(req);
    const flag = this.flagOrThrow(projectKey, key);
    const env = flag.environments[envKey];
    if (!env) throw new HttpError(404, 'not_found', `Unknown environment ${envKey}`);
    const body = parseJson(raw);
    if (!Array.isArray(body.instructions) || body.instructions.length === 0) {
      throw new HttpError(400, 'invalid_request', 'instructions must be a non-empty array');
    }
    const errors: { instructionIndex: number; message: string }[] = [];
    const lines: string[] = [];
    for (const [index, item] of (body.instructions as Json[]).entries()) {
      const { kind, value, variationId, contextKey, contextKind } = item;
      if (typeof contextKey !== 'string' || typeof contextKind !== 'string') {
        errors.push({ instructionIndex: index, message: 'contextKey and contextKind are required' });
        continue;
      }
      const id = `${projectKey}|${key}|${envKey}|${contextKind}|${contextKey}`;
      const existing = this.expiring.get(id);
      if (kind === 'removeExpiringTarget') {
        // documented parameters: variationId, contextKey, contextKind
        if (!flag.variations.some((v) => v._id === variationId)) {
          errors.push({ instructionIndex: index, message: `unknown variationId ${String(variationId)}` });
          continue;
        }
        this.expiring.delete(id);
        lines.push(`- Removed the scheduled removal of ${contextKind} ${contextKey}`);
        continue;
      }
      if (kind !== 'addExpiringTarget' && kind !== 'updateExpiringTarget') {
        errors.push({ instructionIndex: index, message: `unsupported kind ${String(kind)}` });
        continue;
      }
      if (typeof value !== 'number' || value <= 0) {
        errors.push({ instructionIndex: index, message: 'value must be a time in Unix milliseconds' });
        continue;
      }
      const variation = flag.variations.findIndex((v) => v._id === variationId);
      const targets = contextKind === 'user' ? env.targets : env.contextTargets;
      const targeted = targets.some(
        (t) =>
          (t.contextKind ?? 'user') === contextKind &&
          t.variation === variation &&
          t.values.includes(contextKey),
      );
      if (variation < 0 || !targeted) {
        errors.push({
          instructionIndex: index,
          message: `the flag must already individually target ${contextKind} "${contextKey}" in that variation`,
        });
        continue;
      }
      if (kind === 'addExpiringTarget' && existing) {
        errors.push({
          instructionIndex: index,
          message: 'an expiring target already exists for this context; use updateExpiringTarget',
        });
        continue;
      }
      if (kind === 'updateExpiringTarget' && !existing) {
        errors.push({ instructionIndex: index, message: 'no expiring target to update for this context' });
        continue;
      }
      this.expiring.set(id, {
        _id: existing?._id ?? randomUUID(),
        _version: (existing?._version ?? 0) + 1,
        expirationDate: value,
        contextKind,
        contextKey,
        variationId: String(variationId),
        _resourceId: { projectKey, environmentKey: envKey, flagKey: key },
      });
      lines.push(`- Scheduled removal of ${contextKind} ${contextKey} at ${new Date(value).toISOString()}`);
    }
    const total = body.instructions.length;
    if (lines.length > 0) {
      const comment = typeof body.comment === 'string' ? body.comment : undefined;
      this.record(projectKey, envKey, flag, 'updateExpiringTargets', token.member, comment, lines);
    }
    return {
      items: this.getExpiring(projectKey, key, envKey).items,
      totalInstructions: total,
      successfulInstructions: total - errors.length,
      failedInstructions: errors.length,
      errors,
    };
  }

  /** LaunchDarkly removes expired targets by itself; here, on the server's clock, before each request. */
  applyExpiries(): void {
    for (const [id, target] of this.expiring) {
      if (target.expirationDate > this.now()) continue;
      this.expiring.delete(id);
      const { projectKey, environmentKey, flagKey } = target._resourceId;
      const flag = this.projects.get(projectKey)?.flags.get(flagKey);
      const env = flag?.environments[environmentKey];
      if (!flag || !env) continue;
      const variation = flag.variations.findIndex((v) => v._id === target.variationId);
      const list = target.contextKind === 'user' ? env.targets : env.contextTargets;
      const entry = list.find(
        (t) => (t.contextKind ?? 'user') === target.contextKind && t.variation === variation,
      );
      if (!entry?.values.includes(target.contextKey)) continue;
      entry.values = entry.values.filter((v) => v !== target.contextKey);
      if (entry.values.length === 0) list.splice(list.indexOf(entry), 1);
      this.bump(flag, environmentKey);
      this.record(projectKey, environmentKey, flag, 'updateTargets', undefined, undefined, [
        `- Removed expired ${target.contextKind} target ${target.contextKey} from ${variationLabel(flag, variation)}`,
      ]);
    }
  }

  private dropStaleExpiring(projectKey: string, flag: CsFlag, envKey: string): void {
    const env = flag.environments[envKey]!;
    for (const [id, target] of this.expiring) {
      const { projectKey: p, flagKey, environmentKey } = target._resourceId;
      if (p !== projectKey || flagKey !== flag.key || environmentKey !== envKey) continue;
      const variation = flag.variations.findIndex((v) => v._id === target.variationId);
      const list = target.contextKind === 'user' ? env.targets : env.contextTargets;
      const still = list.some(
        (t) =>
          (t.contextKind ?? 'user') === target.contextKind &&
          t.variation === variation &&
          t.values.includes(target.contextKey),
      );
      if (!still) this.expiring.delete(id);
    }
  }

  // ── Environments ─────────────────────────────────────────────────────────────────────────────────

  private getEnvironment(projectKey: string, envKey: string): Json {
    if (!this.project(projectKey).environments.includes(envKey))
      throw new HttpError(404, 'not_found', `Unknown environment ${envKey}`);
    return environmentRepresentation(projectKey, envKey);
  }

  private listEnvironments(projectKey: string, q: URLSearchParams): Json {
    const keys = this.project(projectKey).environments;
    const limit = q.has('limit') ? Number(q.get('limit')) : 20;
    const offset = q.has('offset') ? Number(q.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new HttpError(400, 'invalid_request', 'limit must be an integer from 1 to 100');
    }
    if (!Number.isInteger(offset) || offset < 0)
      throw new HttpError(400, 'invalid_request', 'offset must be ≥ 0');
    const href = (at: number) => ({
      href: `/api/v2/projects/${projectKey}/environments?limit=${limit}&offset=${at}`,
      type: 'application/json',
    });
    const links: Json = { self: href(offset) };
    if (offset + limit < keys.length) links.next = href(offset + limit);
    return {
      items: keys.slice(offset, offset + limit).map((key) => environmentRepresentation(projectKey, key)),
      totalCount: keys.length,
      _links: links,
    };
  }

  // ── Evaluation ───────────────────────────────────────────────────────────────────────────────────

  private evaluate(projectKey: string, envKey: string, raw: string): Json {
    const store = this.project(projectKey);
    if (!store.environments.includes(envKey))
      throw new HttpError(404, 'not_found', `Unknown environment ${envKey}`);
    const context = parseJson(raw);
    if (typeof context.kind !== 'string' || typeof context.key !== 'string' || context.key === '') {
      throw new HttpError(400, 'invalid_request', 'the context needs a kind and a key');
    }
    const items = [...store.flags.values()]
      .filter((flag) => flag.environments[envKey])
      .map((flag) => {
        const result = evaluateFlag(store.flags, flag, envKey, context, 0);
        const value = result.variation === null ? null : (flag.variations[result.variation]?.value ?? null);
        return {
          name: flag.name,
          key: flag.key,
          _value: value,
          reason: result.reason,
          _links: { self: { href: `/api/v2/flags/${projectKey}/${flag.key}`, type: 'application/json' } },
        };
      });
    return { items, totalCount: items.length, _links: {} };
  }

  // ── Approval requests ────────────────────────────────────────────────────────────────────────────

  private createApprovalRequest(
    projectKey: string,
    key: string,
    envKey: string,
    raw: string,
    token: CsToken,
  ): Json {
    const flag = this.flagOrThrow(projectKey, key);
    if (!flag.environments[envKey]) throw new HttpError(404, 'not_found', `Unknown environment ${envKey}`);
    const body = parseJson(raw);
    if (typeof body.description !== 'string' || body.description.trim() === '') {
      throw new HttpError(400, 'invalid_request', 'description is required');
    }
    if (!Array.isArray(body.instructions) || body.instructions.length === 0) {
      throw new HttpError(400, 'invalid_request', 'instructions must be a non-empty array');
    }
    if (!Array.isArray(body.notifyMemberIds))
      throw new HttpError(400, 'invalid_request', 'notifyMemberIds is required');
    const request: CsApprovalRequest = {
      _id: randomUUID(),
      _version: 1,
      creationDate: this.now(),
      serviceKind: 'launchdarkly',
      requestorId: token.member._id,
      description: body.description,
      reviewStatus: 'pending',
      allReviews: [],
      notifyMemberIds: body.notifyMemberIds as string[],
      status: 'pending',
      instructions: body.instructions,
      conflicts: [],
      ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
      project: projectKey,
      flagKey: key,
      environment: envKey,
      _links: {},
    };
    this.approvalRequests.push(request);
    this.record(projectKey, envKey, flag, 'createApprovalRequest', token.member, request.comment, [
      `- Requested approval: ${request.description}`,
    ]);
    return structuredClone(request) as unknown as Json;
  }

  // ── Audit log ────────────────────────────────────────────────────────────────────────────────────

  private auditLog(q: URLSearchParams): Json {
    const limit = q.has('limit') ? Number(q.get('limit')) : 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 20) {
      throw new HttpError(400, 'invalid_request', 'limit must be an integer from 1 to 20');
    }
    const before = q.has('before') ? Number(q.get('before')) : Number.POSITIVE_INFINITY;
    const spec = parseSpec(q.get('spec'));
    const matching = [...this.auditEntries]
      .reverse()
      .filter(
        (entry) => entry.date < before && entry.accesses.some((access) => specMatches(spec, access.resource)),
      );
    const items = matching.slice(0, limit);
    const links: Json = {};
    if (matching.length > limit) {
      const next = new URLSearchParams(q);
      next.set('before', String(items[items.length - 1]!.date));
      links.next = { href: `/api/v2/auditlog?${next}`, type: 'application/json' };
    }
    return { items, _links: links };
  }

  private record(
    projectKey: string,
    envKey: string,
    flag: CsFlag,
    action: string,
    member: CsMember | undefined,
    comment: string | undefined,
    lines: string[],
  ): void {
    // strictly increasing dates, so that `before` paging never skips an entry
    const date = Math.max(this.now(), this.lastAuditDate + 1);
    this.lastAuditDate = date;
    const resource = `proj/${projectKey}:env/${envKey}:flag/${flag.key}`;
    const who = member ? `[${member.firstName ?? member.email}](mailto:${member.email})` : 'LaunchDarkly';
    const titleVerb =
      action === 'createApprovalRequest' ? 'requested approval for changes to the flag' : 'updated the flag';
    this.auditEntries.push({
      _id: randomUUID(),
      _accountId: 'contract-account',
      date,
      accesses: [{ action, resource }],
      kind: 'flag',
      name: flag.name,
      description: lines.join('\n'),
      shortDescription: lines[0]?.replace(/^- /, '') ?? '',
      ...(comment ? { comment } : {}),
      ...(member ? { member: { ...member, _links: {} } } : {}),
      titleVerb,
      title: `${who} ${titleVerb} [${flag.name}](/${projectKey}/${envKey}/features/${flag.key}) in \`${envKey}\``,
      target: { name: flag.name, resources: [resource] },
    });
  }

  // ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

  private project(projectKey: string) {
    const store = this.projects.get(projectKey);
    if (!store) throw new HttpError(404, 'not_found', `Unknown project ${projectKey}`);
    return store;
  }

  private flagOrThrow(projectKey: string, key: string): CsFlag {
    const flag = this.project(projectKey).flags.get(key);
    if (!flag) throw new HttpError(404, 'not_found', `Unknown flag ${key}`);
    return flag;
  }

  private bump(flag: CsFlag, envKey: string): void {
    flag._version++;
    const env = flag.environments[envKey]!;
    env.version++;
    env.lastModified = this.now();
  }

  private envConfig(seed: EnvironmentSeed): CsEnvironmentConfig {
    const fallthrough =
      typeof seed.fallthrough === 'object'
        ? { rollout: seed.fallthrough.rollout }
        : { variation: seed.fallthrough ?? 0 };
    return {
      on: seed.on ?? false,
      version: 1,
      targets: (seed.targets ?? []).map((t) => ({
        contextKind: 'user',
        values: [...t.values],
        variation: t.variation,
      })),
      contextTargets: structuredClone(seed.contextTargets ?? []),
      rules: (seed.rules ?? []).map((rule) => ({
        _id: randomUUID(),
        ...(rule.description ? { description: rule.description } : {}),
        ...(rule.variation !== undefined ? { variation: rule.variation } : {}),
        ...(rule.rollout ? { rollout: rule.rollout } : {}),
        clauses: rule.clauses.map((clause) => ({ _id: randomUUID(), negate: false, ...clause })),
      })),
      fallthrough,
      ...(seed.offVariation !== undefined ? { offVariation: seed.offVariation } : {}),
      prerequisites: seed.prerequisites ?? [],
      salt: randomUUID().replaceAll('-', ''),
      lastModified: this.now(),
    };
  }

  private representation(projectKey: string, flag: CsFlag, env: string | null, summary: boolean): Json {
    const environments: Record<string, Json> = {};
    for (const [key, config] of Object.entries(flag.environments)) {
      if (env !== null && key !== env) continue;
      const full: Json = {
        ...structuredClone(config),
        _environmentName: key,
        _site: { href: `/${projectKey}/${key}/features/${flag.key}` },
      };
      if (summary) {
        // LaunchDarkly leaves these out unless summary=0
        delete full.targets;
        delete full.contextTargets;
        delete full.rules;
        delete full.prerequisites;
        full._summary = { variations: {}, prerequisites: config.prerequisites.length };
      }
      environments[key] = full;
    }
    return {
      ...structuredClone(flag),
      environments,
      _links: { self: { href: `/api/v2/flags/${projectKey}/${flag.key}`, type: 'application/json' } },
    };
  }
}

export async function startLdContractServer(options: ContractServerOptions = {}): Promise<LdContractServer> {
  return new LdContractServer(options).start();
}

// ── The server's own evaluator (independent of the provider's) ─────────────────────────────────────

interface ServerEvaluation {
  variation: number | null;
  reason: { kind: string; ruleIndex?: number; ruleID?: string; prerequisiteKey?: string };
}

function evaluateFlag(
  flags: Map<string, CsFlag>,
  flag: CsFlag,
  envKey: string,
  context: Json,
  depth: number,
): ServerEvaluation {
  const env = flag.environments[envKey]!;
  const off = env.offVariation ?? null;
  if (!env.on) return { variation: off, reason: { kind: 'OFF' } };
  for (const prerequisite of env.prerequisites) {
    const other = flags.get(prerequisite.key);
    const failed = {
      variation: off,
      reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: prerequisite.key },
    };
    if (!other?.environments[envKey] || depth > 20) return failed;
    const result = evaluateFlag(flags, other, envKey, context, depth + 1);
    if (!other.environments[envKey]!.on || result.variation !== prerequisite.variation) return failed;
  }
  const kind = String(context.kind);
  const key = String(context.key);
  const targets = kind === 'user' ? env.targets : env.contextTargets.filter((t) => t.contextKind === kind);
  const targeted = targets.find((t) => t.values.includes(key));
  if (targeted) return { variation: targeted.variation, reason: { kind: 'TARGET_MATCH' } };
  for (const [index, rule] of env.rules.entries()) {
    if (!rule.clauses.every((clause) => clauseMatches(clause, context))) continue;
    const variation = rule.variation ?? bucket(flag, env, rule.rollout, context);
    return { variation, reason: { kind: 'RULE_MATCH', ruleIndex: index, ruleID: rule._id } };
  }
  const variation = env.fallthrough.variation ?? bucket(flag, env, env.fallthrough.rollout, context);
  return { variation, reason: { kind: 'FALLTHROUGH' } };
}

function clauseMatches(clause: CsClause, context: Json): boolean {
  if (clause.op === 'segmentMatch') return false;
  if ((clause.contextKind ?? 'user') !== context.kind) return false;
  const actual =
    clause.attribute === 'key'
      ? context.key
      : clause.attribute === 'kind'
        ? context.kind
        : context[clause.attribute];
  if (actual === undefined || actual === null) return false;
  const candidates = Array.isArray(actual) ? actual : [actual];
  const hit = candidates.some((value) => clause.values.some((wanted) => operator(clause.op, value, wanted)));
  return clause.negate ? !hit : hit;
}

function operator(op: string, value: unknown, wanted: unknown): boolean {
  switch (op) {
    case 'in':
      return value === wanted;
    case 'startsWith':
      return typeof value === 'string' && typeof wanted === 'string' && value.startsWith(wanted);
    case 'endsWith':
      return typeof value === 'string' && typeof wanted === 'string' && value.endsWith(wanted);
    case 'contains':
      return typeof value === 'string' && typeof wanted === 'string' && value.includes(wanted);
    case 'matches':
      return typeof value === 'string' && typeof wanted === 'string' && new RegExp(wanted).test(value);
    case 'lessThan':
      return typeof value === 'number' && typeof wanted === 'number' && value < wanted;
    case 'greaterThan':
      return typeof value === 'number' && typeof wanted === 'number' && value > wanted;
    default:
      return false;
  }
}

/** LaunchDarkly's bucketing: sha1("flagKey.salt.key"), first 15 hex digits over 0xFFFFFFFFFFFFFFF. */
function bucket(
  flag: CsFlag,
  env: CsEnvironmentConfig,
  rollout: CsRollout | undefined,
  context: Json,
): number | null {
  if (!rollout || rollout.variations.length === 0) return null;
  const by = rollout.bucketBy ?? 'key';
  const raw = by === 'key' ? context.key : context[by];
  const id = typeof raw === 'string' || (typeof raw === 'number' && Number.isInteger(raw)) ? String(raw) : '';
  const hex = createHash('sha1').update(`${flag.key}.${env.salt}.${id}`).digest('hex').slice(0, 15);
  const point = Number(BigInt(`0x${hex}`)) / Number(BigInt('0xfffffffffffffff'));
  let sum = 0;
  for (const weighted of rollout.variations) {
    sum += weighted.weight / 100_000;
    if (point < sum) return weighted.variation;
  }
  return rollout.variations[rollout.variations.length - 1]!.variation;
}

// ── Plumbing ───────────────────────────────────────────────────────────────────────────────────────

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * LaunchDarkly's Environment representation. The SDK and mobile keys are fake but shaped like real
 * ones: the provider must drop them, never keep or show them.
 */
function environmentRepresentation(projectKey: string, envKey: string): Json {
  const id = createHash('sha1').update(`${projectKey}/${envKey}`).digest('hex');
  return {
    _links: {
      self: { href: `/api/v2/projects/${projectKey}/environments/${envKey}`, type: 'application/json' },
    },
    _id: id.slice(0, 24),
    key: envKey,
    name: envKey.charAt(0).toUpperCase() + envKey.slice(1),
    apiKey: `sdk-${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 28)}`,
    mobileKey: `mob-${id.slice(4, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
    color: '417505',
    defaultTtl: 0,
    secureMode: false,
    defaultTrackEvents: false,
    requireComments: false,
    confirmChanges: false,
    tags: [],
    critical: envKey === 'production',
  };
}

function parseJson(raw: string): Json {
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_request', 'the body must be a JSON object');
}

function requireSemanticPatch(req: IncomingMessage): void {
  if (!/domain-model=launchdarkly\.semanticpatch/.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(
      400,
      'invalid_request',
      'semantic patch requests need Content-Type: application/json; domain-model=launchdarkly.semanticpatch',
    );
  }
}

function matches(match: Fault['match'], method: string, path: string): boolean {
  if (!match) return true;
  if (match.method && match.method !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.includes(match.path) : match.path.test(path);
}

function variationLabel(flag: CsFlag, index: number): string {
  const variation = flag.variations[index];
  return variation ? `variation ${variation.name ?? JSON.stringify(variation.value)}` : `variation ${index}`;
}

type Spec = { proj: string; env: string; flag: string };

function parseSpec(spec: string | null): Spec {
  const parsed: Spec = { proj: '*', env: '*', flag: '*' };
  for (const part of (spec ?? '').split(':')) {
    const [kind, value] = part.split('/');
    if ((kind === 'proj' || kind === 'env' || kind === 'flag') && value)
      parsed[kind] = value.replace(/;.*$/, '');
  }
  return parsed;
}

function specMatches(spec: Spec, resource: string): boolean {
  const actual = parseSpec(resource);
  return (['proj', 'env', 'flag'] as const).every(
    (kind) => spec[kind] === '*' || spec[kind] === actual[kind],
  );
}
