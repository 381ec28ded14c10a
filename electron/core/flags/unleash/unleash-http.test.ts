import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FlagProviderError } from '../flag-provider';
import { UnleashApiError, UnleashHttp } from './unleash-http';

const TOKEN = '*:*.secret-token-value';
let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const http = (overrides: Partial<ConstructorParameters<typeof UnleashHttp>[0]> = {}) =>
  new UnleashHttp({ url: base, token: TOKEN, timeoutMs: 2_000, fetch, ...overrides });
const schema = z.object({ features: z.array(z.object({ name: z.string() })) });

async function failure(promise: Promise<unknown>): Promise<UnleashApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnleashApiError);
  expect(error).toBeInstanceOf(FlagProviderError);
  expect((error as Error).message).not.toContain(TOKEN);
  return error as UnleashApiError;
}

describe('UnleashHttp', () => {
  it('sends the token in the Authorization header and parses the answer', async () => {
    let seen: string | undefined;
    handler = (req, res) => {
      seen = req.headers.authorization;
      res.setHeader('ETag', 'W/"1"');
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ features: [{ name: 'f', extra: 1 }] }));
    };
    const answer = await http().request('GET', '/api/admin/x', 'list', { schema });
    expect(seen).toBe(TOKEN);
    expect(answer).toEqual({ status: 200, etag: 'W/"1"', body: { features: [{ name: 'f' }] } });
  });

  it('passes If-None-Match and resolves a 304 without a body', async () => {
    let seen: string | undefined;
    handler = (req, res) => {
      seen = req.headers['if-none-match'];
      res.statusCode = 304;
      res.end();
    };
    expect(await http().request('GET', '/x', 'poll', { schema, ifNoneMatch: 'W/"1"' })).toMatchObject({
      status: 304,
      body: null,
    });
    expect(seen).toBe('W/"1"');
  });

  it('calls an HTML page or a wrong shape "not Unleash\'s admin API"', async () => {
    handler = (_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end('<html>login</html>');
    };
    expect((await failure(http().request('GET', '/x', 'list the flags', { schema }))).message).toBe(
      `${base.replace(/\/$/, '')} answered "list the flags" with something that is not Unleash's admin API (text/html, not JSON); check the Unleash URL`,
    );
    handler = (_req, res) => res.end(JSON.stringify({ features: 'nope' }));
    expect((await failure(http().request('GET', '/x', 'list the flags', { schema }))).message).toMatch(
      /not Unleash's admin API \(features: .*\)/,
    );
  });

  it('explains 401, 403, 404 and 5xx, with what Unleash said (the token blanked out)', async () => {
    const reply = (status: number, body: string) => {
      handler = (_req, res) => {
        res.statusCode = status;
        res.end(body);
      };
    };
    reply(401, JSON.stringify({ message: `token ${TOKEN} unknown` }));
    const unauthorized = await failure(http().request('GET', '/x', 'list the flags'));
    expect(unauthorized.message).toMatch(
      /rejected the API token \(401 Unauthorized\) when trying to list the flags/,
    );
    expect(unauthorized.detail).toBe('token <token> unknown');

    reply(
      403,
      JSON.stringify({ name: 'NoAccessError', message: 'You need permission UPDATE_FEATURE_STRATEGY' }),
    );
    const forbidden = await failure(http().request('PATCH', '/x', 'update the strategy'));
    expect(forbidden.message).toBe(
      'the API token may not update the strategy (403 Forbidden: You need permission UPDATE_FEATURE_STRATEGY): Switchboard needs an admin token or the personal access token of an Unleash admin',
    );
    expect(forbidden.retryable).toBe(false);

    reply(404, JSON.stringify({ name: 'NotFoundError', details: [{ message: 'Could not find feature' }] }));
    expect((await failure(http().request('GET', '/x', 'read flag f'))).message).toMatch(
      /could not read flag f: not found at .* \(404: Could not find feature\)/,
    );

    reply(502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
    const gateway = await failure(http().request('GET', '/x', 'list the flags'));
    expect(gateway.message).toMatch(/failed to list the flags \(502: 502 Bad Gateway\); try again/);
    expect(gateway.retryable).toBe(true);

    reply(400, JSON.stringify({ name: 'ExceedsLimitError', message: 'limit of 250.' }));
    expect(await failure(http().request('POST', '/x', 'add'))).toMatchObject({
      status: 400,
      errorName: 'ExceedsLimitError',
      detail: 'limit of 250.',
    });
  });

  it('explains a timeout and a refused connection as retryable', async () => {
    handler = () => {
      // never answers
    };
    const slow = await failure(http({ timeoutMs: 150 }).request('GET', '/x', 'list the flags'));
    expect(slow.message).toBe(`cannot reach Unleash at ${base} to list the flags: no answer within 150 ms`);
    expect(slow.retryable).toBe(true);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failure(
      http({ url: `http://127.0.0.1:${port}/` }).request('GET', '/x', 'list the flags'),
    );
    expect(refused.message).toMatch(
      /cannot reach Unleash at http:\/\/127.0.0.1:\d+ to list the flags: connection refused/,
    );
  });

  it('refuses a URL that is not http(s) and a missing token', () => {
    expect(() => http({ url: 'unleash.local' })).toThrow(/is not a URL/);
    expect(() => http({ url: 'ftp://x' })).toThrow(/must start with http/);
    expect(() => http({ token: '' })).toThrow(/no Unleash API token/);
    expect(http({ url: 'https://h.example/unleash/' }).base).toBe('https://h.example/unleash');
  });
});
