import { join } from 'node:path';
import { ApiError, type TenantInfo } from '../api';
import type { DataFileError } from '../storage/data-file-error';
import { DEFAULT_MAX_TENANTS } from './tenant-cap';
import { parseTenantCsv } from './tenant-csv';
import type { TenantImportParse } from './tenant-import-result';
import { parseTenantJson } from './tenant-json-import';
import { type TenantRecord, tenantRecordsSchema } from './tenant-record';
import { readTenantsFile, writeTenantsFile } from './tenants-file';

export interface TenantDirectoryOptions {
  dataDir: string;
  /** file tenants plus tenants seen only in traffic; traffic-only ids beyond it are ignored */
  maxTenants?: number;
}

/** A tenant to create the file with; plan and limit default to none. */
export interface TenantSeed {
  id: string;
  name: string;
  plan?: string | null;
  limit?: number | null;
}

// A rejected import can have thousands of bad rows; the operator needs the first ones and a count.
const MAX_ISSUES = 50;

/**
 * Who the tenants are: `<dataDir>/tenants.json` plus the tenants seen in traffic that the file does
 * not name (kept in memory, listed with known:false). An invalid file is reported via `problem()`,
 * left untouched, and imports into it are refused until it is fixed.
 */
export class TenantDirectory {
  readonly path: string;
  private records: Map<string, TenantRecord>;
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

  /** File tenants in file order, then tenants only seen in traffic, in the order they were seen. */
  list(): TenantInfo[] {
    this.listCache ??= [
      ...[...this.records.values()].map(knownInfo),
      ...[...this.observed].filter((id) => !this.records.has(id)).map(unknownInfo),
    ];
    return this.listCache;
  }

  get(id: string): TenantInfo | null {
    const record = this.records.get(id);
    if (record) return knownInfo(record);
    return this.observed.has(id) ? unknownInfo(id) : null;
  }

  exists(id: string): boolean {
    return this.records.has(id) || this.observed.has(id);
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
      if (id === '' || this.records.has(id) || this.observed.has(id)) continue;
      if (this.records.size + this.observed.size >= this.maxTenants) {
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

  /** Create the file from these tenants when there is none yet. Returns whether it was created. */
  seed(seeds: readonly TenantSeed[]): Promise<boolean> {
    return this.serially(async () => {
      if (this.fileExists) return false;
      const records = tenantRecordsSchema.parse(seeds);
      await this.save(new Map(records.map((record) => [record.id, record])));
      return true;
    });
  }

  onChange(listener: (tenants: TenantInfo[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
