import { join } from 'node:path';
import { ApiError, type ProfilesView, type ProfileView } from '../api';
import { movePasswordOutOfUrl } from '../metrics/source-config';
import type { SecretStore } from '../secrets/secret-store';
import { writeFileAtomic } from '../storage/atomic-file';
import type { DataFileError } from '../storage/data-file-error';
import { readJsonDataFile } from '../storage/json-data-file';
import { hasInMemoryPassword, redactedProfile } from './profile-redaction';
import {
  LOCAL_PROFILE,
  PROFILE_SECRETS,
  type Profile,
  type ProfileSecret,
  type ProfilesFile,
  profileSchema,
  profilesFileSchema,
  secretKey,
} from './profile-schema';

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
  private active: string;
  private readonly transient: Profile | undefined;
  readonly path: string;

  static async open(options: ProfileStoreOptions): Promise<ProfileStore> {
    const store = new ProfileStore(options);
    await store.load();
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

  problem(): DataFileError | null {
    return this.loadProblem;
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
    const listed = [...(this.transient ? [this.transient] : []), ...this.file.profiles];
    const profiles = await Promise.all(listed.map((p) => this.profileView(p)));
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
    return profile;
  }

  async save(input: Profile, secrets: Partial<Record<ProfileSecret, string>> = {}): Promise<void> {
    this.refuseWhenInvalid();
    const profile = this.validate(input);
    if (Object.keys(secrets).length > 0 && !this.options.secrets) {
      throw new ApiError('INVALID_INPUT', 'this host has no secret store: secrets cannot be saved');
    }
    for (const [name, value] of Object.entries(secrets)) {
      if (value) await this.options.secrets!.set(secretKey(profile.name, name as ProfileSecret), value);
    }
    const others = this.file.profiles.filter((p) => p.name !== profile.name);
    await this.write({ ...this.file, profiles: [...others, profile] });
  }

  async remove(name: string): Promise<void> {
    this.refuseWhenInvalid();
    if (name === this.active)
      throw new ApiError('INVALID_INPUT', `"${name}" is the active profile: switch first`);
    if (!this.file.profiles.some((p) => p.name === name))
      throw new ApiError('NOT_FOUND', `no profile "${name}"`);
    await this.write({ ...this.file, profiles: this.file.profiles.filter((p) => p.name !== name) });
    for (const secret of PROFILE_SECRETS) await this.options.secrets?.delete(secretKey(name, secret));
  }

  async activate(name: string): Promise<Profile> {
    const profile = this.get(name);
    if (!profile) throw new ApiError('NOT_FOUND', `no profile "${name}"`);
    this.active = name;
    // The transient profile is never written; switching to a saved one is remembered.
    if (name !== this.transient?.name && !this.loadProblem) await this.write({ ...this.file, active: name });
    return profile;
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
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(profile)'}: ${issue.message}`,
  );
  throw new ApiError('INVALID_INPUT', issues.join('; '), issues);
}
