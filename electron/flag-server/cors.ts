import type { OutgoingHttpHeaders } from 'node:http';

/**
 * Which browser pages may read the flag server. The default is none: the server answers on
 * 127.0.0.1, so with CORS open any web page in the operator's browser could read every tenant's
 * flags. Services calling from Node need no CORS; a browser app gets it by naming its origin
 * (`--ofrep-cors-origin`). '*' remains for programmatic use only.
 */
export type AllowedOrigins = '*' | readonly string[];

export const NO_ORIGINS: AllowedOrigins = [];

/** Headers for an actual response. The ETag must be exposed or a browser client cannot send If-None-Match. */
export function corsHeaders(origin: string | undefined, allowed: AllowedOrigins): OutgoingHttpHeaders {
  if (allowed === '*') return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'ETag' };
  if (origin && allowed.includes(origin)) {
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'ETag', Vary: 'Origin' };
  }
  return {};
}

/** Extra headers for a preflight (OPTIONS): what a browser OFREP client sends. */
export const preflightHeaders: OutgoingHttpHeaders = {
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-None-Match, Cache-Control, Last-Event-ID',
  'Access-Control-Max-Age': '600',
};

/**
 * A browser origin as given on the command line or in the environment → its exact form
 * ("http://localhost:5173/" → "http://localhost:5173"). Anything that is not a bare http(s) origin
 * is refused: a browser sends the origin exactly, so a path or a pattern would never match.
 */
export function parseAllowedOrigin(text: string): string {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`${JSON.stringify(text)} is not an origin (expected e.g. http://localhost:5173)`);
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare || !/^https?:\/\//.test(trimmed)) {
    throw new Error(
      `${JSON.stringify(text)} is not an origin: give scheme://host[:port] only (e.g. http://localhost:5173)`,
    );
  }
  return url.origin;
}
