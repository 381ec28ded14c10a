/** Epoch milliseconds now. Injected so that tests drive time instead of waiting for it. */
export type Now = () => number;

/** The two timer calls the actions need, injected for the same reason. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemNow: Now = () => Date.now();

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
