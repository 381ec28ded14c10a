/**
 * The data-file problems banner follows the files while the console runs, not only at connect:
 * app.info (which lists them) is asked again after the events that go with a file turning invalid
 * or valid again. A broken flags.json degrades the flags source (sources.onStatus) and a fixed one
 * restores it and announces its flags (flags.onChange). The core pushes no event for the problems
 * list itself, so these are the best signals there are.
 */
import type { SourceStatus, SwitchboardClient } from '../../electron/core/api';
import { loadSources, type SourcesStore } from '../features/sources/sources-store';

/** A burst of events (a save in several steps, every source changing at once) costs one request. */
export const PROBLEMS_DEBOUNCE_MS = 300;

/** Refetch app.info after the signals above, debounced. Returns the unsubscribe. */
export function followDataProblems(
  store: SourcesStore,
  client: SwitchboardClient,
  debounceMs = PROBLEMS_DEBOUNCE_MS,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void loadSources(store, client);
    }, debounceMs);
  };
  // A source's message may change every second (a countdown to its next retry): only a change of
  // state (ok, degraded, down) can go with a file turning invalid or valid.
  let states = '';
  const onStatus = (statuses: SourceStatus[]) => {
    const next = statuses.map((s) => `${s.id}:${s.state}`).join(' ');
    if (next === states) return;
    states = next;
    schedule();
  };
  const offs = [client.on('sources.onStatus', onStatus), client.on('flags.onChange', schedule)];
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const off of offs) off();
  };
}
