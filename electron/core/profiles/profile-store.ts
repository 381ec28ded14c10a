import { join } from 'node:path';
import { readPendingReverts, removePendingReverts } from '../actions/pending-reverts-file';
import { ApiError, type ProfilesView, type ProfileView } from '../api';
import { movePasswordOutOfUrl } from '../metrics/source-config';
import { type SecretStore, secretEnvVar } from '../secrets/secret-store';
import { writeFileAtomic } from '../storage/atomic-file';
import type { DataFileError } from '../storage/data-file-error';
import { readJsonDataFile } from '../storage/json-data-file';
import { issueTexts } from '../storage/zod-issue-text';
import { sameFlagStore, timeBoxFileName } from './flag-store';
import { refuseStrandingTimeBoxes } from './pending-time-boxes';
import { hasInMemoryPassword, redactedProfile } from './profile-redaction';
import {
  COMMAND_LINE_PROFILE_NAME,
  LOCAL_PROFILE,
  PROFILE_SECRETS,
  type Profile,
  type ProfileSecret,
  type ProfilesFile,
  profileSchema,
  profilesFileSchema,
  secretKey,
} from './profile-schema';
import { migrateTimeBoxes } from './time-box-migration';

export interface ProfileStoreOptions {
  dataDir: string;
  secrets: SecretStore | null;
  /**
   * a profile built from command-line flags: active for this launch, listed, never saved. A password
   * in one of its URLs is moved into the source's in-memory password before anything sees it.
   */
  transient?: Profile;
}

/**
 * `<dataDir>/profiles.json`: the connection profiles and which one is active. Secrets are kept in
 * the host's secret store under `<profile>.<secret>`; this file never holds one. An invalid file is
 * reported and left untouched (the built-in "local" profile serves meanwhile, and saving is refused).
 */
export class ProfileStore {
  private file: ProfilesFile = { active: LOCAL_PROFILE.name, profiles: [LOCAL_PROFILE] };
  private loadProblem: DataFileError | null = null;
  /** time box files of older versions that could not be folded into their flag store's, or were set aside */
  private timeBoxProblems: DataFileError[] = [];
  private active: string;
  private readonly transient: Profile | undefined;
  readonly path: string;

  static async open(options: ProfileStoreOptions): Promise<ProfileStore> {
    const store = new ProfileStore(options);
    await store.load();
    await store.foldTimeBoxes();
    return store;
  }

  private constructor(private readonly options: ProfileStoreOptions) {
    this.path = join(options.dataDir, 'profiles.json');
    this.transient = options.transient && {
      ...options.transient,
      sources: options.transient.sources.map(movePasswordOutOfUrl),
    };
    this.active = this.transient?.name ?? LOCAL_PROFILE.name;
  }

  /** profiles.json is invalid, or else every time box file that could not be moved to its flag store or was set aside */
  problems(): DataFileError[] {
    return this.loadProblem ? [this.loadProblem] : this.timeBoxProblems;
  }

  activeProfile(): Profile {
    return this.get(this.active)!;
  }

  get(name: string): Profile | null {
    if (this.transient?.name === name) return this.transient;
    return this.file.profiles.find((p) => p.name === name) ?? null;
  }

  async secret(profile: string, secret: ProfileSecret): Promise<string | null> {
    return (await this.options.secrets?.get(secretKey(profile, secret))) ?? null;
  }

  async view(): Promise<ProfilesView> {
    const profiles = await Promise.all(this.listed().map((p) => this.profileView(p)));
    const store = this.options.secrets;
    return {
      active: this.active,
      profiles,
      secretStorage: store
        ? { backend: store.backend, warning: store.warning }
        : { backend: 'none', warning: 'no secret store: profiles that need a token cannot connect' },
    };
  }

  /** The profile as save would take it, or save's refusal — without saving (a draft's "Test connection"). */
  validate(input: Profile): Profile {
    const profile = checkedProfile(input);
    if (profile.name === this.transient?.name) {
      throw new ApiError(
        'INVALID_INPUT',
        `"${profile.name}" is the command-line profile of this launch; choose another name`,
      );
    }
    this.refuseSharedSecretVariables(profile.name);
    return profile;
  }

  /**
   * Everything that could refuse the save is checked before anything is written: a refused change
   * must not leave the profile's new token in the secret store, where its old flag system's pending
   * time boxes would be sent with it.
   */
  async save(input: Profile, secrets: Partial<Record<ProfileSecret, string>> = {}): Promise<void> {
    this.refuseWhenInvalid();
    const profile = this.validate(input);
    if (Object.keys(secrets).length > 0 && !this.options.secrets) {
      throw new ApiError('INVALID_INPUT', 'this host has no secret store: secrets cannot be saved');
    }
    const saved = this.file.profiles.find((p) => p.name === profile.name);
    if (saved && !sameFlagStore(saved.flags, profile.flags)) {
      await this.refuseStranding(saved, 'change its flag system');
    }
    const others = this.file.profiles.filter((p) => p.name !== profile.name);
    const next = profilesFileSchema.parse({ ...this.file, profiles: [...others, profile] });
    for (const [name, value] of Object.entries(secrets)) {
      if (value) await this.options.secrets!.set(secretKey(profile.name, name as ProfileSecret), value);
    }
    await this.write(next);
  }

