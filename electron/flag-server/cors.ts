import type { OutgoingHttpHeaders } from 'node:http';

/** '*' or the exact origins (scheme://host:port) whose pages may call the server from a browser. */
export type AllowedOrigins = '*' | readonly string[];

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
