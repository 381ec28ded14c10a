/**
 * Renderer build. Two production pages over the same App:
 *   index.html    → main.web.tsx       (served by the web host)
 *   electron.html → main.electron.tsx  (loaded by the Electron window)
 * testing/preview.html (the memory-client preview) is served by the dev server only and is not a
 * build input. The production pages get a Content-Security-Policy at build time only (the dev
 * server's React refresh needs an inline script).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

const CSP: Record<string, string> = {
  // 'self' covers ws:// to the same host in current Chromium (CSP 3)
  'index.html':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'",
  'electron.html':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'",
};

function contentSecurityPolicy(): Plugin {
  return {
    name: 'switchboard-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const page = ctx.filename.replace(/\\/g, '/').split('/').pop() ?? '';
        const policy = CSP[page];
        if (!policy) return html;
        return html.replace(
          '<meta charset="UTF-8" />',
          `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
        );
      },
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        electron: fileURLToPath(new URL('./electron.html', import.meta.url)),
      },
    },
  },
  server: {
    strictPort: true,
  },
});
