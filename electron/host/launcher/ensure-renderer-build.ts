import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The web host serves dist/renderer. A fresh checkout has none, so `npm run serve` builds it once
 * rather than starting a console that answers 404. Vite's output goes to stderr: stdout carries only
 * the launcher's own lines, which e2e reads as the readiness signal.
 */

export const RENDERER_DIR = join('dist', 'renderer');
export const VITE_ARGS = ['vite', 'build', '--config', join('renderer', 'vite.config.ts')];

export type RunCommand = (command: string, args: string[], cwd: string) => Promise<number>;

export interface EnsureRendererOptions {
  projectDir: string;
  exists?: (path: string) => boolean;
  run?: RunCommand;
  log?: (line: string) => void;
}

/** Returns the directory to serve, building it first when its index.html is missing. */
export async function ensureRendererBuild(options: EnsureRendererOptions): Promise<string> {
  const exists = options.exists ?? existsSync;
  const run = options.run ?? runToStderr;
  const staticDir = join(options.projectDir, RENDERER_DIR);
  const index = join(staticDir, 'index.html');
  if (exists(index)) return staticDir;
  options.log?.(
    `No ${join(RENDERER_DIR, 'index.html')}: building the renderer (npx ${VITE_ARGS.join(' ')})...`,
  );
  const code = await run('npx', VITE_ARGS, options.projectDir);
  if (code !== 0) throw new Error(`renderer build failed (exit code ${code}); run: npm run build:renderer`);
  if (!exists(index)) throw new Error(`renderer build finished but ${index} is still missing`);
  return staticDir;
}

export const runToStderr: RunCommand = (command, args, cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
