/**
 * LaunchDarkly (SaaS, REST API v2) as a per-tenant flag provider. A tenant is the context
 * `{kind: <contextKind>, key: <tenant id>}` (kind `tenant` by default); a tenant override is that key
 * in the individual targets (`contextTargets`) of one variation in the configured environment.
 *
 * - Reads list the project's flags with full targeting (`summary=0`, pages of 100), and evaluate a
 *   tenant locally where that is certain (ld-evaluate.ts), else through LaunchDarkly's evaluate
 *   endpoint. `valuesFor` answers from the last listing without I/O.
 * - Writes are semantic patches (atomic) carrying the reason as `comment`, so it lands in
 *   LaunchDarkly's audit log. The PATCH answer is the read-back: when the flag's `_version` moved by
 *   more than our own change, someone else wrote in between; if the tenant is then not served what
 *   was asked, the write fails as a lost race (nothing of theirs is undone), else a notice is given.
 *   A write LaunchDarkly refuses over changes pending on the flag fails with them listed
 *   (`FlagProviderError.conflicts`); `?ignoreConflicts=true` is sent only when the WriteContext asks.
 * - LaunchDarkly has no push for admin changes over REST, so `onChange` polls the listing. A listing
 *   that fails (revoked token, rate limit past its retries, outage) is `problem()` until one succeeds:
 *   the console then shows the flags as degraded instead of serving stale values as "ok".
 * - A flip reads only the flag it changes (`readFlag`, GET /flags/{project}/{flag}), never the listing.
 *
 * The access token stays in this process: only the HTTP client holds it, in a private field, and
 * every message is redacted.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { FlagEnvironmentState, FlagInfo, FlagValue, ProviderEvent, TenantFlag } from '../../api';
import type { ApprovalRequest, FlagProvider, ProposedChange, WriteContext } from '../flag-provider';
import { backoffDelay } from '../ofrep-gate/backoff';
import { LdClient } from './ld-client';
import { isLdFailure, LaunchDarklyError } from './ld-errors';
import {
  evaluateLocally,
  type LdContext,
  type LocalEvaluation,
  sourceOfReason,
  targetedVariation,
  withoutTargets,
} from './ld-evaluate';
import { flagView, type LdFlagView, valueText } from './ld-flag-view';
import {
  approvalRequestSchema,
  auditLogSchema,
  evaluationsSchema,
  expiringTargetsSchema,
  flagEnvironmentsSchema,
  flagListSchema,
  flagSchema,
  type LdAuditLog,
  type LdFlag,
  type LdInstruction,
} from './ld-schemas';
import { planTenantValue } from './ld-tenant-plan';

export interface LaunchDarklyProviderOptions {
  /** default https://app.launchdarkly.com; plain http only to a loopback address (tests) */
  baseUrl?: string;
  /** an API access token; sent as `Authorization: <token>`; never logged or shown */
  token: string;
  project: string;
  environment: string;
  /** the context kind tenants are targeted as (default `tenant`) */
  contextKind?: string;
  /** per request (default 10 s) */
  timeoutMs?: number;
  /** how often `onChange` polls the flag list (default 5 s) */
  pollMs?: number;
  /** a listing younger than this serves `tenantFlags` without a new one (default `pollMs`) */
  maxListAgeMs?: number;
  /** 429 / 5xx retries per request (default 4) */
  maxRetries?: number;
  /** the longest single rate-limit wait accepted (default 30 s); a longer ask fails at once */
  maxWaitMs?: number;
  /** read-modify-write attempts after 409 optimistic_locking_error (default 3) */
  conflictRetries?: number;
  /** things worth a human's attention that did not fail the call (a concurrent edit, a failed poll) */
  onNotice?: (message: string) => void;
  fetch?: typeof fetch;
  /** jitter source in [0, 1) */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface ApprovalRequestResult {
  id: string;
  status: string;
  reviewStatus: string;
}

type Change = { flagKeys: string[]; etag: string };

const MAX_PAGES = 500;
const AUDIT_PAGE = 20;

export class LaunchDarklyFlagProvider implements FlagProvider {
  readonly kind = 'launchdarkly';
  readonly label: string;
  readonly project: string;
  readonly environment: string;
  readonly contextKind: string;

