/**
 * Flip to effect: from the `actions.flip` call (schema check, durable audit line, flags file written
 * atomically, read-back) to the simulated tenant's OFREP client seeing the new value over SSE + one
 * bulk evaluation — the moment it stops (or resumes) publishing. 100 flips on loopback, 50 tenants.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleConsole, type ConsoleParts } from '../electron/core/console-core';
import type { OfrepGate } from '../electron/core/flags/ofrep-gate/ofrep-gate';
import type { BenchResult } from './run';

const FLIPS = 100;
const TENANT = 'globex';

export default async function run(): Promise<BenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-flip-'));
  const { core, parts } = await assembleConsole({
    dataDir,
    host: 'web',
    tenants: 50,
    ofrepPort: 0,
    spikeAfterMs: null,
  });
  try {
    await (parts.gate as OfrepGate).whenIdle();
    const samples: number[] = [];
    for (let i = 0; i < FLIPS; i++) {
      const publish = i % 2 === 1;
      const started = performance.now();
      const seen = gateSees(parts, TENANT, publish);
      await core.call(
        'actions.flip',
        { tenantId: TENANT, publish, reason: `bench flip ${i}` },
        { actor: 'bench' },
      );
      await seen;
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    return {
      flip_to_effect_median_ms: {
        value: quantile(samples, 0.5),
        unit: 'ms',
        note: `${FLIPS} flips, 50 tenants, loopback`,
      },
      flip_to_effect_p99_ms: {
        value: quantile(samples, 0.99),
        unit: 'ms',
        note: `${FLIPS} flips, 50 tenants, loopback`,
      },
    };
  } finally {
    await core.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function gateSees(parts: ConsoleParts, tenantId: string, allowed: boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = (parts.gate as OfrepGate).onChange(() => {
      if ((parts.gate as OfrepGate).allowed(tenantId) !== allowed) return;
      off();
      resolve();
    });
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
