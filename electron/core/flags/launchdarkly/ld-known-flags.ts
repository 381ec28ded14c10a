/**
 * The provider's latest knowledge of the project's flags in one environment: each flag as last
 * listed, read or written (the newest `_version` wins), its view, a tenant → variation index of its
 * individual targets, LaunchDarkly's own answers for tenants it could not evaluate locally, and the
 * flags skipped from the last listing. Answers per-tenant values without I/O.
 */
import { createHash } from 'node:crypto';
import type { FlagValue } from '../../api';
import { evaluateLocally, type LdContext, type LocalEvaluation, withoutTargets } from './ld-evaluate';
import { flagView, type LdFlagView } from './ld-flag-view';
import type { LdFlag } from './ld-schemas';
import { type LdScope, tenantContext } from './ld-scope';
import type { SkippedFlag } from './ld-skipped-flags';

export class LdKnownFlags {
  private flags = new Map<string, LdFlag>();
  private views = new Map<string, LdFlagView>();
  /** tenant → targeted variation index, per flag, for the table's 10,000 lookups per tick */
  private targetIndexes = new Map<string, Map<string, number>>();
  /** LaunchDarkly's own answers for flags that cannot be evaluated locally: `${flag}\n${tenant}` */
  private readonly remote = new Map<string, { version: number; value: FlagValue }>();
  private skippedFlags: readonly SkippedFlag[] = [];

  constructor(private readonly scope: LdScope) {}

  /** Flags left out of the last listing, and why. */
  skipped(): readonly SkippedFlag[] {
    return this.skippedFlags;
  }

  /** The flags the console can show, as of the last listing and later reads and writes. */
  usable(): LdFlagView[] {
    return [...this.views.values()];
  }

  view(flagKey: string): LdFlagView | undefined {
    return this.views.get(flagKey);
  }

  /**
   * Replace everything with a new listing (plus the items it skipped for their shape); returns the
   * keys of the flags that moved (a new `_version`, added or gone).
   */
  replaceAll(listed: LdFlag[], skippedInListing: readonly SkippedFlag[]): string[] {
    const previous = this.flags;
    // a listing that started before one of our writes must not roll that flag back
    const flags = listed.map((flag) => {
      const known = previous.get(flag.key);
      return known && known._version > flag._version ? known : flag;
    });
    this.flags = new Map(flags.map((flag) => [flag.key, flag]));
    this.views = new Map();
    this.targetIndexes = new Map();
    const skipped = [...skippedInListing];
    for (const flag of flags) {
      const view = flagView(flag, this.scope.environment);
      if ('skipped' in view) skipped.push(view.skipped);
      else this.index(view);
    }
    this.skippedFlags = skipped;
    const moved = new Set<string>();
    for (const flag of flags) if (previous.get(flag.key)?._version !== flag._version) moved.add(flag.key);
    for (const key of previous.keys()) if (!this.flags.has(key)) moved.add(key);
    return [...moved];
  }

  /**
   * One flag read or written: kept if it is newer than what is known. True when it replaced a
   * known flag (a change worth announcing).
   */
  adopt(flag: LdFlag): boolean {
    const known = this.flags.get(flag.key);
    if (known && known._version >= flag._version) return false;
    this.flags.set(flag.key, flag);
    const view = flagView(flag, this.scope.environment);
    if ('skipped' in view) {
      this.views.delete(flag.key);
      this.targetIndexes.delete(flag.key);
    } else this.index(view);
    return known !== undefined;
  }

  evaluate(view: LdFlagView, context: LdContext): LocalEvaluation {
    return evaluateLocally(view.flag, this.scope.environment, context, (key) => this.flags.get(key));
  }

  /** LaunchDarkly's answer for a tenant, valid while the flag keeps its current `_version`. */
  rememberRemote(flagKey: string, tenantId: string, value: FlagValue): void {
    const version = this.flags.get(flagKey)?._version;
    if (version !== undefined) this.remote.set(`${flagKey}\n${tenantId}`, { version, value });
  }

  /**
   * No I/O. Where the flag cannot be evaluated locally (rules on attributes the console does not
   * know, rollouts), LaunchDarkly's last answer for that tenant is used, else the best local guess.
   * An unknown flag, or no listing yet, yields an empty map.
   */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    const values = new Map<string, FlagValue>();
    const view = this.views.get(flagKey);
    if (!view) return values;
    const fallback = view.info.variants[view.info.defaultVariant]!;
    const targeted = this.targetIndexes.get(flagKey);
    const simple = view.env.on && view.env.prerequisites.length === 0;
    for (const tenantId of tenantIds) {
      const hit = simple ? targeted?.get(tenantId) : undefined;
      if (hit !== undefined && hit < view.values.length) {
        values.set(tenantId, view.values[hit]!);
        continue;
      }
      const context = tenantContext(this.scope, tenantId);
      const evaluation = simple ? withoutTargets(view.env, context) : this.evaluate(view, context);
      if (evaluation.certain) {
        values.set(
          tenantId,
          evaluation.variation === null ? fallback : (view.values[evaluation.variation] ?? fallback),
        );
        continue;
      }
      const known = this.remote.get(`${flagKey}\n${tenantId}`);
      if (known && known.version === view.flag._version) values.set(tenantId, known.value);
      else {
        const guess = evaluation.guess.variation;
        values.set(tenantId, guess === null ? fallback : (view.values[guess] ?? fallback));
      }
    }
    return values;
  }

  /** Names the state of every flag: it changes whenever any flag's `_version` does. */
  etag(): string {
    const versions = [...this.flags.values()].map((flag) => `${flag.key}:${flag._version}`).sort();
    return createHash('sha1').update(versions.join('\n')).digest('hex').slice(0, 16);
  }

  private index(view: LdFlagView): void {
    this.views.set(view.info.key, view);
    const byTenant = new Map<string, number>();
    const targets =
      this.scope.contextKind === 'user'
        ? view.env.targets
        : view.env.contextTargets.filter((t) => t.contextKind === this.scope.contextKind);
    for (const target of targets) {
      for (const key of target.values) if (!byTenant.has(key)) byTenant.set(key, target.variation);
    }
    this.targetIndexes.set(view.info.key, byTenant);
  }
}
