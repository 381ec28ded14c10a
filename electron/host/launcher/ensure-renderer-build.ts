import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The web host serves dist/renderer. A fresh checkout has none, and after a pull or an edit the one
 * there is older than the code: serving it would pair an old UI with a newer core. So the renderer
 * is (re)built when its index.html is missing or older than any renderer source (or the contract it
 * is built against). Vite's output goes to stderr: stdout carries only the launcher's own lines,
 * which e2e reads as the readiness signal.
 */

export const RENDERER_DIR = join('dist', 'renderer');
export const VITE_ARGS = ['vite', 'build', '--config', join('renderer', 'vite.config.ts')];
/** What the bundle is made of: the renderer's sources and the contract (electron/core/api.ts). */
export const RENDERER_SOURCES = ['renderer', join('electron', 'core', 'api.ts')];

export type RunCommand = (command: string, args: string[], cwd: string) => Promise<number>;

/** The part of the file system the check reads; a fake in tests. */
export interface SourceFiles {
  /** mtime in ms, or null when the path does not exist */
  mtimeMs(path: string): number | null;
  /** entries of a directory (empty for a file or a missing path) */
  list(dir: string): { name: string; isDirectory: boolean }[];
}

export interface EnsureRendererOptions {
  projectDir: string;
  files?: SourceFiles;
  run?: RunCommand;
  log?: (line: string) => void;
}

/** Returns the directory to serve, building it first when it is missing or stale. */
export async function ensureRendererBuild(options: EnsureRendererOptions): Promise<string> {
  const files = options.files ?? nodeSourceFiles;
  const run = options.run ?? runToStderr;
  const staticDir = join(options.projectDir, RENDERER_DIR);
  const index = join(staticDir, 'index.html');
  const reason = staleness(options.projectDir, index, files);
  if (reason === null) return staticDir;
  options.log?.(`${reason}: building the renderer (npx ${VITE_ARGS.join(' ')})...`);
  const code = await run('npx', VITE_ARGS, options.projectDir);
  if (code !== 0) throw new Error(`renderer build failed (exit code ${code}); run: npm run build:renderer`);
  if (files.mtimeMs(index) === null) throw new Error(`renderer build finished but ${index} is still missing`);
  return staticDir;
}

/** Why the build must run, or null when it is current. */
function staleness(projectDir: string, index: string, files: SourceFiles): string | null {
  const builtAt = files.mtimeMs(index);
  if (builtAt === null) return `No ${join(RENDERER_DIR, 'index.html')}`;
  for (const source of RENDERER_SOURCES) {
    const newer = newerThan(join(projectDir, source), builtAt, files);
    if (newer) return `${join(RENDERER_DIR, 'index.html')} is older than ${relative(projectDir, newer)}`;
  }
  return null;
}

/**
 * The first source modified after `builtAt`, or null. A directory counts too: its mtime moves when a
 * file in it is added, removed or renamed. Test files do not go into the bundle.
 */
function newerThan(path: string, builtAt: number, files: SourceFiles): string | null {
  const mtime = files.mtimeMs(path);
  if (mtime === null) return null;
  if (mtime > builtAt) return path;
  for (const entry of files.list(path)) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    if (!entry.isDirectory && /\.test\.tsx?$/.test(entry.name)) continue;
    const found = newerThan(join(path, entry.name), builtAt, files);
    if (found) return found;
  }
  return null;
}

const nodeSourceFiles: SourceFiles = {
  mtimeMs(path) {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return null;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((entry) => ({
        name: entry.name,
        isDirectory: entry.isDirectory(),
      }));
    } catch {
      return [];
    }
  },
};

export const runToStderr: RunCommand = (command, args, cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
