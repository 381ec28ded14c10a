import { join } from 'node:path';
import { ApiError, type TenantInfo } from '../api';
import type { DataFileError } from '../storage/data-file-error';
import { DEFAULT_MAX_TENANTS } from './tenant-cap';
import { parseTenantCsv } from './tenant-csv';
import type { TenantImportParse } from './tenant-import-result';
import { parseTenantJson } from './tenant-json-import';
import { type TenantRecord, tenantRecordsSchema } from './tenant-record';
import { readTenantsFile, removeTenantsFile, writeTenantsFile } from './tenants-file';

export interface TenantDirectoryOptions {
  dataDir: string;
  /** file tenants plus tenants seen only in traffic; traffic-only ids beyond it are ignored */
  maxTenants?: number;
}

/** A tenant the simulated workload describes; plan and limit default to none. */
export interface TenantSeed {
  id: string;
  name: string;
  plan?: string | null;
  limit?: number | null;
}

// A rejected import can have thousands of bad rows; the operator needs the first ones and a count.
const MAX_ISSUES = 50;

/**
 * Who the tenants are: `<dataDir>/tenants.json`, then the simulated workload's tenants while one runs
 * (kept in memory, never written: a run with `--tenants 10000` must not leave 10,000 tenants behind),
 * then the tenants seen in traffic that neither names (listed with known:false). An invalid file is
 * reported via `problem()`, left untouched, and imports into it are refused until it is fixed.
 */
export class TenantDirectory {
  readonly path: string;
  private records: Map<string, TenantRecord>;
  private seeded = new Map<string, TenantRecord>();
  private fileExists: boolean;
  private readonly loadProblem: DataFileError | null;
  private readonly observed = new Set<string>();
  private listCache: TenantInfo[] | null = null;
  private readonly listeners = new Set<(tenants: TenantInfo[]) => void>();
  private writes: Promise<unknown> = Promise.resolve();
  private capped = false;

  private constructor(
    path: string,
    records: TenantRecord[],
    fileExists: boolean,
    problem: DataFileError | null,
    readonly maxTenants: number,
  ) {
    this.path = path;
    this.records = new Map(records.map((record) => [record.id, record]));
    this.fileExists = fileExists;
    this.loadProblem = problem;
  }

