import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-origin';

/**
 * Serves the built renderer (dist/renderer) on app://switchboard. Only the Electron page, its hashed
 * assets and the favicon are served; anything else, including any attempt to climb out of the folder,
 * is 404. The page carries a CSP that allows nothing but itself: in Electron the renderer talks
 * through the preload bridge, never the network.
 */

/** Must be registered before `app` is ready (main.ts). `standard` + `secure` give the page a real origin. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

export const ELECTRON_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const FAVICONS = new Set(['favicon.ico', 'favicon.svg', 'favicon.png']);
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** URL path → file relative to the renderer folder, or null. */
export function resolveAppPath(pathname: string): string | null {
  if (pathname === '/' || pathname === '/electron.html') return 'electron.html';
  const top = pathname.slice(1);
  if (FAVICONS.has(top)) return top;
  if (pathname.startsWith('/assets/')) {
    const name = pathname.slice('/assets/'.length);
    if (ASSET_NAME.test(name) && !name.includes('..')) return `assets/${name}`;
  }
  return null;
}

export type AppProtocolHandler = (request: Request) => Promise<Response>;

export function createAppProtocolHandler(options: { rendererDir: string }): AppProtocolHandler {
  const root = resolve(options.rendererDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return text(404, 'not found');
    const file = resolveAppPath(url.pathname);
    const path = file ? join(root, file) : null;
    // The allowlist already forbids separators; this is the second lock on the same door.
    if (!path || !isInside(root, path)) return text(404, 'not found');
    const body = await readRegularFile(path);
    if (!body) return text(404, 'not found');
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': path.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    };
    if (path.endsWith('.html')) headers['Content-Security-Policy'] = ELECTRON_CSP;
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, handler: AppProtocolHandler): void {
  protocol.handle(APP_SCHEME, handler);
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

async function readRegularFile(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}
