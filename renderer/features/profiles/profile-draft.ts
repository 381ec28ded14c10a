/**
 * The profile form's state and its conversion to what `profiles.save` takes. The form shows a few
 * fields of a profile; saving an existing one applies those edits on top of the stored profile, so
 * what the form does not show (RabbitMQ tenant rules, vhost, username, source ids, a Prometheus
 * query, the simulated workload's size…) and the order of the sources (which one gives the
 * per-tenant rates) survive an edit. Secrets are typed in the form and sent once; they never come
 * back (the list only says whether each is set).
 */
import type { CallInput, Profile, ProfileView } from '../../../electron/core/api';

export type ProviderKind = 'embedded' | 'unleash' | 'launchdarkly';

type SavedProfile = CallInput<'profiles.save'>['profile'];
type SavedSource = NonNullable<SavedProfile['sources']>[number];
type UrlSourceKind = 'prometheus' | 'scrape' | 'rabbitmq';

export interface ProfileDraft {
  /** the stored profile being edited, or null for a new one; its name cannot change */
  base: Profile | null;
  name: string;
  production: boolean;
  readOnly: boolean;
  kind: ProviderKind;
  url: string;
  project: string;
  environment: string;
  contextName: string;
  flagToken: string;
  simulated: boolean;
  rabbitmqUrl: string;
  rabbitmqPassword: string;
  prometheusUrl: string;
  scrapeUrl: string;
}

export function emptyDraft(): ProfileDraft {
  return {
    base: null,
    name: '',
    production: false,
    readOnly: false,
    kind: 'embedded',
    url: '',
    project: 'default',
    environment: 'production',
    contextName: '',
    flagToken: '',
    simulated: true,
    rabbitmqUrl: '',
    rabbitmqPassword: '',
    prometheusUrl: '',
    scrapeUrl: '',
  };
}

/** Edit an existing profile: the form shows the first source of each kind; secrets stay unless retyped. */
export function draftOf(view: ProfileView): ProfileDraft {
  const { secrets: _secrets, transient: _transient, ...profile } = view;
  const base: Profile = {
    ...profile,
    // A view never carries a password; keep the field out of what is sent back, too.
    sources: profile.sources.map((source) =>
      source.kind === 'rabbitmq' ? withoutKey(source, 'password') : source,
    ),
  };
  const draft: ProfileDraft = {
    ...emptyDraft(),
    base,
    name: base.name,
    production: base.production,
    readOnly: base.readOnly,
  };
  const flags = base.flags;
  draft.kind = flags.kind;
  if (flags.kind === 'unleash')
    Object.assign(draft, {
      url: flags.url,
      project: flags.project,
      environment: flags.environment,
      contextName: flags.contextField,
    });
  if (flags.kind === 'launchdarkly')
    Object.assign(draft, {
      url: flags.baseUrl ?? '',
      project: flags.project,
      environment: flags.environment,
      contextName: flags.contextKind,
    });
  draft.simulated = base.sources.some((s) => s.kind === 'simulated');
  for (const kind of URL_KINDS) {
    const first = base.sources.find((s) => s.kind === kind);
    if (first && 'url' in first) draft[URL_FIELD[kind]] = first.url;
  }
  return draft;
}

const URL_KINDS: readonly UrlSourceKind[] = ['prometheus', 'scrape', 'rabbitmq'];
const URL_FIELD = {
  prometheus: 'prometheusUrl',
  scrape: 'scrapeUrl',
  rabbitmq: 'rabbitmqUrl',
} as const satisfies Record<UrlSourceKind, keyof ProfileDraft>;

export function saveInput(draft: ProfileDraft): CallInput<'profiles.save'> {
  const secrets: NonNullable<CallInput<'profiles.save'>['secrets']> = {};
  if (draft.flagToken) secrets.flagToken = draft.flagToken;
  if (draft.rabbitmqPassword) secrets.rabbitmqPassword = draft.rabbitmqPassword;
  return {
    profile: {
      ...(draft.base ?? {}),
      // an existing profile keeps its name: renaming would make a second one without its secrets
      name: draft.base ? draft.base.name : draft.name.trim(),
      production: draft.production,
      readOnly: draft.readOnly,
      flags: flagsOf(draft),
      sources: sourcesOf(draft),
    },
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/**
 * The stored sources in their order, the first of each kind carrying the form's URL (or dropped when
 * the URL was cleared); then the kinds the form added. Never no source at all: the simulated workload.
 */
function sourcesOf(draft: ProfileDraft): SavedSource[] {
  const url = (kind: UrlSourceKind) => draft[URL_FIELD[kind]].trim();
  const edited = new Set<string>();
  const sources: SavedSource[] = [];
  for (const source of draft.base?.sources ?? []) {
    if (source.kind === 'simulated') {
      if (draft.simulated && !edited.has('simulated')) sources.push(source);
      edited.add('simulated');
      continue;
    }
    if (edited.has(source.kind)) {
      sources.push(source); // a second source of a kind the form does not show: as it was
      continue;
    }
    edited.add(source.kind);
    if (url(source.kind)) sources.push({ ...source, url: url(source.kind) });
  }
  for (const kind of URL_KINDS) {
    if (!edited.has(kind) && url(kind)) sources.push({ kind, url: url(kind) });
  }
  if ((draft.simulated && !edited.has('simulated')) || sources.length === 0)
    sources.push({ kind: 'simulated' });
  return sources;
}

/** The form's flag fields over the stored provider settings of the same kind (unknown fields kept). */
function flagsOf(draft: ProfileDraft): SavedProfile['flags'] {
  const stored = draft.base?.flags.kind === draft.kind ? draft.base.flags : { kind: draft.kind };
  const project = draft.project.trim();
  const environment = draft.environment.trim();
  const context = draft.contextName.trim();
  if (draft.kind === 'unleash') {
    const flags = {
      ...withoutKey(stored, 'contextField'),
      kind: 'unleash' as const,
      url: draft.url.trim(),
      project,
      environment,
    };
    return context ? { ...flags, contextField: context } : flags;
  }
  if (draft.kind === 'launchdarkly') {
    const base = withoutKey(withoutKey(stored, 'contextKind'), 'baseUrl');
    const flags = { ...base, kind: 'launchdarkly' as const, project, environment };
    return {
      ...flags,
      ...(draft.url.trim() ? { baseUrl: draft.url.trim() } : {}),
      ...(context ? { contextKind: context } : {}),
    };
  }
  return { kind: 'embedded' };
}

function withoutKey<T extends object, K extends string>(value: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = value as Record<string, unknown>;
  return rest as Omit<T, K>;
}