  private readonly client: LdClient;
  private readonly closing = new AbortController();
  private readonly options: Required<
    Pick<
      LaunchDarklyProviderOptions,
      'pollMs' | 'maxListAgeMs' | 'conflictRetries' | 'random' | 'sleep' | 'now'
    >
  > &
    Pick<LaunchDarklyProviderOptions, 'onNotice'>;

  private flags = new Map<string, LdFlag>();
  private views = new Map<string, LdFlagView>();
  /** tenant → targeted variation index, per flag, for the table's 10,000 lookups per tick */
  private targetIndexes = new Map<string, Map<string, number>>();
  /** LaunchDarkly's own answers for flags that cannot be evaluated locally: `${flag}\n${tenant}` */
  private readonly remote = new Map<string, { version: number; value: FlagValue }>();
  private listedAt: number | null = null;
  private listing: Promise<FlagInfo[]> | null = null;
  private polling: Promise<void> | null = null;
  private problemList: string[] = [];
  /** why the last listing failed; null once one succeeded */
  private listError: string | null = null;
  private readonly listeners = new Set<(change: Change) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: LaunchDarklyProviderOptions) {
    this.project = options.project;
    this.environment = options.environment;
    this.contextKind = options.contextKind ?? 'tenant';
    this.label = `LaunchDarkly ${options.project}/${options.environment}`;
    const pollMs = options.pollMs ?? 5_000;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const random = options.random ?? Math.random;
    const now = options.now ?? Date.now;
    this.options = {
      pollMs,
      maxListAgeMs: options.maxListAgeMs ?? pollMs,
      conflictRetries: options.conflictRetries ?? 3,
      random,
      sleep,
      now,
      onNotice: options.onNotice,
    };
    this.client = new LdClient({
      baseUrl: options.baseUrl ?? 'https://app.launchdarkly.com',
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 4,
      maxWaitMs: options.maxWaitMs ?? 30_000,
      fetch: options.fetch ?? fetch,
      random,
      sleep,
      now,
      signal: this.closing.signal,
    });
  }

  /** Flags left out of the last listing, and why (JSON variations, no config for the environment). */
  problems(): readonly string[] {
    return this.problemList;
  }

  // ── Reads ────────────────────────────────────────────────────────────────────────────────────────

  listFlags(): Promise<FlagInfo[]> {
    this.listing ??= this.fetchAll()
      .then(
        (flags) => {
          this.replaceAll(flags);
          this.setListError(null);
          return [...this.views.values()].map((view) => view.info);
        },
        (error: unknown) => {
          if (!isLdFailure(error, 'closed')) this.setListError(errorText(error));
          throw error;
        },
      )
      .finally(() => {
        this.listing = null;
      });
    return this.listing;
  }

  /** One flag, fresh from LaunchDarkly (one GET, no listing); null when the project has no such flag. */
  async readFlag(flagKey: string): Promise<FlagInfo | null> {
    try {
      return (await this.fetchFlag(flagKey)).info;
    } catch (error) {
      if (isLdFailure(error, 'not-found')) return null;
      throw error;
    }
  }

  async tenantFlags(tenantId: string): Promise<TenantFlag[]> {
    const now = this.options.now();
    if (this.listedAt === null || now - this.listedAt > this.options.maxListAgeMs) await this.listFlags();
    const context = this.context(tenantId);
    const local = [...this.views.values()].map((view) => ({
      view,
      evaluation: this.evaluate(view, context),
    }));
    const remote = local.some(({ evaluation }) => !evaluation.certain)
      ? await this.evaluateRemotely(tenantId)
      : null;
    return local.map(({ view, evaluation }) => {
      const answer = remote?.get(view.info.key);
      if (!evaluation.certain && answer) {
        const index = view.values.indexOf(answer.value);
        if (index >= 0) {
          return { ...view.info, value: answer.value, variant: view.names[index]!, source: answer.source };
        }
      }
      const variation = evaluation.certain ? evaluation.variation : evaluation.guess.variation;
      const source = evaluation.certain ? evaluation.source : evaluation.guess.source;
      if (variation === null) {
        return { ...view.info, value: view.info.variants[view.info.defaultVariant]!, variant: null, source };
      }
      return { ...view.info, value: view.values[variation]!, variant: view.names[variation]!, source };
    });
  }

  /**
   * From the last listing, no I/O. Where the flag cannot be evaluated locally (rules on attributes the
   * console does not know, rollouts), LaunchDarkly's last answer for that tenant is used, else the
   * best local guess. An unknown flag, or no listing yet, yields an empty map.
   */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    const values = new Map<string, FlagValue>();
    const view = this.views.get(flagKey);
    if (!view) return values;
    const fallback = view.info.variants[view.info.defaultVariant]!;
    const targeted = this.targetIndexes.get(flagKey);
    const simple = view.env.on && view.env.prerequisites.length === 0;
    for (const tenantId of tenantIds) {
      const hit = simple ? targeted?.get(tenantId) : undefined;
      if (hit !== undefined && hit < view.values.length) {
        values.set(tenantId, view.values[hit]!);
        continue;
      }
      const context = this.context(tenantId);
      const evaluation = simple ? withoutTargets(view.env, context) : this.evaluate(view, context);
      if (evaluation.certain) {
        values.set(
          tenantId,
          evaluation.variation === null ? fallback : (view.values[evaluation.variation] ?? fallback),
        );
        continue;
      }
      const known = this.remote.get(`${flagKey}\n${tenantId}`);
      if (known && known.version === view.flag._version) values.set(tenantId, known.value);
      else {
        const guess = evaluation.guess.variation;
        values.set(tenantId, guess === null ? fallback : (view.values[guess] ?? fallback));
      }
    }
    return values;
  }

  /** Fresh from LaunchDarkly: the flag is read again (and the evaluate endpoint asked when needed). */
  async servedValue(flagKey: string, tenantId: string): Promise<FlagValue> {
    const view = await this.fetchFlag(flagKey);
    const evaluation = this.evaluate(view, this.context(tenantId));
    if (evaluation.certain) {
      if (evaluation.variation !== null) return view.values[evaluation.variation]!;
      return view.info.variants[view.info.defaultVariant]!;
    }
    const answer = (await this.evaluateRemotely(tenantId)).get(flagKey);
    if (!answer) {
      throw new LaunchDarklyError(
        `LaunchDarkly's evaluation for tenant "${tenantId}" has no value for ${flagKey} (${evaluation.why})`,
        'bad-answer',
      );
    }
    return answer.value;
  }

  // ── Writes ───────────────────────────────────────────────────────────────────────────────────────

  async setTenantValue(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    ctx: WriteContext,
  ): Promise<void> {
    const context = this.context(tenantId);
    const what = `set ${flagKey} to ${valueText(value)} for tenant "${tenantId}" in ${this.environment}`;
    for (let attempt = 0; ; attempt++) {
      const read = await this.fetchFlag(flagKey);
      const plan = planTenantValue(read, this.environment, context, value);
      if (plan.instructions.length === 0) return;
      let updated: LdFlag;
      try {
        updated = await this.patchFlag(flagKey, plan.instructions, ctx, what, 'updateTargets');
      } catch (error) {
        if (isLdFailure(error, 'optimistic-lock')) {
          if (attempt < this.options.conflictRetries) {
            await this.options.sleep(backoffDelay(attempt, 200, 2_000, this.options.random));
            continue;
          }
          throw new LaunchDarklyError(
            `LaunchDarkly kept reporting concurrent changes (409) to ${flagKey} after ${attempt + 1} attempts; nothing was changed — try again`,
            'optimistic-lock',
            { status: 409, retryable: true },
          );
        }
        if (isLdFailure(error, 'invalid'))
          await this.explainRefusedTargets(flagKey, tenantId, plan.seenIn, error);
        throw error;
      }
      await this.checkReadBack(read, updated, tenantId, value);
      return;
    }
  }

  async setFlagEnabled(flagKey: string, enabled: boolean, ctx: WriteContext): Promise<void> {
    const instructions: LdInstruction[] = [{ kind: enabled ? 'turnFlagOn' : 'turnFlagOff' }];
    const what = `turn ${flagKey} ${enabled ? 'on' : 'off'} in ${this.environment}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const updated = await this.patchFlag(flagKey, instructions, ctx, what, 'updateOn');
        this.store(updated);
        const on = updated.environments[this.environment]?.on;
        if (on !== enabled) {
          throw new LaunchDarklyError(
            `LaunchDarkly answered the request to ${what} with the flag ${on ? 'on' : 'off'}: someone else changed it at the same time`,
            'lost-race',
          );
        }
        return;
      } catch (error) {
        if (isLdFailure(error, 'optimistic-lock') && attempt < this.options.conflictRetries) {
          await this.options.sleep(backoffDelay(attempt, 200, 2_000, this.options.random));
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * LaunchDarkly's expiring targets: at `revertAt` LaunchDarkly itself removes the tenant's individual
   * target, so the tenant falls back to the rules and default. `value` is the value to revert TO, and
   * this resolves true only when that removal certainly serves it (the tenant is targeted now, the flag
   * is on and its rules/default give `value`); otherwise false, and Switchboard keeps the time box.
   */
  async scheduleNativeRevert(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    revertAt: number,
  ): Promise<boolean> {
    const view = await this.fetchFlag(flagKey);
    const context = this.context(tenantId);
    const current = targetedVariation(view.env, context);
    if (current === null || !view.env.on) return false;
    const rest = withoutTargets(view.env, context);
    if (!rest.certain || rest.variation === null || view.values[rest.variation] !== value) return false;
    const what = `schedule the removal of tenant "${tenantId}" from ${flagKey}'s targets in ${this.environment}`;
    const scheduled = await this.expiringTargetOf(flagKey, tenantId);
    const instruction: LdInstruction = {
      kind: scheduled ? 'updateExpiringTarget' : 'addExpiringTarget',
      value: revertAt,
      variationId: view.ids[current]!,
      contextKey: tenantId,
      contextKind: this.contextKind,
    };
    const comment = `Switchboard time box: ${tenantId} reverts to ${valueText(value)} at ${new Date(revertAt).toISOString()}`;
    await this.patchExpiringTargets(flagKey, what, comment, instruction);
    return true;
  }

  /**
   * Withdraw the tenant's expiring target on this flag, if it has one (removeExpiringTarget): a flip
   * without a time box, or one whose revert LaunchDarkly cannot do, must not be undone by an older
   * schedule. Resolves false when there was none (nothing is written then).
   */
  async cancelNativeRevert(flagKey: string, tenantId: string): Promise<boolean> {
    const scheduled = await this.expiringTargetOf(flagKey, tenantId);
    if (!scheduled) return false;
    const what = `withdraw the scheduled removal of tenant "${tenantId}" from ${flagKey}'s targets in ${this.environment}`;
    const instruction: LdInstruction = {
      kind: 'removeExpiringTarget',
      variationId: scheduled.variationId ?? '',
      contextKey: tenantId,
      contextKind: this.contextKind,
    };
    const comment = `Switchboard: ${tenantId} no longer reverts on ${flagKey} at ${new Date(scheduled.expirationDate).toISOString()}`;
    await this.patchExpiringTargets(flagKey, what, comment, instruction);
    return true;
  }

  /** The tenant's expiring target on this flag, if LaunchDarkly has one scheduled. */
  private async expiringTargetOf(flagKey: string, tenantId: string) {
    const existing = await this.client.request(
      {
        method: 'GET',
        path: this.expiringTargetsPath(flagKey),
        what: `read the expiring targets of ${flagKey}`,
        safe: true,
      },
      expiringTargetsSchema,
    );
    return (
      existing.items.find(
        (item) => item.contextKey === tenantId && (item.contextKind ?? 'user') === this.contextKind,
      ) ?? null
    );
  }

  /** One expiring-targets semantic patch; LaunchDarkly's per-instruction errors are a refusal. */
  private async patchExpiringTargets(
    flagKey: string,
    what: string,
    comment: string,
    instruction: LdInstruction,
  ): Promise<void> {
    const answer = await this.client.request(
      {
        method: 'PATCH',
        path: this.expiringTargetsPath(flagKey),
        semanticPatch: true,
        body: { comment, instructions: [instruction] },
        what,
        permission: 'updateExpiringTargets',
        flagKey,
      },
      expiringTargetsSchema,
    );
    if (answer.errors.length > 0) {
      throw new LaunchDarklyError(
        `LaunchDarkly refused to ${what}: ${answer.errors.map((e) => e.message).join('; ')}`,
        'invalid',
      );
    }
  }

  /**
   * Why LaunchDarkly's flag list cannot be trusted right now (the last listing failed: a revoked token,
   * rate limits past their retries, an outage), or null. Cleared by the next listing that succeeds.
   */
  problem(): string | null {
    return this.listError === null ? null : `reading LaunchDarkly's flag list failed: ${this.listError}`;
  }

  /**
   * Ask LaunchDarkly's reviewers to approve a change it refused with 405: the same semantic patch the
   * refused write sent, planned again from the flag as it is now, with the reason as its comment.
   */
  async requestApproval(change: ProposedChange, ctx: WriteContext): Promise<ApprovalRequest> {
    const instructions: LdInstruction[] =
      change.kind === 'flag-enabled'
        ? [{ kind: change.enabled ? 'turnFlagOn' : 'turnFlagOff' }]
        : planTenantValue(
            await this.fetchFlag(change.flagKey),
            this.environment,
            this.context(change.tenantId),
            change.value,
          ).instructions;
    if (instructions.length === 0) {
      throw new LaunchDarklyError(
        `${change.flagKey} already serves what was asked in ${this.environment}: no approval is needed`,
        'invalid',
      );
    }
    const opened = await this.openApprovalRequest(change.flagKey, instructions, commentOf(ctx));
    return { id: opened.id, status: opened.status };
  }

  /**
   * Open an approval request for a change LaunchDarkly refused with 405 (the refused instructions are
   * on the LaunchDarklyError); a reviewer approves and applies it in LaunchDarkly.
   */
  async openApprovalRequest(
    flagKey: string,
    instructions: readonly LdInstruction[],
    comment: string,
    options: { description?: string; notifyMemberIds?: string[] } = {},
  ): Promise<ApprovalRequestResult> {
    const answer = await this.client.request(
      {
        method: 'POST',
        path: `/api/v2/projects/${enc(this.project)}/flags/${enc(flagKey)}/environments/${enc(this.environment)}/approval-requests`,
        body: {
          description: options.description ?? `Switchboard: ${comment}`.slice(0, 5_000),
          comment,
          instructions,
          notifyMemberIds: options.notifyMemberIds ?? [],
        },
        what: `open an approval request for ${flagKey} in ${this.environment}`,
        permission: 'createApprovalRequest',
        flagKey,
      },
      approvalRequestSchema,
    );
    return { id: answer._id, status: answer.status, reviewStatus: answer.reviewStatus };
  }

  // ── History and changes ──────────────────────────────────────────────────────────────────────────

  /** LaunchDarkly's audit log for the environment (or one flag), newest first, 20 per page. */
  async history(query: { flagKey?: string; limit: number }): Promise<ProviderEvent[]> {
    const spec = `proj/${this.project}:env/${this.environment}:flag/${query.flagKey ?? '*'}`;
    let path: string | null =
      `/api/v2/auditlog?spec=${enc(spec)}&limit=${Math.min(AUDIT_PAGE, Math.max(1, query.limit))}`;
    const events = new Map<string, ProviderEvent>();
    for (let page = 0; path !== null && events.size < query.limit && page < MAX_PAGES; page++) {
      const answer: LdAuditLog = await this.client.request(
        { method: 'GET', path, what: `read LaunchDarkly's audit log (${spec})`, safe: true },
        auditLogSchema,
      );
      for (const entry of answer.items) {
        if (!events.has(entry._id)) events.set(entry._id, providerEvent(entry, query.flagKey ?? null));
      }
      path = answer.items.length > 0 ? answer._links.next : null;
    }
    return [...events.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, query.limit);
  }

  /** Polls the flag list every `pollMs` while someone listens: LaunchDarkly's REST API has no push. */
  onChange(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    if (this.timer === null && !this.closing.signal.aborted) {
      this.timer = setInterval(() => void this.pollOnce(), this.options.pollMs);
      this.timer.unref?.();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** One poll now (the timer's job; tests call it to stay off the clock). A failure is `problem()`. */
  pollOnce(): Promise<void> {
    this.polling ??= this.listFlags()
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => {
        this.polling = null;
      });
    return this.polling;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
    this.closing.abort();
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────────

  /** A failed listing becomes the problem, and a notice once (not every poll); a good one clears it. */
  private setListError(error: string | null): void {
    if (error === this.listError) return;
    const recovered = error === null && this.listError !== null;
    this.listError = error;
    if (error !== null) this.notice(`polling LaunchDarkly failed: ${error}`);
    else if (recovered) this.notice('LaunchDarkly answers again: the flag list is current');
  }

  private expiringTargetsPath(flagKey: string): string {
    return `/api/v2/flags/${enc(this.project)}/${enc(flagKey)}/expiring-targets/${enc(this.environment)}`;
  }

  private context(tenantId: string): LdContext {
    return { kind: this.contextKind, key: tenantId };
  }

  private evaluate(view: LdFlagView, context: LdContext): LocalEvaluation {
    return evaluateLocally(view.flag, this.environment, context, (key) => this.flags.get(key));
  }

  private async fetchAll(): Promise<LdFlag[]> {
    const flags = new Map<string, LdFlag>();
    const problems: string[] = [];
    await this.eachListedFlag(`env=${enc(this.environment)}&summary=0`, (item) => {
      const parsed = flagSchema.safeParse(item);
      if (parsed.success) flags.set(parsed.data.key, parsed.data);
      else {
        const key = typeof item === 'object' && item && 'key' in item ? String(item.key) : '(no key)';
        problems.push(`${key}: unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'}); left out`);
      }
    });
    this.problemList = problems;
    return [...flags.values()];
  }

  /**
   * On/off in every environment: the summary listing without an environment filter, asked only when
   * someone looks (the Flags view) — the polled listing stays filtered to one environment.
   */
  async environmentStates(): Promise<Record<string, FlagEnvironmentState[]>> {
    const states: Record<string, FlagEnvironmentState[]> = {};
    await this.eachListedFlag('summary=1', (item) => {
      const parsed = flagEnvironmentsSchema.safeParse(item);
      if (!parsed.success) return;
      states[parsed.data.key] = Object.entries(parsed.data.environments).map(([environment, config]) => ({
        environment,
        enabled: config.on,
        current: environment === this.environment,
      }));
    });
    return states;
  }

  /** Every item of the project's flag listing, page by page (100 each), with these query parameters. */
  private async eachListedFlag(query: string, take: (item: unknown) => void): Promise<void> {
    const pagePath = (offset: number) =>
      `/api/v2/flags/${enc(this.project)}?${query}&limit=100&offset=${offset}`;
    let path: string | null = pagePath(0);
    for (let page = 0; path !== null; page++) {
      if (page >= MAX_PAGES)
        throw new LaunchDarklyError(`LaunchDarkly kept paging past ${MAX_PAGES} pages`, 'bad-answer');
      const answer: z.output<typeof flagListSchema> = await this.client.request(
        {
          method: 'GET',
          path,
          what: `list the flags of project ${this.project} (page ${page + 1})`,
          safe: true,
        },
        flagListSchema,
      );
      for (const item of answer.items) take(item);
      const fetched = (page + 1) * 100;
      const total = answer.totalCount ?? null;
      path =
        answer.items.length === 0
          ? null
          : (answer._links.next ?? (total !== null && fetched < total ? pagePath(fetched) : null));
    }
  }

  /** The flag as LaunchDarkly has it now, stored as the latest state. */
  private async fetchFlag(flagKey: string): Promise<LdFlagView> {
    const flag = await this.client.request(
      {
        method: 'GET',
        path: `/api/v2/flags/${enc(this.project)}/${enc(flagKey)}?env=${enc(this.environment)}`,
        what: `read flag ${flagKey}`,
        safe: true,
      },
      flagSchema,
    );
    const view = flagView(flag, this.environment);
    if ('problem' in view) throw new LaunchDarklyError(`cannot use flag ${view.problem}`, 'invalid');
    this.store(flag);
    return view;
  }

  /**
   * One semantic patch. `ignoreConflicts=true` only when the person asked for it (ctx), after
   * LaunchDarkly refused the change over pending ones: never as an automatic retry.
   */
  private async patchFlag(
    flagKey: string,
    instructions: LdInstruction[],
    ctx: WriteContext,
    what: string,
    permission: string,
  ): Promise<LdFlag> {
    const comment = commentOf(ctx);
    const override = ctx.ignoreConflicts === true;
    return this.client.request(
      {
        method: 'PATCH',
        path: `/api/v2/flags/${enc(this.project)}/${enc(flagKey)}${override ? '?ignoreConflicts=true' : ''}`,
        semanticPatch: true,
        body: { environmentKey: this.environment, comment, instructions },
        what,
        permission,
        instructions,
        comment,
        flagKey,
      },
      flagSchema,
    );
  }

  /** The PATCH answer is the read-back: did someone else write between our read and our write? */
  private async checkReadBack(read: LdFlagView, updated: LdFlag, tenantId: string, value: FlagValue) {
    this.store(updated);
    const key = read.info.key;
    const before = read.flag._version;
    const after = updated._version;
    if (after - before <= 1) return;
    const served = await this.servedFrom(updated, tenantId);
    const race = `${key} was changed by someone else between our read (version ${before}) and our write (now version ${after})`;
    if (served !== value) {
      throw new LaunchDarklyError(
        `lost race: ${race}; tenant "${tenantId}" is now served ${served === null ? 'an unknown value' : valueText(served)}, not ${valueText(value)}. Their change was kept — see LaunchDarkly's audit log and flip again if still needed`,
        'lost-race',
      );
    }
    this.notice(`${race}; tenant "${tenantId}" is served ${valueText(value)} as asked`);
  }

  /** A refused addTargets: was the tenant targeted elsewhere by someone else meanwhile? */
  private async explainRefusedTargets(
    flagKey: string,
    tenantId: string,
    seenIn: number[],
    refusal: LaunchDarklyError,
  ): Promise<void> {
    let view: LdFlagView;
    try {
      view = await this.fetchFlag(flagKey);
    } catch {
      return;
    }
    const now = targetedVariation(view.env, this.context(tenantId));
    if (now === null || seenIn.includes(now)) return;
    const serving = valueText(view.values[now]!);
    throw new LaunchDarklyError(
      `lost race: someone else targeted tenant "${tenantId}" to ${serving} on ${flagKey} between our read and our write; LaunchDarkly refused our change and theirs was kept (${refusal.message})`,
      'lost-race',
    );
  }

  private async servedFrom(flag: LdFlag, tenantId: string): Promise<FlagValue | null> {
    const view = flagView(flag, this.environment);
    if ('problem' in view) return null;
    const evaluation = this.evaluate(view, this.context(tenantId));
    if (evaluation.certain) {
      return evaluation.variation === null ? null : (view.values[evaluation.variation] ?? null);
    }
    return (await this.evaluateRemotely(tenantId)).get(flag.key)?.value ?? null;
  }

  /** LaunchDarkly's evaluate endpoint for one tenant context: every flag, with reasons. */
  private async evaluateRemotely(
    tenantId: string,
  ): Promise<Map<string, { value: FlagValue; source: TenantFlag['source'] }>> {
    const answer = await this.client.request(
      {
        method: 'POST',
        path: `/api/v2/projects/${enc(this.project)}/environments/${enc(this.environment)}/flags/evaluate`,
        body: this.context(tenantId),
        what: `evaluate the flags for tenant "${tenantId}"`,
        safe: true,
      },
      evaluationsSchema,
    );
    const results = new Map<string, { value: FlagValue; source: TenantFlag['source'] }>();
    for (const item of answer.items) {
      const value = item._value;
      if (typeof value !== 'boolean' && typeof value !== 'string' && typeof value !== 'number') continue;
      results.set(item.key, { value, source: sourceOfReason(item.reason?.kind) });
      const version = this.flags.get(item.key)?._version;
      if (version !== undefined) this.remote.set(`${item.key}\n${tenantId}`, { version, value });
    }
    return results;
  }

  /** Replace the whole listing; fire onChange for what moved (not for the first listing). */
  private replaceAll(listed: LdFlag[]): void {
    const previous = this.flags;
    const first = this.listedAt === null;
    // a listing that started before one of our writes must not roll that flag back
    const flags = listed.map((flag) => {
      const known = previous.get(flag.key);
      return known && known._version > flag._version ? known : flag;
    });
    this.flags = new Map(flags.map((flag) => [flag.key, flag]));
    this.views = new Map();
    this.targetIndexes = new Map();
    const problems = [...this.problemList];
    for (const flag of flags) {
      const view = flagView(flag, this.environment);
      if ('problem' in view) problems.push(view.problem);
      else this.index(view);
    }
    this.problemList = problems;
    this.listedAt = this.options.now();
    const moved = new Set<string>();
    for (const flag of flags) if (previous.get(flag.key)?._version !== flag._version) moved.add(flag.key);
    for (const key of previous.keys()) if (!this.flags.has(key)) moved.add(key);
    if (!first && moved.size > 0) this.emit([...moved]);
  }

  /** One flag read or written: keep it if it is newer than what we have, and say so. */
  private store(flag: LdFlag): void {
    const known = this.flags.get(flag.key);
    if (known && known._version >= flag._version) return;
    this.flags.set(flag.key, flag);
    const view = flagView(flag, this.environment);
    if ('problem' in view) {
      this.views.delete(flag.key);
      this.targetIndexes.delete(flag.key);
    } else this.index(view);
    if (known) this.emit([flag.key]);
  }

  private index(view: LdFlagView): void {
    this.views.set(view.info.key, view);
    const byTenant = new Map<string, number>();
    const targets =
      this.contextKind === 'user'
        ? view.env.targets
        : view.env.contextTargets.filter((t) => t.contextKind === this.contextKind);
    for (const target of targets) {
      for (const key of target.values) if (!byTenant.has(key)) byTenant.set(key, target.variation);
    }
    this.targetIndexes.set(view.info.key, byTenant);
  }

  private emit(flagKeys: string[]): void {
    if (this.listeners.size === 0) return;
    const versions = [...this.flags.values()].map((flag) => `${flag.key}:${flag._version}`).sort();
    const etag = createHash('sha1').update(versions.join('\n')).digest('hex').slice(0, 16);
    for (const listener of this.listeners) listener({ flagKeys, etag });
  }

  private notice(message: string): void {
    this.options.onNotice?.(this.client.redact(message));
  }
}

const enc = encodeURIComponent;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The reason, who acted and Switchboard's audit id: the comment LaunchDarkly's audit log keeps. */
function commentOf(ctx: WriteContext): string {
  return `${ctx.reason} — ${ctx.actor} via Switchboard (audit ${ctx.auditId})`;
}

type AuditItem = LdAuditLog['items'][number];

function providerEvent(entry: AuditItem, flagKey: string | null): ProviderEvent {
  const resources = [
    ...(entry.target?.resources ?? []),
    ...(entry.accesses ?? []).map((access) => access.resource ?? ''),
  ];
  const fromResource = resources
    .map((resource) => /(?:^|:)flag\/([^:;/]+)/.exec(resource)?.[1])
    .find(Boolean);
  const member = entry.member;
  const memberName = [member?.firstName, member?.lastName].filter(Boolean).join(' ');
  return {
    id: entry._id,
    at: new Date(entry.date).toISOString(),
    provider: 'launchdarkly',
    actor: member?.email || memberName || entry.token?.name || entry.app?.name || 'LaunchDarkly',
    flagKey: fromResource && fromResource !== '*' ? fromResource : flagKey,
    summary: plainText(
      entry.title || entry.shortDescription || entry.description || entry.titleVerb || entry.kind || 'change',
    ),
    comment: entry.comment || null,
  };
}

/** LaunchDarkly's titles are markdown: "[Alex](mailto:…) updated the flag [X](/…) in `Production`". */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .trim();
}
