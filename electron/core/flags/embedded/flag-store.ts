/**
 * `<dataDir>/flags.json`, in flagd's format, as the source of truth for the embedded provider.
 *
 * - Missing → created with the defaults. Present but broken → reported (DataFileError with line and
 *   column, or the field path) and never overwritten: writes are refused until someone fixes it,
 *   while the last good snapshot keeps serving.
 * - Edited by hand → picked up by a directory watch (an atomic rename replaces the inode, so
 *   watching the file itself would go deaf after the first save).
 * - Written by us → read-modify-write of the file as it is on disk *now*, serialized, validated
 *   before it is written, and replaced atomically.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorText } from '../../errors/error-text';
import { writeFileAtomic } from '../../storage/atomic-file';
import { DataFileError } from '../../storage/data-file-error';
import { defaultFlagsDocument, serializeFlagsDocument } from './default-flags';
import { contentEtag, type FlagSnapshot } from './flag-snapshot';
import type { FlagsDocument } from './flags-file-schema';
import { parseFlagsFile } from './parse-flags-file';

export interface FlagStoreOptions {
  dataDir: string;
  /** default "flags.json" */
  fileName?: string;
  /** reload on external edits (default true) */
  watch?: boolean;
  /** editors save in several steps; reload this long after the last file event (default 40 ms) */
  watchDebounceMs?: number;
}

export interface FlagsChange {
  flagKeys: string[];
  etag: string;
}

export class FlagStore {
  static async open(options: FlagStoreOptions): Promise<FlagStore> {
    const store = new FlagStore(
      join(options.dataDir, options.fileName ?? 'flags.json'),
      options.watchDebounceMs ?? 40,
    );
    await store.serial(() => store.load());
    if (options.watch !== false) store.startWatching();
    return store;
  }

  private current: FlagSnapshot;
  private problem: DataFileError | null = null;
  private readonly changeListeners = new Set<(change: FlagsChange) => void>();
  private readonly errorListeners = new Set<(error: DataFileError | null) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly path: string,
    private readonly debounceMs: number,
  ) {
    this.current = emptySnapshot();
  }

  /** The last good state. Never blocks, never does I/O. */
  snapshot(): FlagSnapshot {
    return this.current;
  }

  /** Why the file on disk is not being served, or null when it is. */
  get error(): DataFileError | null {
    return this.problem;
  }

  onChange(listener: (change: FlagsChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Fires with the problem when the file turns invalid, and with null once it is valid again. */
  onError(listener: (error: DataFileError | null) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Re-read the file now (the watcher calls this; tests and a "reload" button may too). */
  reload(): Promise<void> {
    return this.serial(() => this.readAndAdopt());
  }

  /**
   * Change the flags: `mutate` gets the state as it is on disk now and returns the new document,
   * or null for "nothing to change". It may throw to refuse; nothing is written then.
   */
  update(mutate: (current: FlagSnapshot) => FlagsDocument | null): Promise<FlagSnapshot> {
    return this.serial(async () => {
      const onDisk = await readText(this.path);
      if (onDisk === null) this.clearProblem();
      else this.adopt(onDisk);
      if (this.problem) throw this.refusal(this.problem);
      const document = mutate(this.current);
      if (!document) return this.current;
      const text = serializeFlagsDocument(document);
      const next = parseFlagsFile(this.path, text);
      await writeFileAtomic(this.path, text);
      this.swap(next);
      return next;
    });
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
    await this.queue;
    this.changeListeners.clear();
    this.errorListeners.clear();
  }

  private async load(): Promise<void> {
    const text = await readText(this.path);
    if (text !== null) {
      this.adopt(text);
      return;
    }
    const created = serializeFlagsDocument(defaultFlagsDocument());
    const snapshot = parseFlagsFile(this.path, created);
    await writeFileAtomic(this.path, created);
    this.current = snapshot;
  }

  private async readAndAdopt(): Promise<void> {
    let text: string | null;
    try {
      text = await readText(this.path);
    } catch (error) {
      this.report(new DataFileError(this.path, '(file)', `cannot be read: ${errorText(error)}`));
      return;
    }
    // Missing: deleted, or mid-save by an editor that deletes then writes. Keep serving; the next
    // file event or our next write brings it back.
    if (text !== null) this.adopt(text);
  }

  /** Make the file's text current, or report why it cannot be (keeping the last good state). */
  private adopt(text: string): void {
    if (contentEtag(text) === this.current.etag) {
      this.clearProblem();
      return;
    }
    let next: FlagSnapshot;
    try {
      next = parseFlagsFile(this.path, text);
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      this.report(error);
      return;
    }
    this.clearProblem();
    this.swap(next);
  }

  private swap(next: FlagSnapshot): void {
    const before = this.current;
    this.current = next;
    const change = { flagKeys: changedFlagKeys(before, next), etag: next.etag };
    for (const listener of [...this.changeListeners]) safely(() => listener(change));
  }

  private report(error: DataFileError): void {
    const same = this.problem?.message === error.message;
    this.problem = error;
    if (!same) for (const listener of [...this.errorListeners]) safely(() => listener(error));
  }

  private clearProblem(): void {
    if (!this.problem) return;
    this.problem = null;
    for (const listener of [...this.errorListeners]) safely(() => listener(null));
  }

  private refusal(problem: DataFileError): DataFileError {
    return new DataFileError(
      this.path,
      problem.where,
      `${problem.problem} — the file is left as it is and changes are refused until it is fixed (the last good flags keep serving)`,
    );
  }

  private startWatching(): void {
    const name = basename(this.path);
    this.watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
      if (filename === null || filename === name) this.scheduleReload();
    });
    // The directory went away or the watch limit was hit: stop watching, keep serving.
    this.watcher.on('error', () => {
      this.watcher?.close();
      this.watcher = null;
    });
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.reload().catch(() => undefined);
    }, this.debounceMs);
    this.reloadTimer.unref();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function emptySnapshot(): FlagSnapshot {
  // An etag no content hash can equal, so that even an empty file is parsed (and reported).
  return { etag: '', loadedAt: 0, text: '', document: { flags: {} }, metadata: {}, flags: new Map() };
}

/** Flags whose definition differs; every flag when the file-level part (metadata, $evaluators) does. */
function changedFlagKeys(before: FlagSnapshot, after: FlagSnapshot): string[] {
  const { flags: beforeFlags, ...beforeRest } = before.document;
  const { flags: afterFlags, ...afterRest } = after.document;
  const everything = JSON.stringify(beforeRest) !== JSON.stringify(afterRest);
  const keys = new Set([...Object.keys(beforeFlags), ...Object.keys(afterFlags)]);
  return [...keys].filter(
    (key) => everything || JSON.stringify(beforeFlags[key]) !== JSON.stringify(afterFlags[key]),
  );
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // A listener's failure is its own; the store and the other listeners carry on.
  }
}
