/**
 * Who listens to the provider's onChange. The view cache announces to them; the change poller runs
 * only while there is someone.
 */
export interface FlagChange {
  flagKeys: string[];
  etag: string;
}

export type ChangeListener = (change: FlagChange) => void;

export class ChangeListeners {
  private readonly listeners = new Set<ChangeListener>();

  get size(): number {
    return this.listeners.size;
  }

  add(listener: ChangeListener): void {
    this.listeners.add(listener);
  }

  delete(listener: ChangeListener): void {
    this.listeners.delete(listener);
  }

  clear(): void {
    this.listeners.clear();
  }

  announce(change: FlagChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
