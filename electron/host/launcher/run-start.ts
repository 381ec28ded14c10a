import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ElectronBinary, findElectronBinary } from './electron-binary';
import { type RunCommand, runToStderr } from './ensure-renderer-build';
import { type RunningServe, runServe, type ServeDeps } from './run-serve';

/**
 * `npm start`: the desktop app when an Electron binary exists, otherwise the same console in the
 * browser. The fallback is announced in one line and is not an error: on machines without the binary
 * it is the expected way to use Switchboard.
 */

export const NO_ELECTRON_NOTICE =
  'Electron binary not available (no node_modules/electron/dist; it cannot be downloaded here) — serving the console in your browser instead.';

export const ELECTRON_MAIN = join('dist', 'electron', 'main.cjs');

export interface StartDeps extends ServeDeps {
  findElectron?: () => ElectronBinary;
  /** runs `npm run build`; output is the user's to see */
  runBuild?: RunCommand;
  spawnElectron?: (binary: string, args: string[], cwd: string) => Promise<number>;
}

/** Resolves with the running web console on the fallback path; null once Electron has exited. */
export async function runStart(argv: readonly string[], deps: StartDeps): Promise<RunningServe | null> {
  const out = deps.out ?? ((line) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line) => process.stderr.write(`${line}\n`));
  const exit = deps.exit ?? ((code) => process.exit(code));
  const binary = (
    deps.findElectron ?? (() => findElectronBinary({ projectDir: deps.projectDir, env: deps.env }))
  )();

  if (binary.path === null) {
    out(NO_ELECTRON_NOTICE);
    return runServe(argv, deps);
  }
  const runBuild = deps.runBuild ?? runToStderr;
  const built = await runBuild('npm', ['run', 'build'], deps.projectDir);
  if (built !== 0) {
    err(`switchboard start: npm run build failed (exit code ${built})`);
    exit(built);
    return null;
  }
  const spawnElectron = deps.spawnElectron ?? spawnForwardingSignals;
  exit(await spawnElectron(binary.path, [join(deps.projectDir, ELECTRON_MAIN), ...argv], deps.projectDir));
  return null;
}

/** Runs Electron in the foreground, passing our termination signals on so it can quit cleanly. */
function spawnForwardingSignals(binary: string, args: string[], cwd: string): Promise<number> {
  // Inherited ELECTRON_RUN_AS_NODE would turn the app into a plain Node process.
  const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
  const child = spawn(binary, args, { cwd, env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
