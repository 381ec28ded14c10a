/**
 * The flag provider's own log for the audit timeline. Read when someone starts showing it, again after
 * changes were announced — `flags.onChange` (how an edit made directly in Unleash or LaunchDarkly
 * reaches us) and our own audit outcomes — coalesced by a RefreshScheduler, and at once after a profile
 * switch or a reconnect. Never polled. One feed per client, shared by the Audit view and the tenant
 * panel while either is on screen (`retain`), so that both showing does not read the log twice.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProviderEvent, SwitchboardClient } from '../../../electron/core/api';
import { type ConnectionMonitor, errorText } from '../../client/client';
import { PROVIDER_LOG_TIMING, RefreshScheduler, type RefreshTiming } from './refresh-scheduler';

/** Newest events read; older ones are in the provider's own UI. */
export const PROVIDER_HISTORY_LIMIT = 100;

export interface ProviderHistoryState {
  /** newest first, as the provider answered */
  events: ProviderEvent[];
  /** a first answer (or error) arrived */
  loaded: boolean;
  error: string | null;
}

const EMPTY: ProviderHistoryState = { events: [], loaded: false, error: null };

export class ProviderHistoryFeed {
  readonly store: StoreApi<ProviderHistoryState> = createStore<ProviderHistoryState>(() => EMPTY);
  private users = 0;
  private stop: (() => void) | null = null;
  /** bumped by every read and by stop: only the newest read's answer is kept */
  private generation = 0;

  constructor(
    private readonly client: SwitchboardClient,
    private readonly connection: ConnectionMonitor | null = null,
    private readonly timing: RefreshTiming = PROVIDER_LOG_TIMING,
  ) {}

  /** Start following the log (the first user starts it); call the returned function when done. */
  retain(): () => void {
    if (this.users++ === 0) this.stop = this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) {
        this.stop?.();
        this.stop = null;
      }
    };
  }

  private start(): () => void {
    const scheduler = new RefreshScheduler(() => void this.read(), this.timing);
    const offs = [
      this.client.on('flags.onChange', () => scheduler.request()),
      this.client.on('audit.onEntry', (entry) => {
        if (entry.outcome !== 'pending') scheduler.request();
      }),
      this.client.on('app.onReset', () => {
        // the log shown belongs to the previous profile's provider
        this.store.setState(EMPTY);
        scheduler.runNow();
      }),
    ];
    if (this.connection) {
      let up = this.connection.get().state === 'connected';
      offs.push(
        this.connection.subscribe((info) => {
          const nowUp = info.state === 'connected';
          if (nowUp && !up) scheduler.runNow();
          up = nowUp;
        }),
      );
    }
    scheduler.runNow();
    return () => {
      scheduler.dispose();
      for (const off of offs) off();
      this.generation++;
      // whoever shows it next reads it afresh (the profile may have changed meanwhile)
      this.store.setState(EMPTY);
    };
  }

  private async read(): Promise<void> {
    const generation = ++this.generation;
    try {
      const events = await this.client.call('audit.providerHistory', { limit: PROVIDER_HISTORY_LIMIT });
      if (generation === this.generation) this.store.setState({ events, loaded: true, error: null });
    } catch (error) {
      if (generation === this.generation) this.store.setState({ loaded: true, error: errorText(error) });
    }
  }
}
