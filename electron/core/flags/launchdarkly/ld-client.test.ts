/**
 * LdClient against the CONTRACT SERVER (testing/ld-contract-server.ts), which stands in for
 * LaunchDarkly's REST API v2 as documented — it is not the real service. Sleeps, jitter and the clock
 * are injected: no test waits for real time.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LdClient, type LdClientOptions, type LdRequest } from './ld-client';
import { LaunchDarklyError } from './ld-errors';
import { flagListSchema, flagSchema } from './ld-schemas';
import {
  type LdContractServer,
  READER_TOKEN,
  startLdContractServer,
  WRITER_TOKEN,
} from './testing/ld-contract-server';

const PROJECT = 'default';
const ENV = 'production';
const LIST_PATH = `/api/v2/flags/${PROJECT}?env=${ENV}&summary=0&limit=100`;

let server: LdContractServer;
let sleeps: number[];
let closing: AbortController;

beforeEach(async () => {
  server = await startLdContractServer({ startAt: Date.UTC(2026, 0, 1) });
  server.addFlag(PROJECT, {
    key: 'publish-events',
    variations: [{ value: false }, { value: true }],
    environments: { production: { on: true, fallthrough: 1, offVariation: 0 } },
  });
  sleeps = [];
  closing = new AbortController();
});

afterEach(async () => {
  closing.abort();
  await server.close();
});

function client(options: Partial<LdClientOptions> = {}): LdClient {
  return new LdClient({
    baseUrl: server.url,
    token: WRITER_TOKEN,
    timeoutMs: 5_000,
    maxRetries: 4,
    maxWaitMs: 30_000,
    fetch,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => server.now(),
    signal: closing.signal,
    ...options,
  });
}

const list: LdRequest = { method: 'GET', path: LIST_PATH, what: 'list the flags of default', safe: true };
const turnOff: LdRequest = {
  method: 'PATCH',
  path: `/api/v2/flags/${PROJECT}/publish-events`,
  body: { environmentKey: ENV, instructions: [{ kind: 'turnFlagOff' }], comment: 'acme floods the broker' },
  semanticPatch: true,
  what: 'turn publish-events off in production',
  permission: 'updateOn',
};

const isOn = () => server.flag(PROJECT, 'publish-events').environments[ENV]!.on;
const sent = (method: string) => server.requests.filter((r) => r.method === method);

async function failure(promise: Promise<unknown>): Promise<LaunchDarklyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LaunchDarklyError);
  return error as LaunchDarklyError;
}

describe('LdClient against the contract server (stands in for LaunchDarkly; not the real service)', () => {
  describe('429: waits as LaunchDarkly asks, with jitter, then succeeds', () => {
    it('with Retry-After (seconds)', async () => {
      server.rateLimitNext(2, { retryAfterSec: 3 });
      const answer = await client({ random: () => 0.5 }).request(list, flagListSchema);
      expect(answer.items).toHaveLength(1);
      // 3 s, plus half of the jitter span (max(100 ms, 20 % of the ask))
      expect(sleeps).toEqual([3_300, 3_300]);
      expect(sent('GET')).toHaveLength(3);
    });

    it('with X-Ratelimit-Reset (epoch ms), and a write is retried too', async () => {
      server.rateLimitNext(1, { resetAt: server.now() + 2_000 }, { method: 'PATCH' });
      await client({ random: () => 0.25 }).request(turnOff, flagSchema);
      expect(sleeps).toEqual([2_100]);
      expect(sent('PATCH')).toHaveLength(2);
      expect(isOn()).toBe(false);
    });

    it('with X-Ratelimit-Reset in epoch seconds: waits seconds, not the distance to 1970', async () => {
      server.rateLimitNext(1, { resetAt: (server.now() + 4_000) / 1000 });
      await client().request(list, flagListSchema);
      expect(sleeps).toEqual([4_000]);
    });

    it('spreads clients told the same reset over a jitter span, never before the reset', async () => {
      const waits: number[] = [];
      for (const random of [0, 0.3, 0.99]) {
        sleeps = [];
        server.rateLimitNext(1, { retryAfterSec: 10 });
        await client({ random: () => random }).request(list, flagListSchema);
        waits.push(...sleeps);
      }
      expect(new Set(waits).size).toBe(3);
      for (const wait of waits) {
        expect(wait).toBeGreaterThanOrEqual(10_000);
        expect(wait).toBeLessThanOrEqual(12_000);
      }
    });

    it('gives up after its retries with a clear, retryable error', async () => {
      server.rateLimitNext(3, { retryAfterSec: 1 });
      const error = await failure(client({ maxRetries: 2 }).request(list, flagListSchema));
      expect(error).toMatchObject({ failure: 'rate-limited', status: 429, retryable: true });
      expect(error.message).toBe(
        "LaunchDarkly rate limit: list the flags of default was still refused (429) after 2 retries; LaunchDarkly's limits are per 10 s and shared by every token of the account — try again shortly",
      );
      expect(sleeps).toEqual([1_000, 1_000]);
    });

    it('does not wait longer than it may: fails at once, saying when to try again', async () => {
      server.rateLimitNext(1, { retryAfterSec: 90 });
      const error = await failure(client().request(turnOff, flagSchema));
      expect(error.failure).toBe('rate-limited');
      expect(error.message).toMatch(
        /asks to wait 90 s; not waiting that long — try again after 2026-01-01T00:01:30\.\d{3}Z$/,
      );
      expect(sleeps).toEqual([]);
      expect(isOn()).toBe(true);
    });
  });

  describe('409: a concurrent change', () => {
    it('is a retryable optimistic-lock error, and the retry goes through', async () => {
      server.optimisticLockNext(1);
      const c = client();
      const error = await failure(c.request(turnOff, flagSchema));
      expect(error).toMatchObject({ failure: 'optimistic-lock', status: 409, retryable: true });
      expect(error.message).toBe(
        'LaunchDarkly reported a concurrent change (409 optimistic_locking_error) while trying to turn publish-events off in production: Conflict: the resource was modified by another request',
      );
      // not repeated blindly: the caller re-reads the flag before writing again (ld-flag-writes.ts)
      expect(sent('PATCH')).toHaveLength(1);
      expect(isOn()).toBe(true);

      await c.request(turnOff, flagSchema);
      expect(isOn()).toBe(false);
    });
  });

  describe('401 and 403: clear, and never the token', () => {
    it('401: says the token was rejected and what a valid one looks like, without it', async () => {
      const token = 'api-0123456789-secret';
      const error = await failure(client({ token }).request(list, flagListSchema));
      expect(error).toMatchObject({ failure: 'unauthorized', status: 401, retryable: false });
      expect(error.message).toBe(
        'LaunchDarkly rejected the access token (401): it is missing, wrong, expired or revoked — configure a valid API access token (sent as is, without "Bearer")',
      );
      expect(inspect(error, { depth: 5, showHidden: true })).not.toContain(token);
    });

    it('403: says what the token may not do and which action its role lacks', async () => {
      const error = await failure(client({ token: READER_TOKEN }).request(turnOff, flagSchema));
      expect(error).toMatchObject({ failure: 'forbidden', status: 403 });
      expect(error.message).toBe(
        'the LaunchDarkly access token is valid but may not turn publish-events off in production (403 forbidden): its role needs the "updateOn" action: Access to the requested resource was denied',
      );
      expect(error.message).not.toContain(READER_TOKEN);
      expect(isOn()).toBe(true);
    });

    it('403 whose answer echoes the token: shown as [token]', async () => {
      server.failNext(1, {
        status: 403,
        body: { code: 'forbidden', message: `token ${WRITER_TOKEN} lacks updateOn` },
      });
      const error = await failure(client().request(turnOff, flagSchema));
      expect(error.message).toMatch(/: token \[token\] lacks updateOn$/);
      expect(inspect(error, { depth: 5, showHidden: true })).not.toContain(WRITER_TOKEN);
    });

    it('refuses to start without a token, or to send one over plain http to another host', () => {
      expect(() => client({ token: '  ' })).toThrow('no LaunchDarkly access token configured');
      expect(() => client({ baseUrl: 'http://ld.example.com' })).toThrow(
        'refusing http://ld.example.com: the LaunchDarkly token is only sent over https (or to a loopback test server)',
      );
    });
  });

  describe('answers that are not what was asked for', () => {
    it('an answer of the wrong shape is a clear bad-answer error', async () => {
      // an HTML error page where JSON was expected, as a proxy might answer (the server can only send JSON)
      server.failNext(1, { status: 200, body: '<html><body>Service Unavailable</body></html>' });
      const error = await failure(client().request(list, flagListSchema));
      expect(error).toMatchObject({ failure: 'bad-answer', retryable: false });
      expect(error.message).toMatch(
        /^LaunchDarkly's answer to list the flags of default has an unexpected shape \(.+\)$/,
      );
    });

    it('a safe read is retried on 5xx; a write is not (it may have been applied)', async () => {
      server.failNext(2, { status: 503, body: { code: 'unavailable', message: 'try later' } });
      expect((await client().request(list, flagListSchema)).items).toHaveLength(1);
      expect(sleeps).toEqual([250, 500]);

      server.failNext(1, { status: 503, body: { code: 'unavailable', message: 'try later' } });
      const error = await failure(client().request(turnOff, flagSchema));
      expect(error).toMatchObject({ failure: 'unavailable', status: 503, retryable: true });
      expect(sent('PATCH')).toHaveLength(1);
    });

    it('does not follow a link to another host', async () => {
      const error = await failure(
        client().request({ ...list, path: 'https://elsewhere.example.com/api/v2/flags' }, z.unknown()),
      );
      expect(error.failure).toBe('bad-answer');
      expect(server.requests).toEqual([]);
    });
  });
});
