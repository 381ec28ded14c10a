import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  assertValidToken,
  checkHttpAuth,
  checkUpgradeAuth,
  generateToken,
  offeredSubprotocols,
  tokensMatch,
} from './auth-token';

const token = 'a'.repeat(64);
const other = 'b'.repeat(64);

/** Only rawHeaders matter to the checks, as they must see duplicates. */
const request = (...pairs: [string, string][]) =>
  ({ rawHeaders: pairs.flat() }) as unknown as IncomingMessage;

describe('auth token', () => {
  it('draws 32 random bytes as hex, different each launch', () => {
    const a = generateToken();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('refuses weak caller-supplied tokens', () => {
    expect(() => assertValidToken('secret')).toThrow(/64 lowercase hex/);
    expect(() => assertValidToken(token)).not.toThrow();
  });

  it('compares whatever the lengths', () => {
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch(token, other)).toBe(false);
    expect(tokensMatch(token, 'a')).toBe(false);
    expect(tokensMatch(token, '')).toBe(false);
  });

  it('accepts exactly one bearer token on HTTP', () => {
    expect(checkHttpAuth(request(['Authorization', `Bearer ${token}`]), token).ok).toBe(true);
    expect(checkHttpAuth(request(['authorization', `bearer ${token}`]), token).ok).toBe(true);
    expect(checkHttpAuth(request(), token)).toEqual({ ok: false, reason: 'missing token' });
    expect(checkHttpAuth(request(['Authorization', `Bearer ${other}`]), token).ok).toBe(false);
    expect(checkHttpAuth(request(['Authorization', `Basic ${token}`]), token).ok).toBe(false);
    expect(checkHttpAuth(request(['Authorization', `Bearer ${token}, Bearer ${token}`]), token).ok).toBe(
      false,
    );
  });

  it('rejects duplicated or conflicting credentials', () => {
    const twice = request(['Authorization', `Bearer ${token}`], ['Authorization', `Bearer ${token}`]);
    expect(checkHttpAuth(twice, token)).toEqual({ ok: false, reason: 'more than one credential' });
    const both = request(
      ['Authorization', `Bearer ${token}`],
      ['Sec-WebSocket-Protocol', `sb.v1, sb.token.${token}`],
    );
    expect(checkHttpAuth(both, token).ok).toBe(false);
    expect(checkUpgradeAuth(both, token).ok).toBe(false);
    const twoProtocols = request(['Sec-WebSocket-Protocol', `sb.v1, sb.token.${token}, sb.token.${other}`]);
    expect(checkUpgradeAuth(twoProtocols, token).ok).toBe(false);
  });

  it('takes the WebSocket token from the subprotocol only', () => {
    expect(checkUpgradeAuth(request(['Sec-WebSocket-Protocol', `sb.v1, sb.token.${token}`]), token).ok).toBe(
      true,
    );
    expect(checkUpgradeAuth(request(['Sec-WebSocket-Protocol', `sb.v1, sb.token.${other}`]), token).ok).toBe(
      false,
    );
    expect(checkUpgradeAuth(request(['Authorization', `Bearer ${token}`]), token).ok).toBe(false);
  });

  it('reads subprotocols across repeated headers', () => {
    const req = request(
      ['Sec-WebSocket-Protocol', 'sb.v1'],
      ['sec-websocket-protocol', ` sb.token.${token} `],
    );
    expect(offeredSubprotocols(req)).toEqual(['sb.v1', `sb.token.${token}`]);
  });
});
