import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ElectronBinary, findElectronBinary } from './electron-binary';
import { type RunCommand, runToStderr } from './ensure-renderer-build';
import { type RunningServe, runServe, type ServeDeps } from './run-serve';
import { ArgsError, parseServeArgs, START_USAGE } from './serve-args';
import { type StartArgs, splitStartArgs } from './start-args';

/**
 * `npm start`: the desktop app when an Electron binary exists, otherwise the same console in the
 * browser. The fallback is announced in one line and is not an error: on machines without the binary
 * it is the expected way to use Switchboard. A binary that exists but cannot start (no display, a
 * missing system library) falls back the same way, so `npm start` never ends without a console.
 */

export const NO_ELECTRON_NOTICE =
  'Electron binary not available (no node_modules/electron/dist; it cannot be downloaded here) — serving the console in your browser instead.';

export const ELECTRON_MAIN = join('dist', 'electron', 'main.cjs');

/**
 * An exit with an error this soon after launch is a failed start, not a session the user ended: the
 * window never came up for long. Later failures are Electron's to report, and its exit code is ours.
 */
export const ELECTRON_STARTUP_WINDOW_MS = 10_000;

/** How Electron ended: its exit code, whether a signal ended it, or why it could not be spawned. */
export interface ElectronExit {
  code: number;
  signalled: boolean;
  spawnError?: string;
}

export interface StartDeps extends ServeDeps {
  findElectron?: () => ElectronBinary;
  /** runs `npm run build`; output is the user's to see */
  runBuild?: RunCommand;
  spawnElectron?: (binary: string, args: string[], cwd: string) => Promise<ElectronExit>;
  /** monotonic ms, for the start-up window */
  now?: () => number;
}

/** Resolves with the running web console on the fallback path; null once Electron has exited. */
export async function runStart(argv: readonly string[], deps: StartDeps): Promise<RunningServe | null> {
  const out = deps.out ?? ((line) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line) => process.stderr.write(`${line}\n`));
  const exit = deps.exit ?? ((code) => process.exit(code));
  const now = deps.now ?? (() => performance.now());
  // The same options as `npm run serve` and Electron's own switches (start-args.ts), checked before
  // anything is built or launched: Electron reads ours too (electron-args.ts), and a typo must not
  // be a console silently without it.
  let args: StartArgs;
  try {
    args = splitStartArgs(argv);
    if (parseServeArgs(args.consoleArgs, deps.env ?? process.env).help) {
      out(START_USAGE);
      return null;
    }
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    err(`switchboard start: ${error.message}`);
    exit(2);
    return null;
  }
  const binary = (
    deps.findElectron ?? (() => findElectronBinary({ projectDir: deps.projectDir, env: deps.env }))
  )();

  if (binary.path === null) {
    out(NO_ELECTRON_NOTICE);
    if (args.electronSwitches.length > 0) out(unusedSwitchesNotice(args.electronSwitches));
    return runServe(args.consoleArgs, deps);
  }
  const runBuild = deps.runBuild ?? runToStderr;
  const built = await runBuild('npm', ['run', 'build'], deps.projectDir);
  if (built !== 0) {
    err(`switchboard start: npm run build failed (exit code ${built})`);
    exit(built);
    return null;
  }
  const spawnElectron = deps.spawnElectron ?? spawnForwardingSignals;
  const startedAt = now();
  // Switches before the app's path: Node's (`--inspect`) count only there, Chromium's anywhere.
  const ended = await spawnElectron(
    binary.path,
    [...args.electronSwitches, join(deps.projectDir, ELECTRON_MAIN), ...args.consoleArgs],
    deps.projectDir,
  );
  if (failedToStart(ended, now() - startedAt)) {
    out(fallbackNotice(ended, deps.env ?? process.env));
    return runServe(args.consoleArgs, deps);
  }
  exit(ended.code);
  return null;
}

function failedToStart(ended: ElectronExit, elapsedMs: number): boolean {
  if (ended.spawnError !== undefined) return true;
  return !ended.signalled && ended.code !== 0 && elapsedMs < ELECTRON_STARTUP_WINDOW_MS;
}

/** Said, not refused: the same command line works where Electron runs and where it does not. */
export function unusedSwitchesNotice(switches: readonly string[]): string {
  return `Electron's switches have no effect in the browser and are not used: ${switches.join(' ')}`;
}

/** One line: what happened and, where we can tell, the likely cause. */
export function fallbackNotice(ended: ElectronExit, env: NodeJS.ProcessEnv): string {
  const what =
    ended.spawnError !== undefined
      ? `Electron could not be started (${ended.spawnError})`
      : `Electron exited at start-up (exit code ${ended.code})`;
  const headless = process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY;
  const cause = headless ? '; no display (DISPLAY and WAYLAND_DISPLAY are unset)' : '';
  return `${what}${cause} — serving the console in your browser instead.`;
}

/** Runs Electron in the foreground, passing our termination signals on so it can quit cleanly. */
function spawnForwardingSignals(binary: string, args: string[], cwd: string): Promise<ElectronExit> {
  // Inherited ELECTRON_RUN_AS_NODE would turn the app into a plain Node process.
  const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
  const child = spawn(binary, args, { cwd, env, stdio: 'inherit' });
  // A Ctrl+C of ours ends Electron with an error code: that is the user quitting, not a failed start.
  let forwarded = false;
  const forward = (signal: NodeJS.Signals) => () => {
    forwarded = true;
    child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const stopForwarding = () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      resolve({ code: 1, signalled: false, spawnError: error.code ?? error.message });
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve({ code: code ?? (signal ? 1 : 0), signalled: signal !== null || forwarded });
    });
  });
}
