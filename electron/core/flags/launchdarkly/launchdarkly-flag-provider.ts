/**
 * LaunchDarkly (SaaS, REST API v2) as a per-tenant flag provider. A tenant is the context
 * `{kind: <contextKind>, key: <tenant id>}` (kind `tenant` by default); a tenant override is that key
 * in the individual targets (`contextTargets`) of one variation in the configured environment.
 *
 * - Reads list the project's flags with full targeting (ld-flag-listing.ts), and evaluate a tenant
 *   locally where that is certain (ld-evaluate.ts), else through LaunchDarkly's evaluate endpoint.
 *   `valuesFor` answers from the last listing without I/O (ld-known-flags.ts). Flags the console
 *   cannot show (JSON variations, …) are `skippedFlags()`, said in a notice when they change.
 * - The first listing also checks that the environment exists (ld-environment-check.ts): a mistyped
 *   key would otherwise list every flag as "no configuration" and look like an empty project.
 * - Writes are semantic patches with the reason as the comment, read back from the PATCH answer
 *   (ld-flag-writes.ts); native reverts are expiring targets (ld-expiring-targets.ts); a write
 *   refused pending approval can be sent for review (ld-approvals.ts).
 * - LaunchDarkly has no push for admin changes over REST, so `onChange` polls the listing. A listing
 *   that fails (revoked token, rate limit past its retries, outage, no such environment) is
 *   `problem()` until one succeeds: the console then shows the flags as degraded instead of serving
 *   stale values as "ok".
 * - A flip reads only the flag it changes (`readFlag`, GET /flags/{project}/{flag}), never the listing.
 *
 * The access token stays in this process: only the HTTP client holds it, in a private field, and
 * every message is redacted.
 */

import type { FlagEnvironmentState, FlagInfo, FlagValue, ProviderEvent, TenantFlag } from '../../api';
import { errorText } from '../../errors/error-text';
import type { ApprovalRequest, FlagProvider, ProposedChange, WriteContext } from '../flag-provider';
import { flagReadPath } from './ld-api-paths';
import { type ApprovalRequestResult, openApprovalRequest, requestApprovalOf } from './ld-approvals';
import { readAuditHistory } from './ld-audit-history';
import { LdClient } from './ld-client';
import { checkEnvironment } from './ld-environment-check';
import { isLdFailure, LaunchDarklyError } from './ld-errors';
import { LdExpiringTargets } from './ld-expiring-targets';
import { listEnvironmentFlags, listEnvironmentStates } from './ld-flag-listing';
import { flagView, type LdFlagView } from './ld-flag-view';
import { LdFlagWrites } from './ld-flag-writes';
import { LdKnownFlags } from './ld-known-flags';
import { evaluateRemotely, type RemoteEvaluations } from './ld-remote-evaluation';
import { flagSchema, type LdFlag, type LdInstruction } from './ld-schemas';
import { type LdScope, tenantContext } from './ld-scope';
import { type SkippedFlag, skippedFlagsSummary } from './ld-skipped-flags';

export type { ApprovalRequestResult } from './ld-approvals';

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

type Change = { flagKeys: string[]; etag: string };

export class LaunchDarklyFlagProvider implements FlagProvider {
  readonly kind = 'launchdarkly';
  readonly label: string;
  readonly project: string;
  readonly environment: string;
  readonly contextKind: string;

  private readonly scope: LdScope;
  private readonly client: LdClient;
  private readonly closing = new AbortController();
  private readonly options: Required<Pick<LaunchDarklyProviderOptions, 'pollMs' | 'maxListAgeMs' | 'now'>> &
    Pick<LaunchDarklyProviderOptions, 'onNotice'>;
  private readonly known: LdKnownFlags;
  private readonly writes: LdFlagWrites;
  private readonly expiringTargets: LdExpiringTargets;

