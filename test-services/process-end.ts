/**
 * Cleanups that must run however a test process ends: a normal exit, or SIGINT / SIGTERM / SIGHUP
 * (Ctrl-C, a runner stopping its workers, a closed terminal). Without the signal handlers a private
 * broker started `-detached` would outlive the worker that started it. After cleaning up, the signal
 * is raised again, so the process still ends the way the sender meant (killed by that signal, as
 * its parent sees it). A SIGKILL runs nothing: leftovers.ts reaps what that leaves at the next start.
 */

const cleanups = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

/** Run `cleanup` (synchronous: nothing async runs at exit) when the process ends; returns the undo. */
export function onProcessEnd(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // One failed cleanup must not keep the others from running.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', runAll);
  const listeners = new Map<NodeJS.Signals, () => void>();
  for (const signal of SIGNALS) {
    const onSignal = () => {
      runAll();
      for (const [other, listener] of listeners) process.off(other, listener);
      // Listening swallowed the signal's default action. Raise it again so it applies — unless
      // someone else listens (a test runner's own Ctrl-C handling): then the answer is theirs.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    listeners.set(signal, onSignal);
    process.on(signal, onSignal);
  }
}
