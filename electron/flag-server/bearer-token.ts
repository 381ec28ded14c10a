import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Constant-time comparison; hashing first makes the lengths equal so length leaks nothing either. */
export function sameSecret(candidate: string, expected: string): boolean {
  return timingSafeEqual(digest(candidate), digest(expected));
}

export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match !== null && sameSecret(match[1]!, token);
}

/**
 * A browser's EventSource cannot send an Authorization header, so the bulk response advertises the
 * SSE endpoint with this key in its query. It is derived from the token and opens only the event
 * stream, which carries etags and never a flag value.
 */
export function sseKeyFor(token: string): string {
  return createHmac('sha256', token).update('ofrep-sse').digest('base64url');
}
