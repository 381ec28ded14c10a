/**
 * The provider's memory of the project: the last state read (a ProjectView), how old it is, the SDK
 * evaluator over it and the values already asked of it (valuesFor answers from memory, without I/O).
 * Whatever makes a newer state current — a whole read, a flag read again, our own write — goes through
 * `adopt`, which announces the flags whose state differs; so listeners hear of every change once,
 * whoever read it. It also keeps why the project could not be read (`problem`), until a read works.
 */
import { createHash } from 'node:crypto';
import type { FlagValue } from '../../api';
import { errorText } from '../../errors/error-text';
import type { ChangeListeners } from './change-listeners';
import { type FeatureReader, withFlagRead } from './feature-reader';
import { stableJson } from './tenant-lists';
import { Evaluator, type ProjectView } from './unleash-evaluate';
import type { Feature } from './unleash-schemas';
import type { UnleashScope } from './unleash-scope';

/** A write adopted newer state while the project was read: read again at most this often. */
const REREAD_ROUNDS = 2;

export class ProjectViewCache {
  private view: ProjectView | null = null;
  private viewAt = 0;
  private evaluator: Evaluator | null = null;
  private fingerprints = new Map<string, string>();
  private readonly memo = new Map<string, Map<string, boolean>>();
  private refreshing: Promise<ProjectView> | null = null;
  private adoptSeq = 0;
  /** why the last read of the project failed (poll or refresh); null once one worked */
  private readError: string | null = null;

  constructor(
    private readonly scope: UnleashScope,
    private readonly reader: FeatureReader,
    private readonly listeners: ChangeListeners,
    /** how long a whole read counts as fresh */
    private readonly maxAgeMs: number,
  ) {}

  /** The last state read, or null before the first. */
  get current(): ProjectView | null {
    return this.view;
  }

  problem(): string | null {
    return this.readError;
  }

  /** A read of the project (or of the event log) failed: the console shows why and refuses writes. */
  readFailed(error: unknown): void {
    this.readError = errorText(error);
  }

  /**
   * Unleash answered and its event log has not moved since the state we hold was read: that state is
   * current, so an earlier failure to read is over (nothing else would clear it while nothing changes).
   */
  confirmUnchanged(): void {
    this.readError = null;
  }

  /** The state read within `maxAgeMs`, else the whole project read again. */
  async fresh(): Promise<ProjectView> {
    if (this.view && Date.now() - this.viewAt < this.maxAgeMs) return this.view;
    return this.refresh();
  }

  /** The whole project as the admin API has it now (one read at a time, shared by its callers). */
  refresh(): Promise<ProjectView> {
    this.refreshing ??= (async () => {
      try {
        // A write adopted newer state while we read: read again (unchanged flags cost a 304).
        for (let round = 0; ; round++) {
          const seq = this.adoptSeq;
          const view = await this.reader.project().catch((error: unknown) => {
            this.readFailed(error);
            throw error;
          });
          this.readError = null;
          if (this.adoptSeq === seq || round >= REREAD_ROUNDS) {
            this.adopt(view, true);
            return view;
          }
        }
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** The last state with one flag (and what its evaluation needs) read again now; refuses an unknown flag. */
  async withFreshFlag(flagKey: string): Promise<ProjectView> {
    const read = await this.reader.flag(flagKey);
    if (!read) throw this.scope.unknownFlag(flagKey);
    return withFlagRead(this.view, read);
  }

  /**
   * Read one flag again and make it current; the view it is in, or null when the project has no such
   * flag (any memory of it is dropped). Before the first whole read nothing is adopted: a view of one
   * flag must not pass for the project. The age of the view is kept: a flip reads its flag every
   * time, and counting that as a fresh project would keep the other flags from ever being read again.
   */
  async rereadFlag(flagKey: string): Promise<ProjectView | null> {
    const read = await this.reader.flag(flagKey);
    // Into the state as it is now: a whole read may have landed while this flag was read.
    const known = this.view;
    if (!read) {
      if (known?.features.has(flagKey)) {
        const features = new Map(known.features);
        features.delete(flagKey);
        this.adoptNewer({ features, segments: known.segments }, false);
      }
      return null;
    }
    const view = withFlagRead(known, read);
    if (known) this.adoptNewer(view, false);
    return view;
  }

  /**
   * Adopt a view in which one flag was read again (after our own write, or to confirm one); the first
   * state ever is read whole.
   */
  async adoptFlag(view: ProjectView): Promise<void> {
    if (!this.view) await this.refresh();
    else this.adoptNewer(view, true);
  }

  /** From the last state read: no I/O. An unknown flag (or nothing read yet) gives an empty map. */
  valuesFor(flagKey: string, tenantIds: readonly string[]): Map<string, FlagValue> {
    const values = new Map<string, FlagValue>();
    const view = this.view;
    if (!view?.features.has(flagKey)) return values;
    const evaluator = this.evaluatorFor(view);
    let known = this.memo.get(flagKey);
    if (!known) {
      known = new Map();
      this.memo.set(flagKey, known);
    }
    for (const tenantId of tenantIds) {
      let value = known.get(tenantId);
      if (value === undefined) {
        value = evaluator.isEnabled(flagKey, tenantId);
        known.set(tenantId, value);
      }
      values.set(tenantId, value);
    }
    return values;
  }

  /** The evaluator over `view`: kept for the current view, made anew for any other. */
  evaluatorFor(view: ProjectView): Evaluator {
    const { environment, contextField } = this.scope;
    if (view !== this.view) return new Evaluator(view, environment, contextField);
    this.evaluator ??= new Evaluator(view, environment, contextField);
    return this.evaluator;
  }

  /** Newer than what a whole read in flight will bring: that read is repeated (see refresh). */
  private adoptNewer(view: ProjectView, renewAge: boolean): void {
    this.adoptSeq++;
    this.adopt(view, renewAge);
  }

  /** Make `view` the current state; announce the flags whose state differs from before. */
  private adopt(view: ProjectView, renewAge: boolean): void {
    const previous = this.fingerprints;
    const next = new Map<string, string>();
    for (const feature of view.features.values()) next.set(feature.name, this.fingerprint(feature, view));
    const changed = [...next.keys()].filter((key) => previous.get(key) !== next.get(key));
    for (const key of previous.keys()) if (!next.has(key)) changed.push(key);
    const hadView = this.view !== null;
    this.view = view;
    if (renewAge) this.viewAt = Date.now();
    this.fingerprints = next;
    this.evaluator = null;
    this.memo.clear();
    if (!hadView || changed.length === 0) return;
    const etag = createHash('sha1')
      .update([...next.entries()].map(([k, v]) => `${k}=${v}`).join('\n'))
      .digest('hex')
      .slice(0, 16);
    this.listeners.announce({ flagKeys: changed, etag });
  }

  /** What of a flag decides what tenants get here: a change to it is announced. */
  private fingerprint(feature: Feature, view: ProjectView): string {
    const environment = feature.environments.find((e) => e.name === this.scope.environment) ?? null;
    const segmentIds = new Set((environment?.strategies ?? []).flatMap((s) => s.segments ?? []));
    const segments = [...segmentIds].sort().map((id) => view.segments.get(id) ?? null);
    return stableJson({
      type: feature.type,
      description: feature.description,
      dependencies: feature.dependencies ?? [],
      environment,
      segments,
    });
  }
}
