/**
 * Unleash (open source, 7.x) as a per-tenant flag provider, over the admin API with an admin token or
 * an admin's personal access token. The token stays in this (main) process: it goes into the
 * Authorization header and nowhere else — never into a message, a log line or an event.
 *
 * The model (details in tenant-lists.ts): in one project and one environment, a flag's tenant
 * overrides are Switchboard's lists — an ON strategy `<contextField> IN [...]` and an OFF list
 * `<contextField> NOT_IN [...]` on every other strategy. Unleash booleans are on/off, shown as the
 * variants {on: true, off: false}.
 *
 * Values and sources, for a tenant (decided by unleash-client's own evaluation, see unleash-evaluate):
 * - 'flag-off': the environment is off (Unleash serves false to everyone);
 * - 'tenant-override': true through Switchboard's ON strategy, or false while on an OFF list;
 * - 'default': true through a strategy that serves everyone (or no strategy at all), or false
 *   because nothing matched;
 * - 'rule': true through any other strategy (constraints, segments, partial rollouts, user ids...),
 *   or false because a parent flag (dependency) is not satisfied.
 *
 * Writes (setTenantValue) are read-modify-writes made safe against other writers:
 * 1. read the flag, plan the list edits (planTenantChange), check Unleash's limit of values per
 *    constraint (from /api/admin/ui-config) before anything is written;
 * 2. read again right before writing: any difference in the environment's strategies → refused;
 * 3. each edit is a JSON Patch that first `test`s the constraints exactly as read, so Unleash itself
 *    refuses it when they changed meanwhile → refused; a failed step rolls the earlier ones back;
 * 4. Unleash's patch is read-then-write without a lock, so two patches in flight at the same moment
 *    both pass their test and the later one overwrites the earlier. After writing, Switchboard waits
 *    until the flag's event log is quiet (`settleMs`), re-reads, and applies any edit of its own that
 *    was overwritten again (every Switchboard does, so concurrent flips converge; none is lost);
 * 5. an edit by someone else (a person in Unleash's UI) that committed inside that window and that
 *    ours overwrote is found in the event log and reported ("applied, but ... that edit is no longer
 *    there"), never hidden. Unleash offers no version check that would close this window.
 * What cannot be decided is refused with "changed by someone else since it was read; retry".
 *
 * What reaches Unleash's own audit trail (its event log): every strategy event carries the token's
 * name (admin token) or the user (personal access token) as `createdBy`, the constraints before and
 * after, and — because Unleash's strategy API takes no comment — Switchboard's actor, reason and
 * audit id in the strategy parameter `switchboardReason`, written with the same patch (so the very
 * event that changed a list says who and why; `history()` reads it back as the comment). Turning the
 * environment on/off takes no body in Unleash: those events have only `createdBy`.
 *
 * Changes (onChange): every `pollIntervalMs` (1 s) the newest entry of the event log is fetched with
 * If-None-Match (304 while nothing happened); when it moved, the project's flags are read again
 * (per-flag ETags, so unchanged flags cost a 304) and the flags whose state differs are announced.
 * Our own writes are announced as soon as they are confirmed. valuesFor() answers from the last
 * state read, without I/O.
 */
import { createHash } from 'node:crypto';
import type {
  FlagEnvironmentState,
  FlagInfo,
  FlagKind,
  FlagValue,
  ProviderEvent,
  TenantFlag,
} from '../../api';
import { type FlagProvider, FlagProviderError, type WriteContext } from '../flag-provider';
import {
  applyDelta,
  type Delta,
  deltaHolds,
  type FieldOp,
  isOffConstraint,
  isOnConstraint,
  isOnStrategy,
  newListStrategy,
  type PlanStep,
  planTenantChange,
  REASON_PARAMETER,
  stableJson,
} from './tenant-lists';
import { Evaluator, type ProjectView } from './unleash-evaluate';
import { UnleashApiError, UnleashHttp } from './unleash-http';
import {
  type Constraint,
  eventSearchSchema,
  type Feature,
  type FeatureEnvironment,
  featureSchema,
  projectFeaturesSchema,
  projectsSchema,
  type Segment,
  type Strategy,
  segmentsSchema,
  strategySchema,
  type UnleashEvent,
  uiConfigSchema,
} from './unleash-schemas';

export interface UnleashFlagProviderOptions {
  /** Unleash's base URL, e.g. https://unleash.example.com or http://127.0.0.1:4242 */
  url: string;
  /** an admin API token or an admin's personal access token; stays in the main process */
  token: string;
  /** default "default" */
  project?: string;
  /** default "development" */
  environment?: string;
  /** the Unleash context field that carries the tenant id (default "customerId") */
  contextField?: string;
  /** per HTTP request (default 10 s) */
  timeoutMs?: number;
  /** change polling while someone listens (default 1000 ms) */
  pollIntervalMs?: number;
  /**
   * After a write, how long the flag's event log must stay quiet before the write counts as settled
   * (default 300 ms; see settle()).
   */
  settleMs?: number;
  fetch?: typeof fetch;
}

