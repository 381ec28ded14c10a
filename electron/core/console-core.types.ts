import type { CallName, EventName, EventPayload } from './api';
import type { RetryDelays } from './flags/connecting-flag-provider';
import type { SourceConfig } from './metrics/source-config';
import type { SecretStore } from './secrets/secret-store';

/** Who is calling: the hosts fill it in; the core writes it into audit records. */
export interface CallContext {
  actor: string;
}

export type CoreEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * What a host sees of the core. `call` validates the input against the contract (api.ts `parseCall`)
 * before anything else runs and rejects with an `ApiError`; `subscribe` delivers every pushed event.
 */
export interface ConsoleCore {
  call(name: CallName | string, input: unknown, ctx: CallContext): Promise<unknown>;
  subscribe(listener: CoreEventListener): () => void;
  /** The embedded flag server's OFREP base URL (".../ofrep/v1"), or null when none runs. */
  readonly ofrepEndpoint: string | null;
  /** Number of tenants currently marked spike (tray badge). */
  spikingCount(): number;
  stop(): Promise<void>;
}

export interface ConsoleCoreOptions {
  dataDir: string;
  host: 'electron' | 'web';
  /** simulated tenants (default 50) */
  tenants?: number;
  /** OFREP port on 127.0.0.1 (default 8016; 0 picks a free port) */
  ofrepPort?: number;
  /** optional bearer token the OFREP server requires */
  ofrepToken?: string;
  /** browser origins the OFREP server sends CORS headers for (default none) */
  ofrepCorsOrigins?: string[];
  /** the scripted spike: ms after start (default 30 s); null disables it */
  spikeAfterMs?: number | null;
  actor?: string;
  /** metrics sources from the command line: a transient profile for this launch (default: profiles.json) */
  sources?: SourceConfig[];
  /** where profile secrets (flag API tokens, broker passwords) live; the host's own */
  secrets?: SecretStore;
  /**
   * Backoff between attempts to reach a flag system that was unreachable when its profile started
   * (default 5 s doubling to 60 s, with jitter); tests shorten it.
   */
  flagConnectRetry?: RetryDelays;
}
