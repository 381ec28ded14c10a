import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, posix, win32 } from 'node:path';

/**
 * The one default data directory of both hosts: where Electron keeps the app's userData, computed
 * here in plain Node so that the web host (`npm run serve`, or `npm start` without Electron) opens
 * the same flags, audit log and time boxes as the desktop app.
 *
 * - Linux and other Unixes: `$XDG_CONFIG_HOME/Switchboard`, else `~/.config/Switchboard`
 * - macOS: `~/Library/Application Support/Switchboard`
 * - Windows: `%APPDATA%\Switchboard`, else `~\AppData\Roaming\Switchboard`
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv,
  home = homedir(),
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32')
    return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_NAME);
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return posix.join(xdg && isAbsolute(xdg) ? xdg : posix.join(home, '.config'), APP_NAME);
}

const APP_NAME = 'Switchboard';

/**
 * The web host's default before both hosts shared one (`$XDG_DATA_HOME/switchboard` or
 * `~/.local/share/switchboard`). Its data is not moved: it may be someone's audit trail.
 */
export function formerWebDataDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  return posix.join(xdg && isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share'), 'switchboard');
}

/**
 * One line for someone whose data is still in the web host's old default while the new one is
 * empty: where it is and how to keep using it. Null when there is nothing to say.
 */
export function formerDataDirNotice(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean = existsSync,
  home = homedir(),
): string | null {
  const former = formerWebDataDir(env, home);
  if (dataDir === former || exists(dataDir) || !exists(former)) return null;
  return `switchboard: data from an earlier version is in ${former}; the console now uses ${dataDir} (shared with the desktop app) — move it there, or pass --data-dir ${former}`;
}
