/**
 * Drops WebSocket clients that no longer answer. A laptop that sleeps, a tab killed without a close
 * frame or a network that vanished leaves a half-open TCP connection that can look alive for hours;
 * meanwhile the hub keeps serialising events for it. Every interval each client is pinged; one that
 * has not answered the previous ping by then is terminated. Browsers answer pings by themselves.
 */

/** The part of a `ws` WebSocket the heartbeat uses. */
export interface HeartbeatSocket {
  ping(): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): unknown;
}

export const DEFAULT_HEARTBEAT_MS = 30_000;

export interface Heartbeat {
  watch(socket: HeartbeatSocket): void;
  forget(socket: HeartbeatSocket): void;
  stop(): void;
}

export function startHeartbeat(intervalMs = DEFAULT_HEARTBEAT_MS): Heartbeat {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new Error(`heartbeat interval must be a positive number of ms, got ${intervalMs}`);
  }
  /** socket → answered since the last ping */
  const answered = new Map<HeartbeatSocket, boolean>();

  const beat = () => {
    for (const [socket, alive] of answered) {
      if (!alive) {
        answered.delete(socket);
        socket.terminate();
        continue;
      }
      answered.set(socket, false);
      try {
        socket.ping();
      } catch {
        // Not open any more: its close handler forgets it.
      }
    }
  };
  const timer = setInterval(beat, intervalMs);
  timer.unref();

  return {
    watch(socket) {
      answered.set(socket, true);
      socket.on('pong', () => {
        if (answered.has(socket)) answered.set(socket, true);
      });
    },
    forget(socket) {
      answered.delete(socket);
    },
    stop() {
      clearInterval(timer);
      answered.clear();
    },
  };
}
