import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Is there an Electron binary to run? Answered by looking, never by `require('electron')`: the
 * electron 45 package downloads its binary on first require, which fails (and hangs a while) on
 * machines that cannot reach GitHub. The rules mirror the package's own index.js:
 * `ELECTRON_OVERRIDE_DIST_PATH` (a directory holding the executable) wins; otherwise
 * node_modules/electron/path.txt names the executable inside node_modules/electron/dist.
 */

export type ElectronBinary = { path: string } | { path: null; reason: string };

export interface FindElectronOptions {
  projectDir: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  isExecutable?: (path: string) => boolean;
  readText?: (path: string) => string | null;
}

/** What path.txt would hold on each platform; used when only the override directory is given. */
function defaultExecutableName(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'electron.exe';
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}

export function findElectronBinary(options: FindElectronOptions): ElectronBinary {
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const readText = options.readText ?? readTextOrNull;
  const packageDir = join(options.projectDir, 'node_modules', 'electron');
  const named = readText(join(packageDir, 'path.txt'))?.trim() || null;

  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = join(override, named ?? defaultExecutableName(options.platform ?? process.platform));
    return isExecutable(candidate)
      ? { path: candidate }
      : {
          path: null,
          reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${candidate} is not an executable file`,
        };
  }
  if (!named)
    return { path: null, reason: 'no node_modules/electron/path.txt (the binary was never installed)' };
  const candidate = join(packageDir, 'dist', named);
  return isExecutable(candidate)
    ? { path: candidate }
    : { path: null, reason: `no node_modules/electron/dist/${named}` };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