/** Unleash's default when /api/admin/ui-config does not say (UNLEASH_CONSTRAINT_VALUES_LIMIT). */
const DEFAULT_CONSTRAINT_VALUES_LIMIT = 250;
const VARIANTS = { on: true, off: false } as const;

export class UnleashFlagProvider implements FlagProvider {
  readonly kind = 'unleash';
  readonly label: string;

  private readonly http: UnleashHttp;
  private readonly project: string;
  private readonly environment: string;
  private readonly contextField: string;
  private readonly pollIntervalMs: number;
  private readonly settleMs: number;

  private view: ProjectView | null = null;
  private viewAt = 0;
  private evaluator: Evaluator | null = null;
  private fingerprints = new Map<string, string>();
  private readonly featureEtags = new Map<string, { etag: string; feature: Feature }>();
  private readonly memo = new Map<string, Map<string, boolean>>();
  private refreshing: Promise<ProjectView> | null = null;
  private adoptSeq = 0;
  private readonly writes = new Map<string, Promise<void>>();

  private readonly listeners = new Set<(change: { flagKeys: string[]; etag: string }) => void>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private headEtag: string | null = null;
  private headId: number | null = null;
  private eventsUsable = true;
  private constraintLimit: number | null = null;
  private contextFieldReady = false;
  private targetChecked = false;
  private closed = false;
  /** why the last read of the project failed (poll or refresh); null once one worked */
  private readError: string | null = null;

  constructor(options: UnleashFlagProviderOptions) {
    this.http = new UnleashHttp({
      url: options.url,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? fetch,
    });
    this.project = options.project ?? 'default';
    this.environment = options.environment ?? 'development';
    this.contextField = options.contextField ?? 'customerId';
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.settleMs = options.settleMs ?? 300;
    this.label = `Unleash ${new URL(this.http.base).host} (${this.environment})`;
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────────

  async listFlags(): Promise<FlagInfo[]> {
    const view = await this.freshView();
    const evaluator = this.evaluatorFor(view);
    return [...view.features.values()].map((feature) => this.flagInfo(feature, evaluator));
  }

  /** From the features already read: Unleash returns every environment of a feature with it. */
  async environmentStates(): Promise<Record<string, FlagEnvironmentState[]>> {
    const view = await this.freshView();
    return Object.fromEntries(
      [...view.features.values()].map((feature) => [
        feature.name,
        feature.environments.map((e) => ({
          environment: e.name,
          enabled: e.enabled,
          current: e.name === this.environment,
        })),
      ]),
    );
  }

  async tenantFlags(tenantId: string): Promise<TenantFlag[]> {
    const view = await this.freshView();
    const evaluator = this.evaluatorFor(view);
    return [...view.features.values()].map((feature) => {
      const { value, source } = evaluator.evaluate(feature.name, tenantId);
      return { ...this.flagInfo(feature, evaluator), value, variant: value ? 'on' : 'off', source };
    });
  }

  /** From the last state read: no I/O. An unknown flag (or nothing read yet) gives an empty map. */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    const values = new Map<string, FlagValue>();
    const view = this.view;
    if (!view?.features.has(flagKey)) return values;
    const evaluator = this.evaluatorFor(view);
    let known = this.memo.get(flagKey);
    if (!known) {
      known = new Map();
      this.memo.set(flagKey, known);
    }
    for (const tenantId of tenantIds) {
      let value = known.get(tenantId);
      if (value === undefined) {
        value = evaluator.isEnabled(flagKey, tenantId);
        known.set(tenantId, value);
      }
      values.set(tenantId, value);
    }
    return values;
  }

  /** Read the flag from the admin API now and evaluate it for the tenant as the SDK would. */
  async servedValue(flagKey: string, tenantId: string): Promise<FlagValue> {
    const view = await this.viewWithFresh(flagKey);
    await this.adoptFlag(view);
    return new Evaluator(view, this.environment, this.contextField).evaluate(flagKey, tenantId).value;
  }

  async history(query: { flagKey?: string; limit: number }): Promise<ProviderEvent[]> {
    const limit = Math.max(1, Math.min(query.limit, 500));
    const params = new URLSearchParams({ limit: String(Math.min(1000, Math.max(50, limit * 3))) });
    if (query.flagKey) params.set('feature', `IS:${query.flagKey}`);
    else params.set('project', `IS:${this.project}`);
    const answer = await this.http.request(
      'GET',
      `/api/admin/search/events?${params}`,
      query.flagKey
        ? `read the event log of flag ${query.flagKey}`
        : `read the event log of project ${this.project}`,
      { schema: eventSearchSchema },
    );
    return (answer.body?.events ?? [])
      .filter((event) => !event.environment || event.environment === this.environment)
      .slice(0, limit)
      .map((event) => this.providerEvent(event));
  }

  // ── writes ─────────────────────────────────────────────────────────────────────────────────────

  /** Writes to one flag from this process run one after the other (they would only race each other). */
  setTenantValue(flagKey: string, tenantId: string, value: FlagValue, ctx: WriteContext): Promise<void> {
    return this.queued(flagKey, () => this.writeTenantValue(flagKey, tenantId, value, ctx));
  }