  static async open(options: TenantDirectoryOptions): Promise<TenantDirectory> {
    const path = join(options.dataDir, 'tenants.json');
    const max = options.maxTenants ?? DEFAULT_MAX_TENANTS;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxTenants must be a count, got ${max}`);
    const read = await readTenantsFile(path);
    if (read.state === 'invalid') return new TenantDirectory(path, [], true, read.error, max);
    if (read.state === 'missing') return new TenantDirectory(path, [], false, null, max);
    return new TenantDirectory(path, read.value.tenants, true, null, max);
  }

  /**
   * File tenants in file order, then the simulated workload's the file does not name, then tenants
   * only seen in traffic, in the order they were seen.
   */
  list(): TenantInfo[] {
    this.listCache ??= [
      ...[...this.records.values()].map(knownInfo),
      ...[...this.seeded.values()].filter((t) => !this.records.has(t.id)).map(knownInfo),
      ...[...this.observed].filter((id) => !this.described(id)).map(unknownInfo),
    ];
    return this.listCache;
  }

  get(id: string): TenantInfo | null {
    const record = this.records.get(id) ?? this.seeded.get(id);
    if (record) return knownInfo(record);
    return this.observed.has(id) ? unknownInfo(id) : null;
  }

  exists(id: string): boolean {
    return this.described(id) || this.observed.has(id);
  }

  problem(): DataFileError | null {
    return this.loadProblem;
  }

  /**
   * Remember tenants seen in traffic, up to `maxTenants` in all; ids beyond it are ignored (see
   * `capReached`). Cheap when nothing is new: it runs on every tick.
   */
  observe(ids: Iterable<string>): void {
    let added = false;
    for (const id of ids) {
      if (id === '' || this.described(id) || this.observed.has(id)) continue;
      if (this.records.size + this.seeded.size + this.observed.size >= this.maxTenants) {
        this.capped = true;
        continue;
      }
      this.observed.add(id);
      added = true;
    }
    if (added) this.changed();
  }

  /** Whether traffic has named more tenants than `maxTenants` and some were ignored. */
  capReached(): boolean {
    return this.capped;
  }

  /** Validate everything first, then upsert by id and write the file atomically — or change nothing. */
  import(format: 'json' | 'csv', content: string): Promise<{ imported: number; total: number }> {
    return this.serially(async () => {
      this.refuseWhenFileInvalid();
      const records = acceptedRecords(format === 'csv' ? parseTenantCsv(content) : parseTenantJson(content));
      const merged = new Map(this.records);
      for (const record of records) merged.set(record.id, record);
      await this.save(merged);
      return { imported: records.length, total: merged.size };
    });
  }

  /**
   * The simulated workload's tenants, known for as long as it runs (none: `[]`), replacing any before.
   * Listed with their names, plans and limits, never written to the file; the file's own entry for
   * an id wins.
   */
  seed(seeds: readonly TenantSeed[]): void {
    this.seeded = new Map(tenantRecordsSchema.parse(seeds).map((record) => [record.id, record]));
    this.changed();
  }

  /**
   * Older versions wrote the simulated workload's tenants into the file on a first run, and one run
   * with `--tenants 10000` left 10,000 tenants there for good. A file that still holds exactly what
   * was generated (`generated(n)`: the first n tenants of the workload) is removed — the workload
   * describes its tenants in memory now. A file anyone imported into or edited differs, and stays.
   */
  forgetGeneratedFile(generated: (count: number) => readonly TenantSeed[]): Promise<boolean> {
    return this.serially(async () => {
      if (!this.fileExists || this.loadProblem || this.records.size === 0) return false;
      const records = [...this.records.values()];
      // The first tenant tells most files apart before thousands are generated to compare.
      const generatedAs = (count: number) => tenantRecordsSchema.parse(generated(count));
      if (!sameRecords(records.slice(0, 1), generatedAs(1))) return false;
      if (!sameRecords(records, generatedAs(records.length))) return false;
      await removeTenantsFile(this.path);
      this.records = new Map();
      this.fileExists = false;
      this.changed();
      return true;
    });
  }

  onChange(listener: (tenants: TenantInfo[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Named by the file or by the simulated workload. */
  private described(id: string): boolean {
    return this.records.has(id) || this.seeded.has(id);
  }

  private refuseWhenFileInvalid(): void {
    if (!this.loadProblem) return;
    throw new ApiError(
      'DATA_FILE_INVALID',
      `${this.loadProblem.message} — the file was left untouched; fix or remove it before importing`,
    );
  }

  private async save(records: Map<string, TenantRecord>): Promise<void> {
    await writeTenantsFile(this.path, [...records.values()]);
    this.records = records;
    this.fileExists = true;
    for (const id of records.keys()) this.observed.delete(id);
    this.changed();
  }

  private changed(): void {
    this.listCache = null;
    const tenants = this.list();
    for (const listener of this.listeners) notify(listener, tenants);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.writes.then(task);
    this.writes = run.catch(() => undefined);
    return run;
  }
}

function acceptedRecords(parse: TenantImportParse): TenantRecord[] {
  if (parse.ok) return parse.records;
  const shown = parse.issues.slice(0, MAX_ISSUES);
  if (parse.issues.length > MAX_ISSUES) shown.push(`… and ${parse.issues.length - MAX_ISSUES} more`);
  const count = parse.issues.length === 1 ? '1 problem' : `${parse.issues.length} problems`;
  throw new ApiError('INVALID_INPUT', `tenant import rejected (${count}); nothing was changed`, shown);
}

function sameRecords(a: readonly TenantRecord[], b: readonly TenantRecord[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (r, i) =>
        r.id === b[i]!.id && r.name === b[i]!.name && r.plan === b[i]!.plan && r.limit === b[i]!.limit,
    )
  );
}

function knownInfo(record: TenantRecord): TenantInfo {
  return { ...record, known: true };
}

function unknownInfo(id: string): TenantInfo {
  return { id, name: id, plan: null, limit: null, known: false };
}

// A listener that throws (a closed window, say) must not break the directory or the others.
function notify(listener: (tenants: TenantInfo[]) => void, tenants: TenantInfo[]): void {
  try {
    listener(tenants);
  } catch (error) {
    console.error('tenant listener failed:', error);
  }
}
