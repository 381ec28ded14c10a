import { afterEach, beforeEach } from 'vitest';
import { ApprovalService } from '../approval-service';
import { AuditLog } from '../audit-log';
import { EffectTracker } from '../effect-tracker';
import { FlagToggleService } from '../flag-toggle-service';
import { FlipService } from '../flip-service';
import { revertThrough } from '../revert-route';
import { type RevertFailure, TimeBox } from '../time-box';
import { FakeClock } from './fake-clock';
import { MemoryFlagProvider, testFlags } from './memory-flag-provider';
import { makeTempDir } from './temp-dir';

export interface FlipFixtureOptions {
  dataDir: string;
  clock?: FakeClock;
  provider?: MemoryFlagProvider;
  tenants?: string[];
  readOnly?: boolean;
  rates?: Map<string, number>;
}

/** The actions wired the way the core wires them, over one data directory, with a fake clock. */
export async function openFlipFixture(options: FlipFixtureOptions) {
  const clock = options.clock ?? new FakeClock();
  const provider = options.provider ?? new MemoryFlagProvider(structuredClone(testFlags));
  const tenants = new Set(options.tenants ?? ['acme', 'globex']);
  const rates = options.rates ?? new Map<string, number>();
  const state = { readOnly: options.readOnly ?? false };
  const failures: RevertFailure[] = [];
  let ids = 0;
  const isReadOnly = () => state.readOnly;
  const newId = () => `a${++ids}-${clock.now()}`;
  const audit = await AuditLog.open({ dataDir: options.dataDir });
  const effects = new EffectTracker({ audit, latestRate: (id) => rates.get(id) ?? null });
  const timeBox = new TimeBox({
    dataDir: options.dataDir,
    now: clock.now,
    timers: clock,
    revert: revertThrough(
      () => flips,
      () => toggles,
    ),
    onRevertFailed: (failure) => failures.push(failure),
  });
  const flips: FlipService = new FlipService({
    provider,
    audit,
    tenantExists: (id) => tenants.has(id),
    isReadOnly,
    reverts: timeBox,
    effects,
    now: clock.now,
    newId,
  });
  const toggles: FlagToggleService = new FlagToggleService({
    provider,
    audit,
    isReadOnly,
    reverts: timeBox,
    now: clock.now,
    newId,
  });
  const approvals = new ApprovalService({ provider, audit, isReadOnly, now: clock.now });
  await timeBox.start();
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
    audit,
    effects,
    timeBox,
    flips,
    toggles,
    approvals,
    close,
  };
}

export type FlipFixture = Awaited<ReturnType<typeof openFlipFixture>>;

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
