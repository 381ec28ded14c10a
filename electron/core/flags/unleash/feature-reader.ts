/**
 * Reading flags from Unleash's admin API: the whole project (a GET per feature, since the project
 * listing carries no strategies) or one flag with what its evaluation needs (its parents, the
 * segments its strategies use). Every feature read sends the ETag of the last answer, so a flag that
 * has not changed costs a 304.
 */
import { FlagProviderError } from '../flag-provider';
import type { ProjectView } from './unleash-evaluate';
import { UnleashApiError } from './unleash-http';
import {
  type Feature,
  featureSchema,
  projectFeaturesSchema,
  projectsSchema,
  type Segment,
  type Strategy,
  segmentsSchema,
} from './unleash-schemas';
import { enc, type UnleashScope } from './unleash-scope';

/** One flag read again, with what its evaluation needs (see FeatureReader.flag). */
export interface FlagRead {
  feature: Feature;
  /** each parent as it is now; null: gone */
  parents: ReadonlyMap<string, Feature | null>;
  /** all segments, read because the flag uses some; null when it uses none (not read) */
  segments: ReadonlyMap<number, Segment> | null;
}

/** `base` with a flag read again put in (an empty project when there is no base yet). */
export function withFlagRead(base: ProjectView | null, read: FlagRead): ProjectView {
  const features = new Map(base?.features ?? []);
  features.set(read.feature.name, read.feature);
  for (const [name, parent] of read.parents) {
    if (parent) features.set(name, parent);
    else features.delete(name);
  }
  return { features, segments: read.segments ?? base?.segments ?? new Map() };
}

/** Feature reads in flight at once while reading the whole project. */
const PROJECT_READ_CONCURRENCY = 4;

export class FeatureReader {
  private readonly featureEtags = new Map<string, { etag: string; feature: Feature }>();
  private targetChecked = false;

  constructor(private readonly scope: UnleashScope) {}

  /** The flag as Unleash has it now, or null when the project has no such flag. */
  async feature(flagKey: string): Promise<Feature | null> {
    const cached = this.featureEtags.get(flagKey);
    try {
      const answer = await this.scope.http.request(
        'GET',
        this.scope.featurePath(flagKey),
        `read flag ${flagKey}`,
        { schema: featureSchema, ifNoneMatch: cached?.etag ?? null },
      );
      if (answer.status === 304 && cached) return cached.feature;
      const feature = answer.body!;
      if (answer.etag) this.featureEtags.set(flagKey, { etag: answer.etag, feature });
      return feature;
    } catch (error) {
      if (error instanceof UnleashApiError && error.status === 404) {
        this.featureEtags.delete(flagKey);
        return null;
      }
      throw error;
    }
  }

  /** One strategy of the flag in our environment as it is now; undefined when it (or the flag) is gone. */
  async strategy(flagKey: string, strategyId: string): Promise<Strategy | undefined> {
    const feature = await this.feature(flagKey);
    return feature?.environments
      .find((e) => e.name === this.scope.environment)
      ?.strategies.find((s) => s.id === strategyId);
  }

  /** The whole project as the admin API has it now. */
  async project(): Promise<ProjectView> {
    await this.checkTarget();
    const { project } = this.scope;
    const list = await this.scope.http.request(
      'GET',
      `/api/admin/projects/${enc(project)}/features`,
      `list the flags of project ${project}`,
      { schema: projectFeaturesSchema },
    );
    const names = (list.body?.features ?? []).map((f) => f.name);
    const features = new Map<string, Feature>();
    await forEachLimited(names, PROJECT_READ_CONCURRENCY, async (name) => {
      const feature = await this.feature(name);
      if (feature) features.set(name, feature);
    });
    const ordered = new Map(names.filter((n) => features.has(n)).map((n) => [n, features.get(n)!]));
    return { features: ordered, segments: await this.segments(ordered.values()) };
  }

  /**
   * One flag (and the parents it depends on) read now, plus the segments when its strategies use any;
   * null when the project has no such flag (any more).
   */
  async flag(flagKey: string): Promise<FlagRead | null> {
    const feature = await this.feature(flagKey);
    if (!feature) return null;
    const parents = new Map<string, Feature | null>();
    for (const parent of feature.dependencies ?? []) {
      parents.set(parent.feature, await this.feature(parent.feature));
    }
    const segments = this.usesSegments([feature]) ? await this.segments([feature]) : null;
    return { feature, parents, segments };
  }

  private async segments(features: Iterable<Feature>): Promise<Map<number, Segment>> {
    if (!this.usesSegments(features)) return new Map();
    const answer = await this.scope.http.request('GET', '/api/admin/segments', 'read the segments', {
      schema: segmentsSchema,
    });
    return new Map((answer.body?.segments ?? []).map((s) => [s.id, s]));
  }

  private usesSegments(features: Iterable<Feature>): boolean {
    return [...features].some((f) =>
      f.environments.some(
        (e) => e.name === this.scope.environment && e.strategies.some((s) => (s.segments ?? []).length > 0),
      ),
    );
  }

  /**
   * Unleash lists no flags (200, []) for a project that does not exist, and a flag simply lacks an
   * environment that does not exist: say so once instead of showing an empty or all-off console.
   */
  private async checkTarget(): Promise<void> {
    if (this.targetChecked) return;
    const { http, project, environment } = this.scope;
    const projects = await http.request('GET', '/api/admin/projects', 'list the projects', {
      schema: projectsSchema,
    });
    const ids = (projects.body?.projects ?? []).map((p) => p.id);
    if (!ids.includes(project)) {
      throw new FlagProviderError(
        `Unleash at ${http.origin} has no project "${project}" (projects: ${ids.join(', ') || 'none'})`,
      );
    }
    try {
      await http.request(
        'GET',
        `/api/admin/environments/${enc(environment)}`,
        `read environment ${environment}`,
      );
    } catch (error) {
      if (error instanceof UnleashApiError && error.status === 404) {
        throw new FlagProviderError(`Unleash at ${http.origin} has no environment "${environment}"`);
      }
      throw error;
    }
    this.targetChecked = true;
  }
}

/** Run `work` over `items`, at most `limit` at a time (p-limit is not a dependency of the app). */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}
