import { afterEach, beforeEach } from 'vitest';
import type { FlagProvider } from '../../flags/flag-provider';
import { ApprovalService } from '../approval-service';
import { AuditLog } from '../audit-log';
import type { ChangeOrigin } from '../change-origin';
import { EffectTracker } from '../effect-tracker';
import { FlagToggleService } from '../flag-toggle-service';
import { FlipService } from '../flip-service';
import { settleInterruptedChanges } from '../interrupted-changes';
import type { PendingRevert } from '../pending-revert';
import { revertThrough } from '../revert-route';
import { type RevertFailure, TimeBox } from '../time-box';
import { FakeClock } from './fake-clock';
import { MemoryFlagProvider, testFlags } from './memory-flag-provider';
import { makeTempDir } from './temp-dir';

export interface FlipFixtureOptions<P extends FlagProvider> {
  dataDir: string;
  clock?: FakeClock;
  provider?: P;
  /** the profile the services act in (default: none named) */
  origin?: ChangeOrigin;
  tenants?: string[];
  readOnly?: boolean;
  rates?: Map<string, number>;
}

/**
 * The actions wired the way the core wires them, over one data directory, with a fake clock —
 * including the start-up settling of changes an earlier run left pending (`settled`).
 */
export async function openFlipFixture<P extends FlagProvider = MemoryFlagProvider>(
  options: FlipFixtureOptions<P>,
) {
  const clock = options.clock ?? new FakeClock();
  const provider =
    options.provider ?? (new MemoryFlagProvider(structuredClone(testFlags)) as FlagProvider as P);
  const { origin } = options;
  const tenants = new Set(options.tenants ?? ['acme', 'globex']);
  const rates = options.rates ?? new Map<string, number>();
  const state = { readOnly: options.readOnly ?? false };
  const failures: RevertFailure[] = [];
  /** every list the time box announced, in order */
  const timeBoxChanges: PendingRevert[][] = [];
  let ids = 0;
  const isReadOnly = () => state.readOnly;
  const newId = () => `a${++ids}-${clock.now()}`;
  const audit = await AuditLog.open({ dataDir: options.dataDir });
  const effects = new EffectTracker({ audit, latestRate: (id) => rates.get(id) ?? null, now: clock.now });
  const timeBox = new TimeBox({
    dataDir: options.dataDir,
    now: clock.now,
    timers: clock,
    revert: revertThrough(
      () => flips,
      () => toggles,
    ),
    onRevertFailed: (failure) => failures.push(failure),
    onChange: (reverts) => timeBoxChanges.push(reverts),
  });
  const flips: FlipService = new FlipService({
    provider,
    audit,
    tenantExists: (id) => tenants.has(id),
    isReadOnly,
    reverts: timeBox,
    effects,
    origin,
    now: clock.now,
    newId,
  });
  const toggles: FlagToggleService = new FlagToggleService({
    provider,
    audit,
    isReadOnly,
    reverts: timeBox,
    origin,
    now: clock.now,
    newId,
  });
  const approvals = new ApprovalService({ provider, audit, isReadOnly, origin, now: clock.now });
  await timeBox.start();
  const settled = await settleInterruptedChanges(audit, { flips, toggles });
  const close = async () => {
    await timeBox.stop();
    await audit.close();
  };
  return {
    clock,
    provider,
    tenants,
    rates,
    state,
    failures,
    timeBoxChanges,
    audit,
    effects,
    timeBox,
    flips,
    toggles,
    approvals,
    settled,
    close,
  };
}

export type FlipFixture<P extends FlagProvider = MemoryFlagProvider> = Awaited<
  ReturnType<typeof openFlipFixture<P>>
>;

/**
 * A fresh data directory and fixture per test, closed and removed after it. Tests may replace `fx`
 * (a restart over the same `dir`); the last one is closed.
 */
export function useFlipFixture(): { dir: string; fx: FlipFixture } {
  const current = {} as { dir: string; fx: FlipFixture };
  let remove: () => Promise<void> = async () => {};
  beforeEach(async () => {
    ({ dir: current.dir, remove } = await makeTempDir());
    current.fx = await openFlipFixture({ dataDir: current.dir });
  });
  afterEach(async () => {
    await current.fx.close();
    await remove();
  });
  return current;
}