  /**
   * Refused while it is active, or while its flag system has time boxes pending that no other profile
   * could run. When it was the last profile on its flag system, the (empty) time box file goes too.
   */
  async remove(name: string): Promise<void> {
    this.refuseWhenInvalid();
    if (name === this.active)
      throw new ApiError('INVALID_INPUT', `"${name}" is the active profile: switch first`);
    const profile = this.file.profiles.find((p) => p.name === name);
    if (!profile) throw new ApiError('NOT_FOUND', `no profile "${name}"`);
    const last = await this.refuseStranding(profile, 'delete it');
    await this.write({ ...this.file, profiles: this.file.profiles.filter((p) => p.name !== name) });
    for (const secret of PROFILE_SECRETS) await this.options.secrets?.delete(secretKey(name, secret));
    if (last) await removePendingReverts(this.timeBoxPath(profile));
  }

  async activate(name: string): Promise<Profile> {
    const profile = this.get(name);
    if (!profile) throw new ApiError('NOT_FOUND', `no profile "${name}"`);
    this.active = name;
    // The transient profile is never written; switching to a saved one is remembered.
    if (name !== this.transient?.name && !this.loadProblem) await this.write({ ...this.file, active: name });
    return profile;
  }

  /** Every profile: this launch's command-line one, then the saved ones. */
  private listed(): Profile[] {
    return [...(this.transient ? [this.transient] : []), ...this.file.profiles];
  }

  private timeBoxPath(profile: Profile): string {
    return join(this.options.dataDir, timeBoxFileName(profile.flags));
  }

  /**
   * Refuses when, without this profile (or with it on another flag system), nobody could run its flag
   * system's pending time boxes. Resolves true when it is the last profile on that flag system.
   */
  private async refuseStranding(profile: Profile, doing: string): Promise<boolean> {
    const others = this.listed().filter((p) => p.name !== profile.name);
    if (others.some((p) => sameFlagStore(p.flags, profile.flags))) return false;
    const read = await readPendingReverts(this.timeBoxPath(profile));
    if (read.state === 'invalid') {
      throw new ApiError(
        'DATA_FILE_INVALID',
        `cannot tell whether "${profile.name}" has time boxes pending: ${read.error.message}; fix the file, then ${doing}`,
      );
    }
    if (read.state === 'ok') refuseStrandingTimeBoxes(profile.name, doing, read.value.reverts, Date.now());
    return true;
  }

  /**
   * Both hosts read a secret from `SWITCHBOARD_SECRET_<PROFILE>_<SECRET>` first, and that name folds
   * case and . - _ together: "prod-eu" and "prod_eu" would silently share a token. Checked for a new
   * name (a new profile, or a rename saved under a new name); an existing profile can still be edited.
   */
  private refuseSharedSecretVariables(name: string): void {
    if (this.get(name)) return;
    const variable = (profile: string) => secretEnvVar(secretKey(profile, PROFILE_SECRETS[0]));
    const clash = this.listed().find((p) => p.name !== name && variable(p.name) === variable(name));
    if (!clash) return;
    throw new ApiError(
      'INVALID_INPUT',
      `"${name}" would read the same secret environment variables as the profile "${clash.name}" ` +
        `(${variable(name)}): names that differ only in case or in . - _ cannot be told apart there; choose another name`,
    );
  }

  /** Time box files of older versions, kept per profile, move to their flag store's file. */
  private async foldTimeBoxes(): Promise<void> {
    // Without a readable profiles.json no saved profile's flag system is known: try again next start.
    if (this.loadProblem) return;
    this.timeBoxProblems = await migrateTimeBoxes(this.options.dataDir, (name) => {
      const profile = this.get(name);
      if (profile) return profile.flags;
      // An earlier launch's command-line profile: always the embedded flags (see console-core).
      return name === COMMAND_LINE_PROFILE_NAME ? LOCAL_PROFILE.flags : null;
    });
  }

  private async profileView(profile: Profile): Promise<ProfileView> {
    const entries = await Promise.all(
      PROFILE_SECRETS.map(async (s) => {
        const stored = (await this.secret(profile.name, s)) !== null;
        const inMemory = s === 'rabbitmqPassword' && hasInMemoryPassword(profile);
        return [s, { configured: stored || inMemory }] as const;
      }),
    );
    return {
      // A command-line source may carry a password from its URL or the environment: never show it.
      ...redactedProfile(profile),
      secrets: Object.fromEntries(entries) as ProfileView['secrets'],
      transient: profile.name === this.transient?.name,
    };
  }

  private async load(): Promise<void> {
    const read = await readJsonDataFile(this.path, profilesFileSchema);
    if (read.state === 'invalid') this.loadProblem = read.error;
    if (read.state !== 'ok') return;
    this.file = read.value;
    if (!this.transient) this.active = this.file.active;
  }

  private refuseWhenInvalid(): void {
    if (this.loadProblem) {
      throw new ApiError(
        'DATA_FILE_INVALID',
        `${this.loadProblem.message}; fix the file — Switchboard will not overwrite it`,
      );
    }
  }

  private async write(next: ProfilesFile): Promise<void> {
    const parsed = profilesFileSchema.parse(next);
    await writeFileAtomic(this.path, `${JSON.stringify(parsed, null, 2)}\n`);
    this.file = parsed;
  }
}

/** The contract validates calls already; a caller inside the main process gets the same answer. */
function checkedProfile(input: Profile): Profile {
  const parsed = profileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = issueTexts(parsed.error, '(profile)');
  throw new ApiError('INVALID_INPUT', issues.join('; '), issues);
}
