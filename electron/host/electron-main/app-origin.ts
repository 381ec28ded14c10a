/**
 * Where the Electron renderer lives: a privileged custom scheme rather than file://, so the page has a
 * real origin to check navigation and IPC senders against, and file:// keeps no special powers.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const RENDERER_URL = `${APP_ORIGIN}/electron.html`;

/**
 * The origin to compare, never a prefix: `app://switchboard.evil/` starts with ours. WHATWG URL gives
 * custom schemes the opaque origin "null", which would make every custom-scheme URL look alike, so
 * those are compared as scheme + host instead. Unparseable URLs get an origin that matches nothing.
 */
export function originOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid:';
  }
  if (parsed.origin !== 'null') return parsed.origin;
  return `${parsed.protocol}//${parsed.host}`;
}

export function isAppUrl(url: string): boolean {
  return originOf(url) === APP_ORIGIN;
}
