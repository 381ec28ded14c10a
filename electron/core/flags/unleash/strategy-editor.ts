/**
 * The edits of one tenant change, written to Unleash's strategies: each a JSON Patch that first
 * `test`s the constraints exactly as read (Unleash refuses it when they changed meanwhile), then —
 * because Unleash's patch is read-then-write without a lock — settled against concurrent writers,
 * and undone newest first when a later step fails.
 */
import { errorText } from '../../errors/error-text';
import { FlagProviderError } from '../flag-provider';
import type { FeatureReader } from './feature-reader';
import {
  applyDelta,
  type Delta,
  deltaHolds,
  type FieldOp,
  newListStrategy,
  type PlanStep,
  REASON_PARAMETER,
  stableJson,
  strategyName,
} from './tenant-lists';
import type { UnleashEventLog } from './unleash-event-log';
import { UnleashApiError } from './unleash-http';
import { type Constraint, type Strategy, strategySchema } from './unleash-schemas';
import type { UnleashScope } from './unleash-scope';

/** A step that was written. */
export interface Applied {
  step: PlanStep;
  strategyId: string;
  /** the constraints Unleash answered with after the write */
  written: Constraint[];
}

/** Tries at one delta before giving up on a strategy that keeps changing under it. */
const PATCH_ATTEMPTS = 6;
/** Quiet periods waited for before a write that keeps being overwritten is reported. */
const SETTLE_ROUNDS = 8;

export class StrategyEditor {
  constructor(
    private readonly scope: UnleashScope,
    private readonly reader: FeatureReader,
    private readonly log: UnleashEventLog,
    /** how long the flag's event log must stay quiet before a write counts as settled */
    private readonly settleMs: number,
  ) {}

  /** Write one planned step: a new list strategy, or a tested patch of the strategy as planned. */
  async apply(flagKey: string, what: string, step: PlanStep, notes: () => string): Promise<Applied> {
    if (step.kind === 'create') {
      const { contextField } = this.scope;
      const answer = await this.scope.http.request(
        'POST',
        this.scope.strategiesPath(flagKey),
        `add the strategy "${step.title}" to ${flagKey}`,
        {
          body: newListStrategy(flagKey, contextField, step.title, step.delta, notes()),
          schema: strategySchema,
        },
      );
      return { step, strategyId: answer.body!.id, written: answer.body!.constraints };
    }
    const written = await this.ensureDelta(flagKey, what, step.strategy, step.delta, notes, true);
    return { step, strategyId: step.strategy.id, written };
  }

  /**
   * Unleash applies a patch to the strategy as it read it and then writes the WHOLE strategy back,
   * without a lock: two patches in flight at once both pass their test, and the later write
   * overwrites the earlier. So after writing, wait until the flag's event log has been quiet for
   * `settleMs`, checking that every edit of ours is still there and applying it again when it is
   * not. Concurrent Switchboards all do this, so their edits converge instead of getting lost.
   */
  async settle(
    flagKey: string,
    what: string,
    applied: readonly Applied[],
    notes: () => string,
  ): Promise<void> {
    let seen = await this.log.latestId(flagKey);
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      await sleep(this.settleMs);
      let repaired = false;
      for (const done of applied) {
        const current = await this.reader.strategy(flagKey, done.strategyId);
        if (!current) throw conflict(what, `the strategy "${strategyName(done.step)}" was deleted meanwhile`);
        if (deltaHolds(current, this.scope.contextField, done.step.delta)) continue;
        await this.ensureDelta(flagKey, what, current, done.step.delta, notes, false);
        repaired = true;
      }
      const now = await this.log.latestId(flagKey);
      if (!repaired && now === seen) return;
      seen = now;
    }
    throw conflict(what, 'applied, but the flag kept changing: check that it stuck');
  }

  /** Undo applied steps, newest first; returns what could not be undone (empty: nothing left). */
  async rollBack(
    flagKey: string,
    what: string,
    applied: readonly Applied[],
    notes: () => string,
  ): Promise<string[]> {
    const left: string[] = [];
    for (const done of [...applied].reverse()) {
      const inverse: Delta = { ...done.step.delta, op: done.step.delta.op === 'add' ? 'remove' : 'add' };
      try {
        const current = await this.reader.strategy(flagKey, done.strategyId);
        if (!current) continue;
        if (done.step.kind === 'create' && sameConstraints(current.constraints, done.written)) {
          // Nobody else wrote to the strategy we created: remove it whole.
          await this.scope.http.request(
            'DELETE',
            this.scope.strategiesPath(flagKey, done.strategyId),
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
    const { contextField } = this.scope;
    let current: Strategy | undefined = strategy;
    for (let attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
      const first = attempt === 0;
      if (!(planned && first)) current = await this.reader.strategy(flagKey, strategy.id);
      if (!current)
        throw conflict(what, `the strategy "${strategy.title || strategy.name}" was deleted meanwhile`);
      if (deltaHolds(current, contextField, delta)) return current.constraints;
      const { constraints, rollout } = applyDelta(current, contextField, delta);
      const ops: FieldOp[] =
        rollout === null ? [] : [{ op: 'add', path: '/parameters/rollout', value: rollout }];
      try {
        return await this.patch(flagKey, current, constraints, ops, notes());
      } catch (error) {
        if (!isTestFailure(error) || (planned && first)) throw error;
      }
    }
    throw conflict(what, 'the strategy kept changing while it was written');
  }

  /**
   * One JSON Patch: `test` the constraints exactly as read (Unleash refuses the patch when they
   * changed), replace them, set other fields, and note who and why in the reason parameter.
   */
  private async patch(
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
    const answer = await this.scope.http.request(
      'PATCH',
      this.scope.strategiesPath(flagKey, strategy.id),
      `update the strategy "${strategy.title || strategy.id}" of ${flagKey}`,
      { body: patch, schema: strategySchema },
    );
    return answer.body!.constraints;
  }
}

/** The refusal of a change that met someone else's: retryable, since a retry reads the new state. */
export function conflict(what: string, after: string): FlagProviderError {
  return new FlagProviderError(`${what}: changed by someone else since it was read; retry (${after})`, true);
}

/** Unleash refused a patch because its `test` of the constraints failed: they changed meanwhile. */
export function isTestFailure(error: unknown): boolean {
  return (
    error instanceof UnleashApiError &&
    (/TEST_OPERATION_FAILED|Test operation failed/i.test(error.detail) ||
      /TEST_OPERATION_FAILED/.test(error.message))
  );
}

function describeDelta(delta: Delta): string {
  return `${delta.op === 'add' ? 'added' : 'removed'} ${delta.tenant} ${delta.op === 'add' ? 'to' : 'from'} the ${delta.list} list`;
}

function sameConstraints(a: unknown, b: unknown): boolean {
  return stableJson(a ?? []) === stableJson(b ?? []);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
