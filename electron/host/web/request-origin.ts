import type { IncomingMessage } from 'node:http';
import { headerValues } from './auth-token';

/**
 * Browsers attach `Origin` to cross-site requests and to every WebSocket handshake: a page on another
 * origin must not drive the console even if it somehow holds the token. A request without `Origin`
 * (curl, a same-origin GET) passes this check and still needs the token for anything but static files.
 */
export function isAllowedOrigin(req: IncomingMessage, ownOrigin: string): boolean {
  return headerValues(req, 'origin').every((origin) => origin === ownOrigin);
}

/**
 * DNS rebinding defence: a foreign name resolving to 127.0.0.1 makes the browser send its own name as
 * `Host` while treating the console as same-origin. We only answer to the address we bound.
 */
export function isAllowedHost(req: IncomingMessage, ownHost: string): boolean {
  const hosts = headerValues(req, 'host');
  return hosts.length === 1 && hosts[0]!.toLowerCase() === ownHost;
}