  private listedAt: number | null = null;
  private listing: Promise<FlagInfo[]> | null = null;
  private polling: Promise<void> | null = null;
  /** the environment is checked until one check succeeds (then a typo cannot appear any more) */
  private environmentChecked = false;
  /** why the last listing failed, as the problem and as the raw error; null once one succeeded */
  private listFailure: { problem: string; error: string } | null = null;
  /** the skipped-flags summary last given as a notice: a notice on change, not on every poll */
  private skippedNoticed: string | null = null;
  private readonly listeners = new Set<(change: Change) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: LaunchDarklyProviderOptions) {
    this.project = options.project;
    this.environment = options.environment;
    this.contextKind = options.contextKind ?? 'tenant';
    this.scope = { project: this.project, environment: this.environment, contextKind: this.contextKind };
    this.label = `LaunchDarkly ${options.project}/${options.environment}`;
    const pollMs = options.pollMs ?? 5_000;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const random = options.random ?? Math.random;
    const now = options.now ?? Date.now;
    this.options = { pollMs, maxListAgeMs: options.maxListAgeMs ?? pollMs, now, onNotice: options.onNotice };
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
    this.known = new LdKnownFlags(this.scope);
    const readFlag = (flagKey: string) => this.fetchFlag(flagKey);
    this.writes = new LdFlagWrites({
      client: this.client,
      scope: this.scope,
      conflictRetries: options.conflictRetries ?? 3,
      sleep,
      random,
      readFlag,
      adopt: (flag) => this.adopt(flag),
      servedFrom: (flag, tenantId) => this.servedFrom(flag, tenantId),
      notice: (message) => this.notice(message),
    });
    this.expiringTargets = new LdExpiringTargets({ client: this.client, scope: this.scope, readFlag });
  }

  /** Flags left out of the last listing, and why (JSON variations, no config for the environment). */
  skippedFlags(): readonly SkippedFlag[] {
    return this.known.skipped();
  }

  /** "2 flags not shown: x (why), y (why)", or null when every flag of the project is shown. */
  skippedFlagsSummary(): string | null {
    return skippedFlagsSummary(this.known.skipped());
  }

  // ── Reads ────────────────────────────────────────────────────────────────────────────────────────

  listFlags(): Promise<FlagInfo[]> {
    this.listing ??= this.load()
      .then(
        () => {
          this.setListFailure(null);
          this.noticeSkipped();
          return this.known.usable().map((view) => view.info);
        },
        (error: unknown) => {
          if (!isLdFailure(error, 'closed')) this.setListFailure(error);
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
    const context = tenantContext(this.scope, tenantId);
    const local = this.known
      .usable()
      .map((view) => ({ view, evaluation: this.known.evaluate(view, context) }));
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
    return this.known.valuesFor(flagKey, tenantIds);
  }

  /** Fresh from LaunchDarkly: the flag is read again (and the evaluate endpoint asked when needed). */
  async servedValue(flagKey: string, tenantId: string): Promise<FlagValue> {
    const view = await this.fetchFlag(flagKey);
    const evaluation = this.known.evaluate(view, tenantContext(this.scope, tenantId));
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

  /** On/off in every environment, asked only when someone looks (the Flags view). */
  environmentStates(): Promise<Record<string, FlagEnvironmentState[]>> {
    return listEnvironmentStates(this.client, this.scope);
  }

  // ── Writes ───────────────────────────────────────────────────────────────────────────────────────

  setTenantValue(flagKey: string, tenantId: string, value: FlagValue, ctx: WriteContext): Promise<void> {
    return this.writes.setTenantValue(flagKey, tenantId, value, ctx);
  }

  setFlagEnabled(flagKey: string, enabled: boolean, ctx: WriteContext): Promise<void> {
    return this.writes.setFlagEnabled(flagKey, enabled, ctx);
  }

  /**
   * LaunchDarkly's expiring targets: at `revertAt` LaunchDarkly itself removes the tenant's individual
   * target. `value` is the value to revert TO; resolves false (Switchboard keeps the time box) unless
   * that removal certainly serves it.
   */
  scheduleNativeRevert(flagKey: string, tenantId: string, value: FlagValue, revertAt: number) {
    return this.expiringTargets.schedule(flagKey, tenantId, value, revertAt);
  }

  /** Withdraw the tenant's expiring target on this flag; false when there was none (nothing written). */
  cancelNativeRevert(flagKey: string, tenantId: string): Promise<boolean> {
    return this.expiringTargets.cancel(flagKey, tenantId);
  }

  /**
   * Ask LaunchDarkly's reviewers to approve a change it refused with 405: the same semantic patch the
   * refused write sent, planned again from the flag as it is now, with the reason as its comment.
   */
  async requestApproval(change: ProposedChange, ctx: WriteContext): Promise<ApprovalRequest> {
    const opened = await requestApprovalOf(this.client, this.scope, change, ctx, (key) =>
      this.fetchFlag(key),
    );
    return { id: opened.id, status: opened.status };
  }

  /**
   * Open an approval request for a change LaunchDarkly refused with 405 (the refused instructions are
   * on the LaunchDarklyError); a reviewer approves and applies it in LaunchDarkly.
   */
  openApprovalRequest(
    flagKey: string,
    instructions: readonly LdInstruction[],
    comment: string,
    options: { description?: string; notifyMemberIds?: string[] } = {},
  ): Promise<ApprovalRequestResult> {
    return openApprovalRequest(this.client, this.scope, flagKey, instructions, comment, options);
  }

  // ── Health, history and changes ──────────────────────────────────────────────────────────────────

  /**
   * Why LaunchDarkly's flags cannot be trusted right now, or null: the last listing failed (a revoked
   * token, rate limits past their retries, an outage, an environment that does not exist), or the
   * project has flags and none of them can be shown. Cleared by the next listing that succeeds.
   * Some flags skipped is no problem — writes to the others are fine — and is `skippedFlags()`.
   */
  problem(): string | null {
    if (this.listFailure !== null) return this.listFailure.problem;
    const shown = this.known.usable().length;
    const summary = this.skippedFlagsSummary();
    return this.listedAt !== null && shown === 0 && summary !== null
      ? `LaunchDarkly project "${this.project}" has flags, but none can be shown in environment "${this.environment}": ${summary}`
      : null;
  }

  /** LaunchDarkly's audit log for the environment (or one flag), newest first. */
  history(query: { flagKey?: string; limit: number }): Promise<ProviderEvent[]> {
    return readAuditHistory(this.client, this.scope, query);
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

  /**
   * List, then (until it once succeeds) check the environment: after the listing, whose failures
   * (token, rate limit) are the common ones and which proves the project exists — so a 404 on the
   * environment means the environment. Only then is the new listing adopted.
   */
  private async load(): Promise<void> {
    const listed = await listEnvironmentFlags(this.client, this.scope);
    if (!this.environmentChecked) {
      const unchecked = await checkEnvironment(this.client, this.scope);
      this.environmentChecked = true;
      if (unchecked !== null) this.notice(unchecked);
    }
    const first = this.listedAt === null;
    const moved = this.known.replaceAll(listed.flags, listed.skipped);
    this.listedAt = this.options.now();
    if (!first && moved.length > 0) this.emit(moved);
  }

  /** A failed listing becomes the problem, and a notice once (not every poll); a good one clears it. */
  private setListFailure(error: unknown): void {
    const failure = error === null ? null : listFailureOf(error);
    if ((failure?.error ?? null) === (this.listFailure?.error ?? null)) return;
    const recovered = failure === null && this.listFailure !== null;
    this.listFailure = failure;
    if (failure !== null) this.notice(`polling LaunchDarkly failed: ${failure.error}`);
    else if (recovered) this.notice('LaunchDarkly answers again: the flag list is current');
  }

  /** Skipped flags are said once when they change, so they never vanish without a word. */
  private noticeSkipped(): void {
    const summary = this.skippedFlagsSummary();
    if (summary === this.skippedNoticed) return;
    this.skippedNoticed = summary;
    if (summary !== null) this.notice(summary);
  }

  /** The flag as LaunchDarkly has it now, stored as the latest state. */
  private async fetchFlag(flagKey: string): Promise<LdFlagView> {
    const flag = await this.client.request(
      { method: 'GET', path: flagReadPath(this.scope, flagKey), what: `read flag ${flagKey}`, safe: true },
      flagSchema,
    );
    const view = flagView(flag, this.environment);
    if ('skipped' in view) {
      throw new LaunchDarklyError(`cannot use flag ${flagKey}: ${view.skipped.reason}`, 'invalid');
    }
    this.adopt(flag);
    return view;
  }

  private async servedFrom(flag: LdFlag, tenantId: string): Promise<FlagValue | null> {
    const view = flagView(flag, this.environment);
    if ('skipped' in view) return null;
    const evaluation = this.known.evaluate(view, tenantContext(this.scope, tenantId));
    if (evaluation.certain) {
      return evaluation.variation === null ? null : (view.values[evaluation.variation] ?? null);
    }
    return (await this.evaluateRemotely(tenantId)).get(flag.key)?.value ?? null;
  }

  /** LaunchDarkly's answers for one tenant, remembered for `valuesFor` while each flag is unchanged. */
  private async evaluateRemotely(tenantId: string): Promise<RemoteEvaluations> {
    const results = await evaluateRemotely(this.client, this.scope, tenantId);
    for (const [flagKey, { value }] of results) this.known.rememberRemote(flagKey, tenantId, value);
    return results;
  }

  /** One flag read or written: kept if newer, and announced if it replaced a known one. */
  private adopt(flag: LdFlag): void {
    if (this.known.adopt(flag)) this.emit([flag.key]);
  }

  private emit(flagKeys: string[]): void {
    if (this.listeners.size === 0) return;
    const etag = this.known.etag();
    for (const listener of this.listeners) listener({ flagKeys, etag });
  }

  private notice(message: string): void {
    this.options.onNotice?.(this.client.redact(message));
  }
}

/** A missing project or environment says so itself: the flag list was never the trouble. */
function listFailureOf(error: unknown): { problem: string; error: string } {
  const text = errorText(error);
  const problem = isLdFailure(error, 'not-found') ? text : `reading LaunchDarkly's flag list failed: ${text}`;
  return { problem, error: text };
}
