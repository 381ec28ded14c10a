/**
 * `npm run bench [-- <name filter>]`: runs every `bench/*.bench.ts`, prints its figures and records
 * them by name in bench/results.json as {"<figure>": {value, unit, date, machine}}. Figures not run
 * this time keep their previous record.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Figure {
  value: number;
  unit: 'ms' | 'fps' | 'MB' | 'msg/s' | '%';
  note?: string;
}
export type BenchResult = Record<string, Figure>;

const benchDir = import.meta.dirname;
const resultsPath = join(benchDir, 'results.json');

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu';
  return `${cpu} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = (await readdir(benchDir)).filter(
    (f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)),
  );
  const previous = JSON.parse(await readFile(resultsPath, 'utf8').catch(() => '{}')) as Record<
    string,
    unknown
  >;
  const date = new Date().toISOString();
  const host = machine();
  console.log(`machine: ${host}`);
  for (const file of files.sort()) {
    console.log(`\n▶ ${file}`);
    const module = (await import(pathToFileURL(join(benchDir, file)).href)) as {
      default: () => Promise<BenchResult>;
    };
    const figures = await module.default();
    for (const [name, figure] of Object.entries(figures)) {
      console.log(
        `  ${name.padEnd(28)} ${String(round(figure.value)).padStart(10)} ${figure.unit}${figure.note ? `  (${figure.note})` : ''}`,
      );
      previous[name] = {
        value: round(figure.value),
        unit: figure.unit,
        date,
        machine: host,
        ...(figure.note ? { note: figure.note } : {}),
      };
    }
  }
  await writeFile(resultsPath, `${JSON.stringify(previous, null, 2)}\n`);
  console.log(`\nrecorded in ${resultsPath}`);
}

const round = (n: number): number => Math.round(n * 100) / 100;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
