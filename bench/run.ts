/**
 * `npm run bench [-- <name filter>]`: runs every `bench/*.bench.ts`, prints its figures and records
 * them by name in bench/results.json as {"<figure>": {value, unit, date, machine, note}}. Figures
 * not run this time keep their previous record.
 *
 * A failed figure (a trial timed out, nothing could be measured) is printed and recorded with a
 * `failed` reason (value null when nothing was measured); a benchmark that throws is reported and
 * the others still run. Either way the run exits non-zero. In quick mode (SWITCHBOARD_BENCH_QUICK=1,
 * a smoke test) nothing is recorded.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BenchResult,
  exitCleanlyOnSignals,
  formatFigure,
  isFailure,
  QUICK,
  round,
} from './bench-harness';

export type { BenchResult, Figure } from './bench-harness';

const benchDir = import.meta.dirname;
const resultsPath = join(benchDir, 'results.json');

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu';
  return `${cpu} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

async function main(): Promise<void> {
  exitCleanlyOnSignals();
  const filter = process.argv[2];
  const files = (await readdir(benchDir)).filter(
    (f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)),
  );
  if (files.length === 0) throw new Error(`no benchmark file matches "${filter}"`);
  const previous = JSON.parse(await readFile(resultsPath, 'utf8').catch(() => '{}')) as Record<
    string,
    unknown
  >;
  const date = new Date().toISOString();
  const host = machine();
  console.log(`machine: ${host}`);
  if (QUICK) console.log('quick mode (SWITCHBOARD_BENCH_QUICK=1): a smoke test, nothing is recorded');
  const failures: string[] = [];
  for (const file of files.sort()) {
    console.log(`\n▶ ${file}`);
    let figures: BenchResult;
    try {
      const module = (await import(pathToFileURL(join(benchDir, file)).href)) as {
        default: () => Promise<BenchResult>;
      };
      figures = await module.default();
    } catch (error) {
      console.error(`  ✗ ${file} failed:`, error);
      failures.push(file);
      continue;
    }
    for (const [name, figure] of Object.entries(figures)) {
      console.log(formatFigure(name, figure));
      if (isFailure(figure)) failures.push(name);
      previous[name] = {
        value: Number.isFinite(figure.value) ? round(figure.value) : null,
        unit: figure.unit,
        date,
        machine: host,
        ...(figure.note ? { note: figure.note } : {}),
        ...(figure.failed ? { failed: figure.failed } : {}),
      };
    }
  }
  if (!QUICK) {
    await writeFile(resultsPath, `${JSON.stringify(previous, null, 2)}\n`);
    console.log(`\nrecorded in ${resultsPath}`);
  }
  if (failures.length > 0) {
    console.error(`\nFAILED: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
