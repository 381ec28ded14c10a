/**
 * Flip to effect: from the `actions.flip` call (schema check, durable audit line, flags file written
 * atomically, read-back) to the simulated tenant's OFREP client seeing the new value over SSE + one
 * evaluation — the moment it stops (or resumes) publishing. On loopback, at 50 and at 10,000
 * simulated tenants; at 10,000 both with no other tenant off (the flags file as shipped: each flip is
 * the flag's first override or the removal of its last) and with one already off (`_hinted`: each
 * flip only edits the override lists). The server's change event names the flipped tenant in both
 * cases and the gate re-checks it first; until 2026-11-26 it named no one in the first case, and the
 * gate found the tenant in list order (0.9 s median, 2.3 s p99 at 10,000).
 *
 * Each round switches one tenant off and back on (two measured flips). The tenants are spread over
 * the whole list and visited in a seeded random order (see flip-targets.ts): a client that re-fetched
 * tenants in list order would see the last ones late, and the note's first-half/second-half medians
 * show whether it does. Between flips the gate is left to finish re-checking every other tenant
 * (unmeasured), as it would be between an operator's flips.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleTenantIds } from '../demo/publisher/tenant-load';
import { assembleConsole } from '../electron/core/console-core';
import type { ConsoleCore } from '../electron/core/console-core.types';
import { OfrepGate } from '../electron/core/flags/ofrep-gate/ofrep-gate';
import { type BenchResult, type Figure, runIfMain, sized, withCleanups } from './bench-harness';
import { byHalf, flipSchedule } from './flip-targets';
import { ascending, median, quantile } from './sample-stats';

/** measured flips per size: half switch a tenant off, half switch it back on */
const FLIPS = sized(100, 10);
/** a flip the gate has not seen by then is a failure */
const SEEN_TIMEOUT_MS = 10_000;

export default async function run(): Promise<BenchResult> {
  const small = await flipToEffect(50);
  const large = await flipToEffect(10_000);
  const hinted = await flipToEffect(10_000, true);
  return {
    flip_to_effect_median_ms: figure(small, 0.5),
    flip_to_effect_p99_ms: figure(small, 0.99),
    flip_to_effect_10k_median_ms: figure(large, 0.5),
    flip_to_effect_10k_p99_ms: figure(large, 0.99),
    flip_to_effect_10k_hinted_median_ms: figure(hinted, 0.5),
    flip_to_effect_10k_hinted_p99_ms: figure(hinted, 0.99),
  };
}

interface Measured {
  tenants: number;
  distinct: number;
  standingOff: boolean;
  /** ms per flip that was seen, with the flipped tenant's position in the list */
  flips: { position: number; value: number }[];
  /** flips the gate never saw */
  unseen: number;
}

/**
 * `standingOff`: another tenant is switched off first (unmeasured), so every measured flip only
 * edits the flag's overrides. Without it each flipped tenant is the only one off — the flag's first
 * override and its removal, which change every other tenant's reason (STATIC ↔ DEFAULT) but not its
 * value: the first kill switch of an incident on a fresh flags file.
 */
async function flipToEffect(tenants: number, standingOff = false): Promise<Measured> {
  return withCleanups(async (cleanups) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-flip-'));
    cleanups.add('data dir', () => rm(dataDir, { recursive: true, force: true, maxRetries: 3 }));
    const { core, parts } = await assembleConsole({
      dataDir,
      host: 'web',
      tenants,
      ofrepPort: 0,
      spikeAfterMs: null,
    });
    cleanups.add('console', () => core.stop());
    const gate = parts.gate;
    if (!(gate instanceof OfrepGate)) throw new Error('the simulated workload runs no OFREP gate');
    // The last simulated tenants are known only once traffic has named them.
    await firstTick(core);
    await gate.whenIdle();

    const ids = consoleTenantIds(tenants);
    const rounds = FLIPS / 2;
    const distinct = Math.min(tenants, rounds);
    const measured: Measured = { tenants, distinct, standingOff, flips: [], unseen: 0 };
    const schedule = flipSchedule(tenants, distinct, rounds);
    if (standingOff) {
      const other = ids.find((_, i) => !schedule.includes(i));
      if (other === undefined) throw new Error('every tenant is flipped: none left to stay off');
      await core.call(
        'actions.flip',
        { tenantId: other, publish: false, reason: 'bench: a tenant that stays off' },
        { actor: 'bench' },
      );
      await gate.whenIdle();
    }
    const began = performance.now();
    for (const [round, position] of schedule.entries()) {
      for (const publish of [false, true]) {
        const tenantId = ids[position]!;
        const started = performance.now();
        const seen = gateSees(gate, tenantId, publish);
        await core.call(
          'actions.flip',
          { tenantId, publish, reason: `bench flip ${round} ${publish ? 'on' : 'off'}` },
          { actor: 'bench' },
        );
        if (await seen) measured.flips.push({ position, value: performance.now() - started });
        else {
          measured.unseen++;
          console.error(
            `  ${tenants} tenants: the gate did not see ${tenantId} switched ${publish ? 'on' : 'off'}`,
          );
        }
        await gate.whenIdle();
      }
    }
    const elapsed = ((performance.now() - began) / 1000).toFixed(0);
    console.log(`  ${tenants} tenants${standingOff ? ', another off' : ''}: ${FLIPS} flips in ${elapsed} s`);
    return measured;
  });
}

function figure(measured: Measured, q: number): Figure {
  const { tenants, distinct, standingOff, flips, unseen } = measured;
  const sorted = ascending(flips.map((f) => f.value));
  const halves = byHalf(flips, tenants);
  const count = (n: number) => n.toLocaleString('en-US');
  return {
    value: q === 0.5 ? median(sorted) : quantile(sorted, q),
    unit: 'ms',
    note:
      `${flips.length + unseen} flips (off and on) of ${count(distinct)} tenants spread over ${count(tenants)}, loopback, ` +
      (standingOff
        ? 'another tenant already off; '
        : "no other tenant off (each flip is the flag's first override or the removal of its last); ") +
      `median for the list's first half ${median(halves.first).toFixed(1)} ms, second half ${median(halves.second).toFixed(1)} ms`,
    ...(unseen > 0
      ? { failed: `${unseen} flips not seen by the gate within ${SEEN_TIMEOUT_MS / 1000} s` }
      : {}),
  };
}

/** Resolves true once the gate reports the tenant at `allowed`, false after SEEN_TIMEOUT_MS. */
function gateSees(gate: OfrepGate, tenantId: string, allowed: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(false);
    }, SEEN_TIMEOUT_MS);
    const off = gate.onChange(() => {
      if (gate.allowed(tenantId) !== allowed) return;
      clearTimeout(timer);
      off();
      resolve(true);
    });
  });
}

function firstTick(core: ConsoleCore): Promise<void> {
  return new Promise((resolve) => {
    const off = core.subscribe((event) => {
      if (event !== 'traffic.onTick') return;
      off();
      resolve();
    });
  });
}

await runIfMain(import.meta.url, run);
