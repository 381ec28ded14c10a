/**
 * Unleash's event log (/api/admin/search/events): its newest entry (what the change poller watches),
 * a flag's recent strategy edits (what a write checks for edits it may have overwritten) and the
 * history shown in the console. A token that may not read it (403, or a server without the search,
 * 404) makes the log unusable for the session: callers then do without it.
 */
import type { ProviderEvent } from '../../api';
import { REASON_PARAMETER } from './tenant-lists';
import { UnleashApiError } from './unleash-http';
import { type Constraint, eventSearchSchema, type UnleashEvent } from './unleash-schemas';
import type { UnleashScope } from './unleash-scope';

/** The newest entry of the whole log, and the ETag to ask with next time. */
export interface LogHead {
  /** 304: the log has not moved since the ETag asked with */
  unchanged: boolean;
  etag: string | null;
  /** the newest event's id (0 for an empty log); null when unchanged */
  id: number | null;
}

export class UnleashEventLog {
  private usableLog = true;

  constructor(
    private readonly scope: UnleashScope,
    private readonly providerKind: string,
  ) {}

  /** False once Unleash refused the log to this token. */
  get usable(): boolean {
    return this.usableLog;
  }

  /** The log's newest entry; null when the log is unusable. */
  async head(ifNoneMatch: string | null): Promise<LogHead | null> {
    if (!this.usableLog) return null;
    try {
      const answer = await this.scope.http.request(
        'GET',
        '/api/admin/search/events?limit=1',
        'watch the event log',
        { schema: eventSearchSchema, ifNoneMatch },
      );
      if (answer.status === 304) return { unchanged: true, etag: answer.etag, id: null };
      return { unchanged: false, etag: answer.etag, id: answer.body?.events[0]?.id ?? 0 };
    } catch (error) {
      return this.unusable(error, null);
    }
  }

  /** The id of the flag's newest event (0: none yet); null when the log is unusable. */
  async latestId(flagKey: string): Promise<number | null> {
    if (!this.usableLog) return null;
    const events = await this.flagEvents(flagKey, 1, false);
    return events[0]?.id ?? 0;
  }

  /** The flag's newest strategy edits, newest first ([] when the log is unusable). */
  strategyUpdates(flagKey: string): Promise<UnleashEvent[]> {
    return this.flagEvents(flagKey, 100, true);
  }

  /** The flag's (or else the project's) events in our environment, newest first, for the console. */
  async history(query: { flagKey?: string; limit: number }): Promise<ProviderEvent[]> {
    const { project, environment } = this.scope;
    const limit = Math.max(1, Math.min(query.limit, 500));
    // Other environments' events are dropped below: ask for more than will be shown.
    const params = new URLSearchParams({ limit: String(Math.min(1000, Math.max(50, limit * 3))) });
    if (query.flagKey) params.set('feature', `IS:${query.flagKey}`);
    else params.set('project', `IS:${project}`);
    const answer = await this.scope.http.request(
      'GET',
      `/api/admin/search/events?${params}`,
      query.flagKey
        ? `read the event log of flag ${query.flagKey}`
        : `read the event log of project ${project}`,
      { schema: eventSearchSchema },
    );
    return (answer.body?.events ?? [])
      .filter((event) => !event.environment || event.environment === environment)
      .slice(0, limit)
      .map((event) => this.providerEvent(event));
  }

  private async flagEvents(flagKey: string, limit: number, updatesOnly: boolean): Promise<UnleashEvent[]> {
    if (!this.usableLog) return [];
    try {
      const params = new URLSearchParams({ feature: `IS:${flagKey}`, limit: String(limit) });
      if (updatesOnly) params.set('type', 'IS:feature-strategy-update');
      const answer = await this.scope.http.request(
        'GET',
        `/api/admin/search/events?${params}`,
        `read the event log of ${flagKey}`,
        { schema: eventSearchSchema },
      );
      return answer.body?.events ?? [];
    } catch (error) {
      return this.unusable(error, []);
    }
  }

  /** A refusal of the log makes it unusable (answer `fallback`); anything else is rethrown. */
  private unusable<T>(error: unknown, fallback: T): T {
    if (error instanceof UnleashApiError && (error.status === 403 || error.status === 404)) {
      this.usableLog = false;
      return fallback;
    }
    throw error;
  }

  private providerEvent(event: UnleashEvent): ProviderEvent {
    return {
      id: String(event.id),
      at: event.createdAt,
      provider: this.providerKind,
      actor: event.createdBy ?? 'unknown',
      flagKey: event.featureName ?? null,
      summary: plainSummary(event),
      comment: switchboardNote(event),
    };
  }
}

/** A strategy as event data carries it (only what is compared). */
export type StrategyData = {
  id?: string;
  title?: string | null;
  disabled?: boolean | null;
  segments?: number[] | null;
  constraints?: Constraint[];
  parameters?: Record<string, unknown>;
} | null;

export function strategyData(data: unknown): StrategyData {
  if (!data || typeof data !== 'object') return null;
  return data as NonNullable<StrategyData>;
}

/**
 * The reason note a Switchboard wrote with this event, or null: a Switchboard sets a new note with
 * every edit, a person's edit in Unleash's UI leaves the old one as it was.
 */
export function switchboardNote(event: UnleashEvent): string | null {
  const reason = strategyData(event.data)?.parameters?.[REASON_PARAMETER];
  const before = strategyData(event.preData)?.parameters?.[REASON_PARAMETER];
  return typeof reason === 'string' && reason !== before ? reason : null;
}

/** Unleash's markdown summary as plain text ("**x** updated **[f](url)**" → "x updated f"). */
function plainSummary(event: UnleashEvent): string {
  const text = event.summary ?? event.label ?? event.type;
  return text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*/g, '');
}
