import type { BrowserWindow } from 'electron';
import type { ConsoleCore } from '../../core/console-core.types';

/**
 * The window reopens at the size it was closed at. The size lives in the core's settings (one place
 * for all state), read before the window is created and written when it closes.
 */

export interface WindowState {
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };

/** The settings schema bounds (api.ts): a value outside them would be refused by settings.update. */
const LIMITS = { minWidth: 400, minHeight: 300, max: 10_000 };

type StateWindow = Pick<BrowserWindow, 'isDestroyed' | 'isMaximized' | 'getNormalBounds' | 'on'>;

/** Never fails: unreadable settings mean the default size, not a window that does not open. */
export async function loadWindowState(core: ConsoleCore, actor: string): Promise<WindowState> {
  try {
    const settings = (await core.call('settings.get', {}, { actor })) as { window?: WindowState | null };
    return settings.window ?? DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

/** The size to remember: the restored (not maximised) bounds, plus whether it was maximised. */
export function currentWindowState(win: StateWindow): WindowState {
  const { width, height } = win.getNormalBounds();
  return {
    width: clamp(Math.round(width), LIMITS.minWidth, LIMITS.max),
    height: clamp(Math.round(height), LIMITS.minHeight, LIMITS.max),
    maximized: win.isMaximized(),
  };
}

export interface WindowStateTracker {
  /** Saves the current state if the window still exists and waits for pending saves (before quit). */
  flush(): Promise<void>;
}

export function trackWindowState(win: StateWindow, core: ConsoleCore, actor: string): WindowStateTracker {
  let pending: Promise<unknown> = Promise.resolve();
  const save = () => {
    if (win.isDestroyed()) return;
    const window = currentWindowState(win);
    // A failed save costs only the window size next time; it must not block closing.
    pending = pending.then(() => core.call('settings.update', { window }, { actor })).catch(() => undefined);
  };
  win.on('close', save);
  return {
    async flush() {
      save();
      await pending;
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
