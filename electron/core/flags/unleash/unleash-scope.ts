/**
 * Where the Unleash provider works: one project and one environment of one server, with the context
 * field that carries the tenant id. Every part of the provider (reader, writer, poller) addresses
 * Unleash through it, so paths and "no such environment" are said the same way everywhere.
 */
import { FlagProviderError } from '../flag-provider';
import type { ProjectView } from './unleash-evaluate';
import type { UnleashHttp } from './unleash-http';
import type { FeatureEnvironment } from './unleash-schemas';

export class UnleashScope {
  constructor(
    readonly http: UnleashHttp,
    readonly project: string,
    readonly environment: string,
    readonly contextField: string,
  ) {}

  featurePath(flagKey: string): string {
    return `/api/admin/projects/${enc(this.project)}/features/${enc(flagKey)}`;
  }

  /** The flag's strategies in our environment, or one of them. */
  strategiesPath(flagKey: string, strategyId?: string): string {
    const all = `${this.featurePath(flagKey)}/environments/${enc(this.environment)}/strategies`;
    return strategyId === undefined ? all : `${all}/${enc(strategyId)}`;
  }

  /** Turning the flag on or off in our environment. */
  switchPath(flagKey: string, enabled: boolean): string {
    return `${this.featurePath(flagKey)}/environments/${enc(this.environment)}/${enabled ? 'on' : 'off'}`;
  }

  /** The flag's state in our environment; refuses when the flag lacks it (not enabled for the project). */
  environmentIn(view: ProjectView, flagKey: string): FeatureEnvironment {
    const environment = view.features.get(flagKey)?.environments.find((e) => e.name === this.environment);
    if (!environment) {
      throw new FlagProviderError(
        `flag "${flagKey}" has no environment "${this.environment}" in Unleash project ${this.project} (is the environment enabled for the project?)`,
      );
    }
    return environment;
  }

  unknownFlag(flagKey: string): FlagProviderError {
    return new FlagProviderError(`unknown flag "${flagKey}" in Unleash project ${this.project}`);
  }
}

export function enc(segment: string): string {
  return encodeURIComponent(segment);
}
