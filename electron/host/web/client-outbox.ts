/**
 * What one WebSocket client is sent, with backpressure. A tick carries every tenant, so a slow client
 * (a throttled background tab, a busy laptop) would otherwise queue megabytes of stale ticks. When the
 * socket's buffer is above the high-water mark we keep only the newest tick and send it once the buffer
 * drains. Call results and every other event are never dropped: they are facts, a tick is a snapshot.
 */

/** The part of a `ws` WebSocket the outbox uses; a fake in tests. */
export interface OutboxSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string, cb?: (error?: Error) => void): void;
}

const OPEN = 1;
export const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;

export interface ClientOutbox {
  /** A message that must arrive (results, errors, events other than ticks). */
  send(data: string): void;
  /** A tick: replaced by a newer one while the client is behind. */
  sendTick(data: string): void;
  /** Ticks dropped so far (for tests and diagnostics). */
  readonly droppedTicks: number;
}

export function createClientOutbox(
  socket: OutboxSocket,
  highWaterBytes = DEFAULT_HIGH_WATER_BYTES,
): ClientOutbox {
  let pendingTick: string | null = null;
  let droppedTicks = 0;

  // Each completed write is a chance to flush the tick we held back.
  const afterWrite = () => {
    if (pendingTick === null || socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > highWaterBytes) return;
    const tick = pendingTick;
    pendingTick = null;
    write(tick);
  };

  const write = (data: string) => {
    if (socket.readyState !== OPEN) return;
    socket.send(data, afterWrite);
  };

  return {
    send: write,
    sendTick(data) {
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
  };
}
