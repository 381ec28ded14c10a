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

/**
 * A token given by an operator must fit in `Authorization: Bearer <token>` as OpenFeature's providers
 * send it: visible ASCII, no spaces. Returns it unchanged or throws saying what is wrong.
 */
export function assertUsableToken(token: string, name: string): string {
  if (token.length === 0) throw new Error(`${name} must not be empty`);
  if (token.length > 1024) throw new Error(`${name} is longer than 1024 characters`);
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new Error(`${name} may only contain visible ASCII characters (no spaces)`);
  }
  return token;
}
