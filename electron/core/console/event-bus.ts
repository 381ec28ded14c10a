import type { EventName, EventPayload } from '../api';
import type { CoreEventListener } from '../console-core.types';

/** Fan-out of the core's pushed events to every connected UI. A throwing listener cannot starve the rest. */
export class EventBus {
  private readonly listeners = new Set<CoreEventListener>();

  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        console.error(
          `switchboard: a ${event} listener failed:`,
          error instanceof Error ? error.message : error,
        );
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
