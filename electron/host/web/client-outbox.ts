/**
 * What one WebSocket client is sent, with backpressure. A tick carries every tenant, so a slow client
 * (a throttled background tab, a busy laptop) would otherwise queue megabytes of stale ticks. When the
 * socket's buffer is above the high-water mark we keep only the newest tick and send it once the buffer
 * drains. Call results and every other event are never dropped: they are facts, a tick is a snapshot.
 *
 * Facts still pile up for a client that has stopped reading altogether (a frozen tab, a half-open
 * connection), so each client has a byte cap: a message that would take its unsent bytes past the cap
 * is not queued; the outbox reports the overflow once and sends nothing more. The hub then closes the
 * socket and the renderer reconnects, fetching current state instead of replaying a stale backlog.
 */

/** The part of a `ws` WebSocket the outbox uses; a fake in tests. */
export interface OutboxSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string, cb?: (error?: Error) => void): void;
}

const OPEN = 1;
export const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface ClientOutboxOptions {
  /** buffered bytes above which ticks are held back (only the newest is kept) */
  highWaterBytes?: number;
  /** buffered bytes a client may owe at most; beyond it `onOverflow` fires and sending stops */
  maxBufferedBytes?: number;
  /** called once, with the bytes the client would have owed */
  onOverflow?: (bytes: number) => void;
}

export interface ClientOutbox {
  /** A message that must arrive (results, errors, events other than ticks). */
  send(data: string): void;
  /** A tick: replaced by a newer one while the client is behind. */
  sendTick(data: string): void;
  /** Ticks dropped so far (for tests and diagnostics). */
  readonly droppedTicks: number;
  /** The client went over its byte cap; nothing is sent to it any more. */
  readonly overflowed: boolean;
}

export function createClientOutbox(socket: OutboxSocket, options: ClientOutboxOptions = {}): ClientOutbox {
  const highWaterBytes = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  let pendingTick: string | null = null;
  let droppedTicks = 0;
  let overflowed = false;

  // Each completed write is a chance to flush the tick we held back.
  const afterWrite = () => {
    if (pendingTick === null || overflowed || socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > highWaterBytes) return;
    const tick = pendingTick;
    pendingTick = null;
    write(tick);
  };

  const write = (data: string) => {
    if (overflowed || socket.readyState !== OPEN) return;
    // String length is a lower bound of the UTF-8 size: cheap, and close enough for a cap in megabytes.
    const owed = socket.bufferedAmount + data.length;
    if (owed > maxBufferedBytes) {
      overflowed = true;
      pendingTick = null;
      options.onOverflow?.(owed);
      return;
    }
    socket.send(data, afterWrite);
  };

  return {
    send: write,
    sendTick(data) {
      if (overflowed) return;
      if (socket.bufferedAmount > highWaterBytes) {
        if (pendingTick !== null) droppedTicks += 1;
        pendingTick = data;
        return;
      }
      // A tick held back earlier is older than this one: this one replaces it.
      if (pendingTick !== null) {
        droppedTicks += 1;
        pendingTick = null;
      }
      write(data);
    },
    get droppedTicks() {
      return droppedTicks;
    },
    get overflowed() {
      return overflowed;
    },
  };
}
