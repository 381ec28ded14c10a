import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The web host's per-launch credential. The token is the only thing that separates the console from
 * every other process and web page on this machine, so it is checked once, at the router, for every API
 * request and every WebSocket upgrade; there is no "no token" mode.
 */

export const TOKEN_BYTES = 32;
/** The subprotocol the server selects; the token travels beside it because browsers cannot set WS headers. */
export const WS_PROTOCOL = 'sb.v1';
export const WS_TOKEN_PREFIX = 'sb.token.';

const TOKEN_PATTERN = /^[0-9a-f]{64}$/;
const BEARER_PATTERN = /^Bearer +(\S+)$/i;

export type AuthResult = { ok: true } | { ok: false; reason: string };

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('hex');
}

/** A caller-supplied token must be as strong as a generated one. */
export function assertValidToken(token: string): void {
  if (!TOKEN_PATTERN.test(token)) throw new Error('the web host token must be 64 lowercase hex characters');
}

/** Constant-time: hashing first gives equal lengths, so neither length nor content leaks through timing. */
export function tokensMatch(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/**
 * Every value of a header, read from rawHeaders: Node keeps only the first `Authorization` in
 * `req.headers`, which would hide a duplicated credential.
 */
export function headerValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  }
  return values;
}

export function offeredSubprotocols(req: IncomingMessage): string[] {
  return headerValues(req, 'sec-websocket-protocol')
    .flatMap((value) => value.split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

interface Credential {
  via: 'bearer' | 'subprotocol';
  /** null when the carrier is present but malformed ("Basic ...", "Bearer" alone) */
  token: string | null;
}

/** All credentials a request carries, in either carrier: exactly one is acceptable. */
function presentedCredentials(req: IncomingMessage): Credential[] {
  const bearer = headerValues(req, 'authorization').map(
    (value): Credential => ({ via: 'bearer', token: BEARER_PATTERN.exec(value.trim())?.[1] ?? null }),
  );
  const subprotocol = offeredSubprotocols(req)
    .filter((p) => p.startsWith(WS_TOKEN_PREFIX))
    .map((p): Credential => ({ via: 'subprotocol', token: p.slice(WS_TOKEN_PREFIX.length) }));
  return [...bearer, ...subprotocol];
}

function checkSingle(req: IncomingMessage, token: string, via: Credential['via']): AuthResult {
  const credentials = presentedCredentials(req);
  if (credentials.length === 0) return { ok: false, reason: 'missing token' };
  if (credentials.length > 1) return { ok: false, reason: 'more than one credential' };
  const [credential] = credentials as [Credential];
  if (credential.via !== via) return { ok: false, reason: `token expected as ${via}` };
  if (credential.token === null || !tokensMatch(token, credential.token)) {
    return { ok: false, reason: 'wrong token' };
  }
  return { ok: true };
}

/** HTTP API: exactly one `Authorization: Bearer <token>` and no other credential. */
export function checkHttpAuth(req: IncomingMessage, token: string): AuthResult {
  return checkSingle(req, token, 'bearer');
}

/** WebSocket upgrade: exactly one `sb.token.<token>` subprotocol and no other credential. */
export function checkUpgradeAuth(req: IncomingMessage, token: string): AuthResult {
  return checkSingle(req, token, 'subprotocol');
}
