import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

/**
 * The renderer's built files, served without a token because they hold no data. Only a named
 * allowlist is served (the page, its hashed assets, the favicon); every other path is 404, so a stray
 * file in the build folder is never exposed by accident.
 */

export type StaticKind = 'index' | 'asset' | 'favicon';

export interface StaticTarget {
  /** path relative to the static directory */
  file: string;
  kind: StaticKind;
}

const FAVICONS = new Set(['favicon.ico', 'favicon.svg', 'favicon.png']);
/** One path segment of plain characters: no separators, no dot-files, no `..`, no encoded tricks. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Map a URL path to an allowlisted file, or null (→ 404). Pure, so the allowlist is tested directly. */
export function resolveStaticPath(pathname: string): StaticTarget | null {
  if (pathname === '/' || pathname === '/index.html') return { file: 'index.html', kind: 'index' };
  const favicon = pathname.slice(1);
  if (FAVICONS.has(favicon)) return { file: favicon, kind: 'favicon' };
  if (pathname.startsWith('/assets/')) {
    const name = pathname.slice('/assets/'.length);
    if (ASSET_NAME.test(name) && !name.includes('..')) return { file: `assets/${name}`, kind: 'asset' };
  }
  return null;
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    // Not asked of the page, but free: nobody frames the kill switch, and <base>/forms cannot redirect.
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Hashed assets never change under their name; the page and the favicon must always be re-read. */
function cacheControl(kind: StaticKind): string {
  if (kind === 'asset') return 'public, max-age=31536000, immutable';
  if (kind === 'favicon') return 'no-cache';
  return 'no-store';
}

export interface StaticFiles {
  /** Serves an allowlisted file or answers 404/405. Never throws. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
}

export function createStaticFiles(options: { staticDir: string; port: number }): StaticFiles {
  const csp = contentSecurityPolicy(options.port);
  return {
    async serve(req, res, pathname) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res
          .writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
          .end('method not allowed');
        return;
      }
      const target = resolveStaticPath(pathname);
      const body = target ? await readRegularFile(join(options.staticDir, target.file)) : null;
      if (!target || !body) {
        const hint =
          target?.kind === 'index' ? 'renderer not built: run npm run build:renderer' : 'not found';
        res
          .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
          .end(hint);
        return;
      }
      const headers: Record<string, string | number> = {
        'Content-Type': CONTENT_TYPES[extname(target.file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': cacheControl(target.kind),
      };
      if (target.kind === 'index') headers['Content-Security-Policy'] = csp;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}

async function readRegularFile(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}
