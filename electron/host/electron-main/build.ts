/**
 * `npm run build:electron`: bundles the main process and the preload with esbuild.
 *
 * - main → dist/electron/main.cjs: CommonJS for Node, everything bundled (the core included) except
 *   `electron`, so the packaged app needs no node_modules.
 * - preload → dist/electron/preload.cjs: a sandboxed preload can `require` only a few modules, so it
 *   is bundled for the browser platform with just `electron` external; a Node built-in sneaking in
 *   fails the build here instead of the window at runtime.
 * - tray and window icons are copied beside them (the package ships dist/** only).
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

const projectDir = fileURLToPath(new URL('../../../', import.meta.url));
const outDir = join(projectDir, 'dist', 'electron');
const source = (file: string) => join(projectDir, 'electron', 'host', 'electron-main', file);

/** Electron 45 runs Node 22 and Chromium 140. */
const common: BuildOptions = {
  bundle: true,
  format: 'cjs',
  sourcemap: true,
  logLevel: 'info',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
};

export async function buildElectron(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await Promise.all([
    build({
      ...common,
      entryPoints: [source('main.ts')],
      outfile: join(outDir, 'main.cjs'),
      platform: 'node',
      target: 'node22',
      // ws's optional native helpers are required inside try/catch; leave them to fail softly.
      external: ['electron', 'bufferutil', 'utf-8-validate'],
      // Core modules may use import.meta.url (ESM); in the CJS bundle it must come from __filename.
      define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
    build({
      ...common,
      entryPoints: [source('preload.ts')],
      outfile: join(outDir, 'preload.cjs'),
      platform: 'browser',
      target: 'chrome140',
      external: ['electron'],
      // It carries api.ts and with it zod's schemas; minified it loads faster in every window.
      minify: true,
    }),
    copyAssets(),
  ]);
}

async function copyAssets(): Promise<void> {
  const target = join(outDir, 'assets');
  await mkdir(target, { recursive: true });
  const trayDir = join(projectDir, 'assets', 'tray');
  const trayImages = (await readdir(trayDir)).filter((name) => name.endsWith('.png'));
  await Promise.all([
    ...trayImages.map((name) => copyFile(join(trayDir, name), join(target, name))),
    copyFile(join(projectDir, 'assets', 'icons', '256x256.png'), join(target, 'icon.png')),
  ]);
}

await buildElectron();
