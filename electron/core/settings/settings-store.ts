import { join } from 'node:path';
import type { z } from 'zod';
import { ApiError, calls, type Settings } from '../api';
import { errorText } from '../errors/error-text';
import { writeFileAtomic } from '../storage/atomic-file';
import { DataFileError } from '../storage/data-file-error';
import { readJsonDataFile } from '../storage/json-data-file';
import { issueText } from '../storage/zod-issue-text';
import { detectionConflict, mergeDetectionSettings } from './detection-tuning';

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  intervalMs: 1000,
  window: null,
  lastView: { view: 'traffic', tenantId: null },
  detection: {},
};

// The file holds the same shape as an update: any subset of the settings. Reusing the contract's
// schema keeps the file and the call from drifting apart, and a file from an older version that
// lacks a newer key still loads (the default fills it in).
const settingsPatchSchema = calls['settings.update'].input;
type SettingsPatch = z.infer<typeof settingsPatchSchema>;

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
    const stored = applyPatch(DEFAULT_SETTINGS, read.state === 'ok' ? read.value : {});
    // Each field was valid alone; a contradiction between two is the file's problem all the same.
    const conflict = detectionConflict(stored.detection ?? {});
    if (conflict)
      return new SettingsStore(
        path,
        DEFAULT_SETTINGS,
        new DataFileError(path, conflict.field, conflict.problem),
      );
    return new SettingsStore(path, stored, null);
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
    const next = applyPatch(this.current, validPatch(patch));
    const conflict = detectionConflict(next.detection ?? {});
    if (conflict) {
      const issue = `${conflict.field}: ${conflict.problem}`;
      throw new ApiError('INVALID_INPUT', `invalid settings: ${issue}`, [issue]);
    }
    if (!this.loadProblem) await this.save(next);
    this.current = next;
    for (const listener of this.listeners) notify(listener, next);
    return next;
  }

  private async save(settings: Settings): Promise<void> {
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`);
    } catch (error) {
      throw new ApiError('INTERNAL', `settings could not be saved to ${this.path}: ${errorText(error)}`);
    }
  }
}

/** `patch` over `base`: top-level keys replace, except `detection`, whose fields are laid over base's. */
function applyPatch(base: Settings, patch: SettingsPatch): Settings {
  const { detection, ...rest } = patch;
  return { ...base, ...rest, detection: mergeDetectionSettings(base.detection ?? {}, detection) };
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