  private async writeTenantValue(
    flagKey: string,
    tenantId: string,
    value: FlagValue,
    ctx: WriteContext,
  ): Promise<void> {
    if (typeof value !== 'boolean') {
      throw new FlagProviderError(
        `Unleash flags are on/off: "${flagKey}" takes true or false, not ${JSON.stringify(value)}`,
      );
    }
    const what = `${flagKey} for ${tenantId}`;
    const note = reasonNote(tenantId, value, ctx);

    const read = await this.viewWithFresh(flagKey);
    const environment = this.environmentIn(read, flagKey);
    if (value && !environment.enabled) {
      throw new FlagProviderError(
        `${flagKey} is off for everyone in ${this.environment} (Unleash serves false to every tenant): turn it on before setting a tenant to true`,
      );
    }
    const evaluator = new Evaluator(read, this.environment, this.contextField);
    const steps = planTenantChange(environment, this.contextField, tenantId, value, (strategies) =>
      evaluator.isEnabledWith(flagKey, tenantId, strategies),
    );
    if (steps.length === 0) {
      await this.adoptFlag(read);
      return;
    }
    await this.ensureContextField();
    await this.checkLimits(flagKey, steps);

    const since = await this.latestEventId(flagKey);
    // Right before writing: what we planned from must still be what is there.
    const again = this.environmentIn(await this.viewWithFresh(flagKey), flagKey);
    if (strategiesFingerprint(again) !== strategiesFingerprint(environment)) {
      throw conflict(what, 'nothing was changed');
    }

    const notes = noteSeries(note);
    const applied: Applied[] = [];
    for (const step of steps) {
      try {
        applied.push(await this.writeStep(flagKey, what, step, notes));
      } catch (error) {
        const undone = await this.rollBack(flagKey, what, applied, noteSeries(`${note} — rolled back`));
        throw this.writeFailure(what, step, error, undone);
      }
    }
    await this.settle(flagKey, what, applied, notes);
    await this.checkForeignEdits(flagKey, what, applied, tenantId, since);
    await this.adoptFlag(await this.viewWithFresh(flagKey));
  }

  /** Unleash's environment switch: off serves false to every tenant (its list edits stay). */
  setFlagEnabled(flagKey: string, enabled: boolean, _ctx: WriteContext): Promise<void> {
    return this.queued(flagKey, async () => {
      // Unleash's on/off endpoints take no body: the reason stays in Switchboard's audit (see module comment).
      await this.http.request(
        'POST',
        `${this.featurePath(flagKey)}/environments/${enc(this.environment)}/${enabled ? 'on' : 'off'}`,
        `turn ${flagKey} ${enabled ? 'on' : 'off'} in ${this.environment}`,
      );
      await this.adoptFlag(await this.viewWithFresh(flagKey));
    });
  }

  private queued<T>(flagKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.writes.get(flagKey) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.writes.set(flagKey, settled);
    void settled.then(() => {
      if (this.writes.get(flagKey) === settled) this.writes.delete(flagKey);
    });
    return run;
  }

  /**
   * While Unleash cannot be read (down, token revoked, ...): the console shows the last flags read
   * and refuses writes. Cleared by the next successful read (polled every second while watched).
   */
  problem(): string | null {
    return this.readError;
  }

  /** Unleash has no expiring targets: Switchboard keeps the time box. */
  async scheduleNativeRevert(): Promise<boolean> {
    return false;
  }

