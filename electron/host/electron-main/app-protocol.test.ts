import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, ELECTRON_CSP, registerAppProtocol } from './app-protocol';

let root: string;
let handler: ReturnType<typeof createAppProtocolHandler>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sb-app-'));
  const renderer = join(root, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'electron.html'), '<!doctype html><title>Switchboard</title>');
  await writeFile(join(renderer, 'index.html'), 'web page');
  await writeFile(join(renderer, 'assets', 'main-1a2b.js'), 'export {}');
  await writeFile(join(root, 'secret.txt'), 'outside');
  handler = createAppProtocolHandler({ rendererDir: renderer });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves the Electron page with its CSP', async () => {
    const response = await get('app://switchboard/electron.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Switchboard');
    expect(response.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(ELECTRON_CSP).toContain("connect-src 'self'");
    expect(ELECTRON_CSP).not.toContain('unsafe-eval');
  });

  it('serves hashed assets', async () => {
    const response = await get('app://switchboard/assets/main-1a2b.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it.each([
    'app://switchboard/index.html',
    'app://switchboard/../secret.txt',
    'app://switchboard/assets/..%2f..%2fsecret.txt',
    'app://switchboard/assets/%2e%2e/%2e%2e/secret.txt',
    'app://switchboard/%2e%2e/secret.txt',
    'app://switchboard/assets/missing.js',
    'app://other/electron.html',
  ])('answers 404 for %s', async (url) => {
    expect((await get(url)).status).toBe(404);
  });

  it('answers only GET and HEAD', async () => {
    expect((await get('app://switchboard/electron.html', 'POST')).status).toBe(405);
    const head = await get('app://switchboard/electron.html', 'HEAD');
    expect(head.status).toBe(200);
  });

  it('registers the handler on the app scheme', () => {
    const handled: string[] = [];
    registerAppProtocol({ handle: (scheme) => void handled.push(scheme) }, handler);
    expect(handled).toEqual(['app']);
  });
});
