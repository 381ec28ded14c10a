import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from '../api';
import { errorText } from '../errors/error-text';
import { DataFileError } from '../storage/data-file-error';
import { auditEntrySchema } from './audit-entry-schema';

export interface AuditLogOptions {
  dataDir: string;
}

export interface AuditQuery {
  tenantId?: string;
  flagKey?: string;
  /** default 1,000 */
  limit?: number;
}

const DEFAULT_LIMIT = 1_000;

/**
 * `<dataDir>/audit.jsonl`: an append-only history. Every line is a full snapshot of one entry, and a
 * later line with the same id supersedes the earlier ones (intent → outcome → effect), so the file
 * is never rewritten and the latest line per id is the entry. An append resolves only once the line
 * is fsync'd: the flip path relies on that to record intent before it touches a provider.
 */
export class AuditLog {
  readonly path: string;
  // Map insertion order is the order ids first appeared, i.e. the order actions were requested.
  private readonly latest = new Map<string, AuditEntry>();
  private readonly corrupt: DataFileError[] = [];
  private readonly listeners = new Set<(entry: AuditEntry) => void>();
  private handle: FileHandle | null = null;
  private fileExists = false;
  // A torn last line (crash mid-append) must not swallow the next entry into the same line.
  private needsNewline = false;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dataDir: string,
    path: string,
  ) {
    this.path = path;
  }

  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const log = new AuditLog(options.dataDir, join(options.dataDir, 'audit.jsonl'));
    await log.load();
    return log;
  }

  /** Lines that could not be read at start: skipped, reported here, and left in the file as they are. */
  problems(): readonly DataFileError[] {
    return this.corrupt;
  }

  /** Durably append one version of an entry, then make it visible and emit it. Appends run in order. */
  append(entry: AuditEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const run = this.tail.then(async () => {
      await this.writeDurably(line);
      this.latest.set(entry.id, entry);
      this.emit(entry);
    });
    // One failed append (disk full) must not block every later one.
    this.tail = run.catch(() => undefined);
    return run;
  }

  get(id: string): AuditEntry | null {
    return this.latest.get(id) ?? null;
  }

  /** Entries whose latest version is still the intent, oldest first: changes whose outcome was never recorded. */
  pending(): AuditEntry[] {
    return [...this.latest.values()].filter((entry) => entry.outcome === 'pending');
  }

  /** Entries whose effect on traffic was being measured and never recorded (the process stopped first). */
  measuring(): AuditEntry[] {
    return [...this.latest.values()].filter((entry) => entry.measuringFrom != null && entry.effect === null);
  }

  /** Newest first (by when the action was requested). */
  query(filter: AuditQuery = {}): AuditEntry[] {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const entries = [...this.latest.values()];
    const found: AuditEntry[] = [];
    for (let i = entries.length - 1; i >= 0 && found.length < limit; i--) {
      const entry = entries[i]!;
      if (filter.tenantId !== undefined && entry.tenantId !== filter.tenantId) continue;
      if (filter.flagKey !== undefined && entry.flagKey !== filter.flagKey) continue;
      found.push(entry);
    }
    return found;
  }

  onEntry(listener: (entry: AuditEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle?.close();
    this.handle = null;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    this.fileExists = true;
    this.needsNewline = text.length > 0 && !text.endsWith('\n');
    for (const [index, line] of text.split('\n').entries()) this.loadLine(line, index + 1);
  }

  private loadLine(line: string, lineNumber: number): void {
    if (line.trim() === '') return;
    const problem = (text: string) =>
      this.corrupt.push(new DataFileError(this.path, `line ${lineNumber}`, text));
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problem(`not valid JSON (${errorText(error)}); line skipped`);
      return;
    }
    const parsed = auditEntrySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      problem(`${issue.path.join('.') || 'entry'}: ${issue.message}; line skipped`);
      return;
    }
    // Re-setting keeps the first position, which is the order we want.
    this.latest.set(parsed.data.id, parsed.data);
  }

  private async writeDurably(line: string): Promise<void> {
    const handle = await this.openForAppend();
    try {
      await handle.appendFile(this.needsNewline ? `\n${line}` : line);
      await handle.sync();
      this.needsNewline = false;
    } catch (error) {
      // The failed write may have left half a line; start the next one on a fresh line.
      this.needsNewline = true;
      throw error;
    }
  }

  private async openForAppend(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    await mkdir(this.dataDir, { recursive: true });
    const handle = await open(this.path, 'a');
    // A new file's directory entry must be durable too, or the whole log could vanish in a crash.
    if (!this.fileExists) await syncDirectory(this.dataDir);
    this.fileExists = true;
    this.handle = handle;
    return handle;
  }

  private emit(entry: AuditEntry): void {
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch (error) {
        // The entry is on disk; a failing listener (a closed window, say) must not fail the action.
        console.error('audit listener failed:', error);
      }
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
