/**
 * The profile form's state and its conversion to what `profiles.save` takes. Secrets are typed in
 * the form and sent once; they never come back (the list only says whether each is set).
 */
import type { CallInput, ProfileView } from '../../../electron/core/api';

export type ProviderKind = 'embedded' | 'unleash' | 'launchdarkly';

export interface ProfileDraft {
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

/** Edit an existing profile: everything but the secrets, which stay as they are unless retyped. */
export function draftOf(profile: ProfileView): ProfileDraft {
  const draft = {
    ...emptyDraft(),
    name: profile.name,
    production: profile.production,
    readOnly: profile.readOnly,
  };
  const flags = profile.flags;
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
  draft.simulated = profile.sources.some((s) => s.kind === 'simulated');
  for (const source of profile.sources) {
    if (source.kind === 'rabbitmq') draft.rabbitmqUrl = source.url;
    if (source.kind === 'prometheus') draft.prometheusUrl = source.url;
    if (source.kind === 'scrape') draft.scrapeUrl = source.url;
  }
  return draft;
}

export function saveInput(draft: ProfileDraft): CallInput<'profiles.save'> {
  const sources: CallInput<'profiles.save'>['profile']['sources'] = [];
  if (draft.prometheusUrl.trim()) sources.push({ kind: 'prometheus', url: draft.prometheusUrl.trim() });
  if (draft.scrapeUrl.trim()) sources.push({ kind: 'scrape', url: draft.scrapeUrl.trim() });
  if (draft.rabbitmqUrl.trim()) sources.push({ kind: 'rabbitmq', url: draft.rabbitmqUrl.trim() });
  if (draft.simulated || sources.length === 0) sources.push({ kind: 'simulated' });
  const secrets: NonNullable<CallInput<'profiles.save'>['secrets']> = {};
  if (draft.flagToken) secrets.flagToken = draft.flagToken;
  if (draft.rabbitmqPassword) secrets.rabbitmqPassword = draft.rabbitmqPassword;
  return {
    profile: {
      name: draft.name.trim(),
      production: draft.production,
      readOnly: draft.readOnly,
      flags: flagsOf(draft),
      sources,
    },
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

function flagsOf(draft: ProfileDraft): CallInput<'profiles.save'>['profile']['flags'] {
  const project = draft.project.trim();
  const environment = draft.environment.trim();
  const context = draft.contextName.trim();
  if (draft.kind === 'unleash') {
    return {
      kind: 'unleash',
      url: draft.url.trim(),
      project,
      environment,
      ...(context ? { contextField: context } : {}),
    };
  }
  if (draft.kind === 'launchdarkly') {
    return {
      kind: 'launchdarkly',
      ...(draft.url.trim() ? { baseUrl: draft.url.trim() } : {}),
      project,
      environment,
      ...(context ? { contextKind: context } : {}),
    };
  }
  return { kind: 'embedded' };
}
