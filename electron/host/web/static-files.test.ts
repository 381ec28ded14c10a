import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, resolveStaticPath } from './static-files';

describe('static allowlist', () => {
  it('serves the page, hashed assets and the favicon', () => {
    expect(resolveStaticPath('/')).toEqual({ file: 'index.html', kind: 'index' });
    expect(resolveStaticPath('/index.html')).toEqual({ file: 'index.html', kind: 'index' });
    expect(resolveStaticPath('/assets/index-3f9a1c.js')).toEqual({
      file: 'assets/index-3f9a1c.js',
      kind: 'asset',
    });
    expect(resolveStaticPath('/favicon.svg')).toEqual({ file: 'favicon.svg', kind: 'favicon' });
  });

  it.each([
    '/electron.html',
    '/package.json',
    '/assets/',
    '/assets/.hidden',
    '/assets/sub/dir.js',
    '/assets/..',
    '/assets/..%2f..%2fetc%2fpasswd',
    '/assets/a..b.js',
    '/api',
    '/index.html/',
  ])('refuses %s', (path) => {
    expect(resolveStaticPath(path)).toBeNull();
  });

  it('builds the page CSP for the bound port', () => {
    const csp = contentSecurityPolicy(7410);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:7410");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
  });
});