  onChange(listener: (change: { flagKeys: string[]; etag: string }) => void): () => void {
    this.listeners.add(listener);
    if (!this.pollTimer && !this.polling && !this.closed) this.schedulePoll(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.pollTimer) {
        clearTimeout(this.pollTimer);
        this.pollTimer = null;
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  // ── the write steps ────────────────────────────────────────────────────────────────────────────

  private async writeStep(
    flagKey: string,
    what: string,
    step: PlanStep,
    notes: () => string,
  ): Promise<Applied> {
    if (step.kind === 'create') {
      const answer = await this.http.request(
        'POST',
        `${this.featurePath(flagKey)}/environments/${enc(this.environment)}/strategies`,
        `add the strategy "${step.title}" to ${flagKey}`,
        {
          body: newListStrategy(flagKey, this.contextField, step.title, step.delta, notes()),
          schema: strategySchema,
        },
      );
      return { step, strategyId: answer.body!.id, written: answer.body!.constraints };
    }
    const written = await this.ensureDelta(flagKey, what, step.strategy, step.delta, notes, true);
    return { step, strategyId: step.strategy.id, written };
  }

  /**
   * Make the delta hold on one strategy with tested patches (Unleash refuses a patch whose `test`
   * of the constraints fails). `planned`: `strategy` is the state the change was planned from and
   * the first patch must apply to exactly it (a failed test is rethrown: the caller refuses the
   * change); afterwards, and otherwise, the strategy is read fresh before each patch.
   */
  private async ensureDelta(
    flagKey: string,
    what: string,
    strategy: Strategy,
    delta: Delta,
    notes: () => string,
    planned: boolean,
  ): Promise<Constraint[]> {
    let current: Strategy | undefined = strategy;
    for (let attempt = 0; attempt < 6; attempt++) {
      const first = attempt === 0;
      if (!(planned && first)) current = await this.currentStrategy(flagKey, strategy.id);
      if (!current)
        throw conflict(what, `the strategy "${strategy.title || strategy.name}" was deleted meanwhile`);
      if (deltaHolds(current, this.contextField, delta)) return current.constraints;
      const { constraints, rollout } = applyDelta(current, this.contextField, delta);
      const ops: FieldOp[] =
        rollout === null ? [] : [{ op: 'add', path: '/parameters/rollout', value: rollout }];
      try {
        return await this.patchStrategy(flagKey, current, constraints, ops, notes());
      } catch (error) {
        if (!isTestFailure(error) || (planned && first)) throw error;
      }
    }
    throw conflict(what, 'the strategy kept changing while it was written');
  }

  /**
   * Unleash applies a patch to the strategy as it read it and then writes the WHOLE strategy back,
   * without a lock: two patches in flight at once both pass their test, and the later write
   * overwrites the earlier. So after writing, wait until the flag's event log has been quiet for
   * `settleMs`, checking that every edit of ours is still there and applying it again when it is
   * not. Concurrent Switchboards all do this, so their edits converge instead of getting lost.
   */
  private async settle(
    flagKey: string,
    what: string,
    applied: readonly Applied[],
    notes: () => string,
  ): Promise<void> {
    let seen = await this.latestEventId(flagKey);
    for (let round = 0; round < 8; round++) {
      await sleep(this.settleMs);
      let repaired = false;
      for (const done of applied) {
        const current = await this.currentStrategy(flagKey, done.strategyId);
        if (!current) throw conflict(what, `the strategy "${strategyName(done.step)}" was deleted meanwhile`);
        if (deltaHolds(current, this.contextField, done.step.delta)) continue;
        await this.ensureDelta(flagKey, what, current, done.step.delta, notes, false);
        repaired = true;
      }
      const now = await this.latestEventId(flagKey);
      if (!repaired && now === seen) return;
      seen = now;
    }
    throw conflict(what, 'applied, but the flag kept changing: check that it stuck');
  }

  /**
   * The one loss a tested patch cannot prevent: someone else's edit (a person in Unleash's UI,
   * another tool) committed inside Unleash's read-then-write of ours, and ours wrote over it. Their
   * event is in the log: what they added or removed (our tenant aside) must still show. Edits by
   * other Switchboards are left out: they check and re-apply their own, as above.
   */
  private async checkForeignEdits(
    flagKey: string,
    what: string,
    applied: readonly Applied[],
    tenantId: string,
    since: number | null,
  ): Promise<void> {
    if (since === null || !this.eventsUsable) return;
    const events = (await this.strategyEvents(flagKey)).filter((e) => e.id > since);
    // Tenants that Switchboards (this one included) were setting meanwhile: theirs to settle.
    const touched = new Set<string>([tenantId]);
    for (const e of events) {
      const tenant = isSwitchboardWrite(e)
        ? noteTenant(strategyData(e.data)?.parameters?.[REASON_PARAMETER])
        : null;
      if (tenant) touched.add(tenant);
    }
    for (const done of applied) {
      const theirs = events.filter(
        (e) => !isSwitchboardWrite(e) && strategyData(e.data)?.id === done.strategyId,
      );
      if (theirs.length === 0) continue;
      const current = await this.currentStrategy(flagKey, done.strategyId);
      for (const event of theirs) {
        const missing = lostValues(strategyData(event.preData), strategyData(event.data), current, touched);
        if (missing.length === 0) continue;
        throw new FlagProviderError(
          `${what}: applied, but it was written at the same moment as an edit of the strategy "${strategyName(done.step)}" by ${event.createdBy ?? 'someone'} (Unleash event ${event.id}), and that edit (${missing.join(', ')}) is no longer there: check Unleash's event log and redo it`,
        );
      }
    }
  }

  private async latestEventId(flagKey: string): Promise<number | null> {
    if (!this.eventsUsable) return null;
    const events = await this.strategyEvents(flagKey, 1, false);
    return events[0]?.id ?? 0;
  }

  /** The flag's newest events (strategy updates only, unless `updatesOnly` is false). */
  private async strategyEvents(flagKey: string, limit = 100, updatesOnly = true): Promise<UnleashEvent[]> {
    try {
      const params = new URLSearchParams({ feature: `IS:${flagKey}`, limit: String(limit) });
      if (updatesOnly) params.set('type', 'IS:feature-strategy-update');
      const answer = await this.http.request(
        'GET',
        `/api/admin/search/events?${params}`,
        `read the event log of ${flagKey}`,
        { schema: eventSearchSchema },
      );
      return answer.body?.events ?? [];
    } catch (error) {
      if (error instanceof UnleashApiError && (error.status === 403 || error.status === 404)) {
        // Without the event log only the read-back protects our own edit (see the module comment).
        this.eventsUsable = false;
        return [];
      }
      throw error;
    }
  }

  /**
   * One JSON Patch: `test` the constraints exactly as read (Unleash refuses the patch when they
   * changed), replace them, set other fields, and note who and why in the reason parameter.
   */
  private async patchStrategy(
    flagKey: string,
    strategy: Strategy,
    constraints: Constraint[],
    ops: readonly FieldOp[],
    note: string,
  ): Promise<Constraint[]> {
    const patch: unknown[] = [
      { op: 'test', path: '/constraints', value: strategy.constraints },
      { op: 'replace', path: '/constraints', value: constraints },
      { op: 'add', path: `/parameters/${REASON_PARAMETER}`, value: note },
      ...ops,
    ];
    const answer = await this.http.request(
      'PATCH',
      `${this.featurePath(flagKey)}/environments/${enc(this.environment)}/strategies/${enc(strategy.id)}`,
      `update the strategy "${strategy.title || strategy.id}" of ${flagKey}`,
      { body: patch, schema: strategySchema },
    );
    return answer.body!.constraints;
  }

  /** Undo applied steps, newest first; returns what could not be undone (empty: nothing left). */
  private async rollBack(
    flagKey: string,
    what: string,
    applied: readonly Applied[],
    notes: () => string,
  ): Promise<string[]> {
    const left: string[] = [];
    for (const done of [...applied].reverse()) {
      const inverse: Delta = { ...done.step.delta, op: done.step.delta.op === 'add' ? 'remove' : 'add' };
      try {
        const current = await this.currentStrategy(flagKey, done.strategyId);
        if (!current) continue;
        if (done.step.kind === 'create' && sameConstraints(current.constraints, done.written)) {
          await this.http.request(
            'DELETE',
            `${this.featurePath(flagKey)}/environments/${enc(this.environment)}/strategies/${enc(done.strategyId)}`,
            `remove the strategy "${current.title}" from ${flagKey}`,
          );
          continue;
        }
        await this.ensureDelta(flagKey, what, current, inverse, notes, false);
      } catch (error) {
        left.push(
          `${describeDelta(done.step.delta)} in strategy "${strategyName(done.step)}" (${errorText(error)})`,
        );
      }
    }
    return left;
  }

  private writeFailure(what: string, step: PlanStep, error: unknown, undone: string[]): Error {
    const after = undone.length
      ? `partly applied, and these edits could not be undone: ${undone.join('; ')}`
      : 'nothing was changed';
    if (
      isTestFailure(error) ||
      (error instanceof UnleashApiError && error.status === 404 && step.kind === 'patch')
    ) {
      return conflict(what, after);
    }
    if (error instanceof UnleashApiError && error.errorName === 'ExceedsLimitError') {
      const limit = Number(
        /limit of (\d+)/.exec(error.detail)?.[1] ?? this.constraintLimit ?? DEFAULT_CONSTRAINT_VALUES_LIMIT,
      );
      this.constraintLimit = limit;
      return limitError(what, limit, limit, step, after);
    }
    return new FlagProviderError(`${what}: ${errorText(error)} (${after})`, isRetryable(error));
  }

  private async checkLimits(flagKey: string, steps: readonly PlanStep[]): Promise<void> {
    const limit = await this.limit();
    for (const step of steps) {
      if (step.kind !== 'patch' || step.delta.op !== 'add') continue;
      const { constraints } = applyDelta(step.strategy, this.contextField, step.delta);
      const isList = step.delta.list === 'on' ? isOnConstraint : isOffConstraint;
      const grown = constraints.find(
        (c) => isList(c, this.contextField) && (c.values ?? []).includes(step.delta.tenant),
      );
      const size = grown?.values?.length ?? 0;
      if (size > limit) {
        throw limitError(`${flagKey} for ${step.delta.tenant}`, limit, size - 1, step, 'nothing was changed');
      }
    }
  }

  private async limit(): Promise<number> {
    if (this.constraintLimit === null) {
      const config = await this.http
        .request('GET', '/api/admin/ui-config', "read Unleash's limits", { schema: uiConfigSchema })
        .catch(() => null);
      this.constraintLimit =
        config?.body?.resourceLimits?.constraintValues ?? DEFAULT_CONSTRAINT_VALUES_LIMIT;
    }
    return this.constraintLimit;
  }

  /** Constraints on an unknown context field are accepted silently, but the UI needs the field. */
  private async ensureContextField(): Promise<void> {
    if (this.contextFieldReady) return;
    const path = `/api/admin/context/${enc(this.contextField)}`;
    const what = `read the context field ${this.contextField}`;
    try {
      await this.http.request('GET', path, what);
    } catch (error) {
      if (!(error instanceof UnleashApiError) || error.status !== 404) throw error;
      try {
        await this.http.request(
          'POST',
          '/api/admin/context',
          `create the context field ${this.contextField}`,
          {
            body: {
              name: this.contextField,
              description: "Tenant (customer) id: Switchboard's per-tenant switches",
              stickiness: false,
              legalValues: [],
            },
          },
        );
      } catch (createError) {
        // Someone else created it meanwhile: fine when it is there now.
        await this.http.request('GET', path, what).catch(() => {
          throw createError;
        });
      }
    }
    this.contextFieldReady = true;
  }

  // ── reading state ──────────────────────────────────────────────────────────────────────────────

  private featurePath(flagKey: string): string {
    return `/api/admin/projects/${enc(this.project)}/features/${enc(flagKey)}`;
  }

  private async fetchFeature(flagKey: string): Promise<Feature | null> {
    const cached = this.featureEtags.get(flagKey);
    try {
      const answer = await this.http.request('GET', this.featurePath(flagKey), `read flag ${flagKey}`, {
        schema: featureSchema,
        ifNoneMatch: cached?.etag ?? null,
      });
      if (answer.status === 304 && cached) return cached.feature;
      const feature = answer.body!;
      if (answer.etag) this.featureEtags.set(flagKey, { etag: answer.etag, feature });
      return feature;
    } catch (error) {
      if (error instanceof UnleashApiError && error.status === 404) {
        this.featureEtags.delete(flagKey);
        return null;
      }
      throw error;
    }
  }

  private async fetchSegments(features: Iterable<Feature>): Promise<Map<number, Segment>> {
    const used = [...features].some((f) =>
      f.environments.some(
        (e) => e.name === this.environment && e.strategies.some((s) => (s.segments ?? []).length > 0),
      ),
    );
    if (!used) return new Map();
    const answer = await this.http.request('GET', '/api/admin/segments', 'read the segments', {
      schema: segmentsSchema,
    });
    return new Map((answer.body?.segments ?? []).map((s) => [s.id, s]));
  }

  /** The whole project as the admin API has it now. */
  private refresh(): Promise<ProjectView> {
    this.refreshing ??= (async () => {
      try {
        // A write adopted newer state while we read: read again (unchanged flags cost a 304).
        for (let round = 0; ; round++) {
          const seq = this.adoptSeq;
          const view = await this.readProject().catch((error: unknown) => {
            this.readError = errorText(error);
            throw error;
          });
          this.readError = null;
          if (this.adoptSeq === seq || round >= 2) {
            this.adopt(view);
            return view;
          }
        }
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async readProject(): Promise<ProjectView> {
    await this.checkTarget();
    const list = await this.http.request(
      'GET',
      `/api/admin/projects/${enc(this.project)}/features`,
      `list the flags of project ${this.project}`,
      { schema: projectFeaturesSchema },
    );
    const names = (list.body?.features ?? []).map((f) => f.name);
    const features = new Map<string, Feature>();
    await forEachLimited(names, 4, async (name) => {
      const feature = await this.fetchFeature(name);
      if (feature) features.set(name, feature);
    });
    const ordered = new Map(names.filter((n) => features.has(n)).map((n) => [n, features.get(n)!]));
    return { features: ordered, segments: await this.fetchSegments(ordered.values()) };
  }

  /**
   * Unleash lists no flags (200, []) for a project that does not exist, and a flag simply lacks an
   * environment that does not exist: say so once instead of showing an empty or all-off console.
   */
  private async checkTarget(): Promise<void> {
    if (this.targetChecked) return;
    const projects = await this.http.request('GET', '/api/admin/projects', 'list the projects', {
      schema: projectsSchema,
    });
    const ids = (projects.body?.projects ?? []).map((p) => p.id);
    if (!ids.includes(this.project)) {
      throw new FlagProviderError(
        `Unleash at ${this.http.origin} has no project "${this.project}" (projects: ${ids.join(', ') || 'none'})`,
      );
    }
    try {
      await this.http.request(
        'GET',
        `/api/admin/environments/${enc(this.environment)}`,
        `read environment ${this.environment}`,
      );
    } catch (error) {
      if (error instanceof UnleashApiError && error.status === 404) {
        throw new FlagProviderError(
          `Unleash at ${this.http.origin} has no environment "${this.environment}"`,
        );
      }
      throw error;
    }
    this.targetChecked = true;
  }

  /** Adopt a view in which one flag was read again; the first state ever is read whole. */
  private async adoptFlag(view: ProjectView): Promise<void> {
    if (!this.view) await this.refresh();
    else {
      this.adoptSeq++;
      this.adopt(view);
    }
  }

  private async freshView(): Promise<ProjectView> {
    if (this.view && Date.now() - this.viewAt < this.pollIntervalMs) return this.view;
    return this.refresh();
  }

  /** The last state with one flag (and what its evaluation needs) read again now. */
  private async viewWithFresh(flagKey: string): Promise<ProjectView> {
    const feature = await this.fetchFeature(flagKey);
    if (!feature) {
      throw new FlagProviderError(`unknown flag "${flagKey}" in Unleash project ${this.project}`);
    }
    const features = new Map(this.view?.features ?? []);
    features.set(flagKey, feature);
    for (const parent of feature.dependencies ?? []) {
      const fresh = await this.fetchFeature(parent.feature);
      if (fresh) features.set(parent.feature, fresh);
      else features.delete(parent.feature);
    }
    const usesSegments = feature.environments.some(
      (e) => e.name === this.environment && e.strategies.some((s) => (s.segments ?? []).length > 0),
    );
    const segments = usesSegments ? await this.fetchSegments([feature]) : (this.view?.segments ?? new Map());
    return { features, segments };
  }

  private environmentIn(view: ProjectView, flagKey: string): FeatureEnvironment {
    const environment = view.features.get(flagKey)?.environments.find((e) => e.name === this.environment);
    if (!environment) {
      throw new FlagProviderError(
        `flag "${flagKey}" has no environment "${this.environment}" in Unleash project ${this.project} (is the environment enabled for the project?)`,
      );
    }
    return environment;
  }

  /** Make `view` the current state; announce the flags whose state differs from before. */
  private adopt(view: ProjectView): void {
    const previous = this.fingerprints;
    const next = new Map<string, string>();
    for (const feature of view.features.values()) next.set(feature.name, this.fingerprint(feature, view));
    const changed = [...next.keys()].filter((key) => previous.get(key) !== next.get(key));
    for (const key of previous.keys()) if (!next.has(key)) changed.push(key);
    const hadView = this.view !== null;
    this.view = view;
    this.viewAt = Date.now();
    this.fingerprints = next;
    this.evaluator = null;
    this.memo.clear();
    if (!hadView || changed.length === 0) return;
    const etag = createHash('sha1')
      .update([...next.entries()].map(([k, v]) => `${k}=${v}`).join('\n'))
      .digest('hex')
      .slice(0, 16);
    for (const listener of [...this.listeners]) {
      try {
        listener({ flagKeys: changed, etag });
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private fingerprint(feature: Feature, view: ProjectView): string {
    const environment = feature.environments.find((e) => e.name === this.environment) ?? null;
    const segmentIds = new Set((environment?.strategies ?? []).flatMap((s) => s.segments ?? []));
    const segments = [...segmentIds].sort().map((id) => view.segments.get(id) ?? null);
    return stableJson({
      type: feature.type,
      description: feature.description,
      dependencies: feature.dependencies ?? [],
      environment,
      segments,
    });
  }

  private evaluatorFor(view: ProjectView): Evaluator {
    if (view !== this.view) return new Evaluator(view, this.environment, this.contextField);
    this.evaluator ??= new Evaluator(view, this.environment, this.contextField);
    return this.evaluator;
  }

  private async currentStrategy(flagKey: string, strategyId: string): Promise<Strategy | undefined> {
    const feature = await this.fetchFeature(flagKey);
    return feature?.environments
      .find((e) => e.name === this.environment)
      ?.strategies.find((s) => s.id === strategyId);
  }

  private flagInfo(feature: Feature, evaluator: Evaluator): FlagInfo {
    return {
      key: feature.name,
      kind: flagKind(feature.type),
      description: feature.description ?? '',
      enabled: evaluator.environmentOf(feature.name)?.enabled ?? false,
      valueType: 'boolean',
      variants: { ...VARIANTS },
      defaultVariant: evaluator.defaultValue(feature.name) ? 'on' : 'off',
      // a feature that is off in the environment answers isEnabled = false to everyone
      offValue: false,
    };
  }

  private providerEvent(event: UnleashEvent): ProviderEvent {
    const data = strategyData(event.data);
    const before = strategyData(event.preData);
    const reason = data?.parameters?.[REASON_PARAMETER];
    const carried = typeof reason === 'string' && reason !== before?.parameters?.[REASON_PARAMETER];
    return {
      id: String(event.id),
      at: event.createdAt,
      provider: this.kind,
      actor: event.createdBy ?? 'unknown',
      flagKey: event.featureName ?? null,
      summary: plainSummary(event),
      comment: carried ? reason : null,
    };
  }

  // ── change polling ─────────────────────────────────────────────────────────────────────────────

  private schedulePoll(delayMs: number): void {
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.poll();
    }, delayMs);
    this.pollTimer.unref?.();
  }

  private async poll(): Promise<void> {
    if (this.closed || this.listeners.size === 0) return;
    this.polling = true;
    try {
      let head: { etag: string | null; id: number } | null = null;
      if (this.eventsUsable) {
        try {
          const answer = await this.http.request(
            'GET',
            '/api/admin/search/events?limit=1',
            'watch the event log',
            {
              schema: eventSearchSchema,
              ifNoneMatch: this.headEtag,
            },
          );
          if (answer.status === 304 && this.view) return;
          head = { etag: answer.etag, id: answer.body?.events[0]?.id ?? 0 };
          if (head.id === this.headId && this.view) {
            this.headEtag = head.etag;
            return;
          }
        } catch (error) {
          if (!(error instanceof UnleashApiError) || (error.status !== 403 && error.status !== 404))
            throw error;
          // Without the event log: read the flags every time (unchanged ones answer 304).
          this.eventsUsable = false;
        }
      }
      await this.refresh();
      // Only after the state is in: a failed read is retried at the next poll.
      if (head) {
        this.headEtag = head.etag;
        this.headId = head.id;
      }
    } catch (error) {
      this.readError = errorText(error);
    } finally {
      this.polling = false;
      if (!this.closed && this.listeners.size > 0 && !this.pollTimer) this.schedulePoll(this.pollIntervalMs);
    }
  }
}

interface Applied {
  step: PlanStep;
  strategyId: string;
  /** the constraints Unleash answered with after the write */
  written: Constraint[];
}

function flagKind(type: string | null | undefined): FlagKind {
  switch (type) {
    case 'kill-switch':
      return 'kill-switch';
    case 'operational':
    case 'permission':
      return 'operational';
    default:
      // 'release', 'experiment' and types of a team's own
      return 'release';
  }
}

/**
 * The note a write carries into Unleash's event (strategy parameter `switchboardReason`), tenant
 * first so that it can be read back: "acme off — alice: floods the broker (Switchboard audit a-1)".
 */
export function reasonNote(tenantId: string, value: boolean, ctx: WriteContext): string {
  return `${tenantId} ${value ? 'on' : 'off'} — ${ctx.actor}: ${ctx.reason} (Switchboard audit ${ctx.auditId})`;
}

function noteTenant(note: unknown): string | null {
  return typeof note === 'string' ? (/^(\S+) (?:on|off) — /.exec(note)?.[1] ?? null) : null;
}

/** The reason note for each write of one change: the first as is, repairs numbered. */
function noteSeries(note: string): () => string {
  let count = 0;
  return () => (count++ === 0 ? note : `${note} (repair ${count - 1})`);
}

function conflict(what: string, after: string): FlagProviderError {
  return new FlagProviderError(`${what}: changed by someone else since it was read; retry (${after})`, true);
}

function limitError(
  what: string,
  limit: number,
  listed: number,
  step: PlanStep,
  after: string,
): FlagProviderError {
  const list = step.delta.list === 'on' ? 'on list (IN)' : 'off list (NOT_IN)';
  return new FlagProviderError(
    `${what}: Unleash allows ${limit} values per constraint (UNLEASH_CONSTRAINT_VALUES_LIMIT); this flag already targets ${listed} tenants with its ${list} in the strategy "${strategyName(step)}": raise the limit or use a segment (${after})`,
  );
}

function strategyName(step: PlanStep): string {
  return step.kind === 'create' ? step.title : step.strategy.title || step.strategy.name;
}

function describeDelta(delta: Delta): string {
  return `${delta.op === 'add' ? 'added' : 'removed'} ${delta.tenant} ${delta.op === 'add' ? 'to' : 'from'} the ${delta.list} list`;
}

function strategiesFingerprint(environment: FeatureEnvironment): string {
  const strategies = [...environment.strategies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return stableJson(
    strategies.map((s) => ({
      id: s.id,
      name: s.name,
      on: isOnStrategy(s),
      disabled: s.disabled ?? false,
      constraints: s.constraints,
      parameters: s.parameters,
      segments: s.segments ?? [],
    })),
  );
}

/** A write made by a Switchboard: it set a new reason note (a person's edit in Unleash's UI does not). */
function isSwitchboardWrite(event: UnleashEvent): boolean {
  const reason = strategyData(event.data)?.parameters?.[REASON_PARAMETER];
  return typeof reason === 'string' && reason !== strategyData(event.preData)?.parameters?.[REASON_PARAMETER];
}

type StrategyData = ReturnType<typeof strategyData>;

/** List values per constraint (context field, operator, inversion), as sets. */
function listValues(data: StrategyData): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const c of data?.constraints ?? []) {
    const key = JSON.stringify([c.contextName, c.operator, !!c.inverted]);
    const set = map.get(key) ?? new Set<string>();
    for (const v of c.values ?? []) set.add(v);
    map.set(key, set);
  }
  return map;
}

/** What an edit (before → after) added or removed that `current` no longer shows, `ignore` aside. */
function lostValues(
  before: StrategyData,
  after: StrategyData,
  current: Strategy | undefined,
  ignore: Set<string>,
) {
  const was = listValues(before);
  const is = listValues(after);
  const now = listValues(current ?? null);
  const lost: string[] = [];
  for (const key of new Set([...was.keys(), ...is.keys()])) {
    const [field, operator] = JSON.parse(key) as [string, string];
    const a = was.get(key) ?? new Set<string>();
    const b = is.get(key) ?? new Set<string>();
    const c = now.get(key) ?? new Set<string>();
    for (const v of b) if (!a.has(v) && !c.has(v) && !ignore.has(v)) lost.push(`${field} ${operator} +${v}`);
    for (const v of a) if (!b.has(v) && c.has(v) && !ignore.has(v)) lost.push(`${field} ${operator} -${v}`);
  }
  return lost;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sameConstraints(a: unknown, b: unknown): boolean {
  return stableJson(a ?? []) === stableJson(b ?? []);
}

/** A strategy as event data carries it (only what is compared). */
function strategyData(data: unknown): {
  id?: string;
  title?: string | null;
  disabled?: boolean | null;
  segments?: number[] | null;
  constraints?: Constraint[];
  parameters?: Record<string, unknown>;
} | null {
  if (!data || typeof data !== 'object') return null;
  return data as NonNullable<ReturnType<typeof strategyData>>;
}

function isTestFailure(error: unknown): boolean {
  return (
    error instanceof UnleashApiError &&
    (/TEST_OPERATION_FAILED|Test operation failed/i.test(error.detail) ||
      /TEST_OPERATION_FAILED/.test(error.message))
  );
}

function isRetryable(error: unknown): boolean {
  return error instanceof FlagProviderError && error.retryable;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Unleash's markdown summary as plain text ("**x** updated **[f](url)**" → "x updated f"). */
function plainSummary(event: UnleashEvent): string {
  const text = event.summary ?? event.label ?? event.type;
  return text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*/g, '');
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}
