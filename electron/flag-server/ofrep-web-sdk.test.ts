/**
 * Compatibility with the published browser stack: @openfeature/web-sdk with
 * @openfeature/ofrep-web-provider (bulk evaluation, ETag, SSE change events) against our server.
 * Node 20 has no EventSource, so the `eventsource` package stands in for the browser's; both it and
 * the provider fetch like a page at PAGE_ORIGIN would (Origin, preflight, CORS check, hidden headers),
 * because the server sends CORS headers only to origins it was told about.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { ClientProviderEvents, type EventDetails, OpenFeature } from '@openfeature/web-sdk';
import { EventSource, type EventSourceInit } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedFlagProvider } from '../core/flags/embedded/embedded-flag-provider';
import { type OfrepServer, startOfrepServer } from './ofrep-server';
import { browserLikeFetch } from './testing/browser-like-fetch';

const token = 'web-sdk-token';
const PAGE_ORIGIN = 'http://localhost:5173';

/** The browser's EventSource is subject to CORS too. */
class PageEventSource extends EventSource {
  constructor(url: string | URL, init?: EventSourceInit) {
    super(url, { ...init, fetch: browserLikeFetch(PAGE_ORIGIN) as unknown as EventSourceInit['fetch'] });
  }
}
const globals = globalThis as { EventSource?: unknown };
const hadEventSource = 'EventSource' in globals;
const originalEventSource = globals.EventSource;
let dir: string;
let provider: EmbeddedFlagProvider;
let server: OfrepServer;

beforeAll(async () => {
  globals.EventSource = PageEventSource;
  dir = await mkdtemp(join(tmpdir(), 'sb-ofrep-web-sdk-'));
  provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
  server = await startOfrepServer({ provider, port: 0, token, allowedOrigins: [PAGE_ORIGIN] });
});

afterAll(async () => {
  await OpenFeature.close();
  await server.close();
  await provider.close();
  await rm(dir, { recursive: true, force: true });
  if (hadEventSource) globals.EventSource = originalEventSource;
  else delete globals.EventSource;
});

describe('@openfeature/web-sdk + @openfeature/ofrep-web-provider', () => {
  it('evaluates in bulk and sees a flip through the SSE change event', async () => {
    await OpenFeature.setContext({ targetingKey: 'acme' });
    await OpenFeature.setProviderAndWait(
      new OFREPWebProvider({
        baseUrl: server.origin,
        headers: [['Authorization', `Bearer ${token}`]],
        cacheMode: 'disabled',
        fetchImplementation: browserLikeFetch(PAGE_ORIGIN),
      }),
    );
    const client = OpenFeature.getClient();
    expect(client.getBooleanDetails('publish-events', false)).toMatchObject({
      value: true,
      reason: 'STATIC',
    });
    expect(client.getStringValue('export-format', 'json')).toBe('csv');
    await until(() => server.sseClients() === 1);
    // The stream's first event (the current etag) makes the provider re-fetch once, 50 ms debounced;
    // let that settle so the flip below can only arrive through its own change event.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const changed = new Promise<EventDetails | undefined>((resolve, reject) => {
      setTimeout(() => reject(new Error('no ConfigurationChanged within 3 s')), 3_000);
      client.addHandler(ClientProviderEvents.ConfigurationChanged, resolve);
    });
    const started = performance.now();
    await provider.setTenantValue('publish-events', 'acme', false, {
      actor: 'ops',
      reason: 'spike',
      auditId: 'a1',
    });
    const event = await changed;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(event?.flagsChanged).toContain('publish-events');
    expect(client.getBooleanDetails('publish-events', true)).toMatchObject({
      value: false,
      reason: 'TARGETING_MATCH',
    });

    // Another tenant's flip changes nothing for acme: the refetch answers 304 and no event follows.
    let spurious = 0;
    client.addHandler(ClientProviderEvents.ConfigurationChanged, () => spurious++);
    await provider.setTenantValue('publish-events', 'globex', false, {
      actor: 'ops',
      reason: 'spike',
      auditId: 'a2',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(spurious).toBe(0);
  });
});

describe('a page from an origin the server was not told about', () => {
  it('cannot read the flags', async () => {
    const stranger = new OFREPWebProvider({
      baseUrl: server.origin,
      headers: [['Authorization', `Bearer ${token}`]],
      cacheMode: 'disabled',
      fetchImplementation: browserLikeFetch('http://evil.example'),
    });
    await expect(OpenFeature.setProviderAndWait('stranger', stranger)).rejects.toBeDefined();
  });
});

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
