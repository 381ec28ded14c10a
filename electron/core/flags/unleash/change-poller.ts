/**
 * Finds other people's changes while someone listens: every `intervalMs` the newest entry of the
 * event log is fetched with If-None-Match (304 while nothing happened); when it moved, the project is
 * read again (unchanged flags cost a 304) and the view cache announces what differs. Without the
 * event log (the token may not read it) the project is read every time.
 *
 * A failed poll is the provider's problem (the console shows it and refuses writes) until a poll
 * works again: a refresh that worked, or the log answering that nothing moved since the state held.
 */
import type { ChangeListener, ChangeListeners } from './change-listeners';
import type { ProjectViewCache } from './project-view-cache';
import type { UnleashEventLog } from './unleash-event-log';

export class ChangePoller {
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;
  /** the log's newest entry when the state held was read */
  private headEtag: string | null = null;
  private headId: number | null = null;

  constructor(
    private readonly cache: ProjectViewCache,
    private readonly log: UnleashEventLog,
    private readonly listeners: ChangeListeners,
    private readonly intervalMs: number,
  ) {}

  /** Listen; polling runs while anyone does. Returns the way to stop listening. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    if (!this.timer && !this.polling && !this.closed) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, delayMs);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    if (this.closed || this.listeners.size === 0) return;
    this.polling = true;
    try {
      const head = await this.log.head(this.headEtag);
      if (head && this.cache.current && (head.unchanged || head.id === this.headId)) {
        // Nothing moved since the state held was read: it is current, and Unleash answers again.
        if (!head.unchanged) this.headEtag = head.etag;
        this.cache.confirmUnchanged();
        return;
      }
      await this.cache.refresh();
      // Only after the state is in: a failed read is retried at the next poll.
      if (head) {
        this.headEtag = head.etag;
        if (head.id !== null) this.headId = head.id;
      }
    } catch (error) {
      this.cache.readFailed(error);
    } finally {
      this.polling = false;
      if (!this.closed && this.listeners.size > 0 && !this.timer) this.schedule(this.intervalMs);
    }
  }
}
