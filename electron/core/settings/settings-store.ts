import { join } from 'node:path';
import { ApiError, calls, type Settings } from '../api';
import { writeFileAtomic } from '../storage/atomic-file';
import type { DataFileError } from '../storage/data-file-error';
import { readJsonDataFile } from '../storage/json-data-file';
import { issueText } from '../storage/zod-issue-text';

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  intervalMs: 1000,
  window: null,
  lastView: { view: 'traffic', tenantId: null },
};

// The file holds the same shape as an update: any subset of the settings. Reusing the contract's
// schema keeps the file and the call from drifting apart, and a file from an older version that
// lacks a newer key still loads (the default fills it in).
const settingsPatchSchema = calls['settings.update'].input;
type SettingsPatch = Partial<Settings>;

export interface SettingsStoreOptions {
  dataDir: string;
}

/**
 * `<dataDir>/settings.json` with defaults. A file that fails validation is reported through
 * `problem()` and never overwritten: the store then runs on defaults, and updates live in memory
 * only until the file is fixed by hand and the app restarts.
 */
export class SettingsStore {
  readonly path: string;
  private current: Settings;
  private readonly loadProblem: DataFileError | null;
  private readonly listeners = new Set<(settings: Settings) => void>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(path: string, current: Settings, loadProblem: DataFileError | null) {
    this.path = path;
    this.current = current;
    this.loadProblem = loadProblem;
  }

  static async open(options: SettingsStoreOptions): Promise<SettingsStore> {
    const path = join(options.dataDir, 'settings.json');
    const read = await readJsonDataFile<SettingsPatch>(path, settingsPatchSchema);
    if (read.state === 'invalid') return new SettingsStore(path, DEFAULT_SETTINGS, read.error);
    const stored = read.state === 'ok' ? read.value : {};
    return new SettingsStore(path, { ...DEFAULT_SETTINGS, ...stored }, null);
  }

  get(): Settings {
    return this.current;
  }

  /** The reason settings are not being saved, or null when the file is fine (or not there yet). */
  problem(): DataFileError | null {
    return this.loadProblem;
  }

  /** Validate, persist (unless the file is invalid), then publish. Updates are applied one at a time. */
  update(patch: unknown): Promise<Settings> {
    const run = this.writes.then(() => this.applyUpdate(patch));
    this.writes = run.catch(() => undefined);
    return run;
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async applyUpdate(patch: unknown): Promise<Settings> {
    const next = { ...this.current, ...validPatch(patch) };
    if (!this.loadProblem) await this.save(next);
    this.current = next;
    for (const listener of this.listeners) notify(listener, next);
    return next;
  }

  private async save(settings: Settings): Promise<void> {
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`);
    } catch (error) {
      throw new ApiError(
        'INTERNAL',
        `settings could not be saved to ${this.path}: ${(error as Error).message}`,
      );
    }
  }
}

function validPatch(patch: unknown): SettingsPatch {
  const parsed = settingsPatchSchema.safeParse(patch);
  // `{ theme: undefined }` passes a partial schema; it must not blank out the current theme.
  if (parsed.success)
    return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  const issues = parsed.error.issues.map((issue) => issueText(issue));
  throw new ApiError('INVALID_INPUT', `invalid settings: ${issues.join('; ')}`, issues);
}

// One faulty listener (a closed window, say) must not stop the others or fail the update.
function notify(listener: (settings: Settings) => void, settings: Settings): void {
  try {
    listener(settings);
  } catch (error) {
    console.error('settings listener failed:', error);
  }
}
