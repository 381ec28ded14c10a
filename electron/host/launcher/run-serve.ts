import { join } from 'node:path';
import type { ConsoleCore, ConsoleCoreOptions } from '../../core/console-core.types';
import { errorText } from '../../core/errors/error-text';
import { createFileSecretStore } from '../web/secret-store.file';
import { startWebHost, type WebHost, type WebHostOptions } from '../web/server';
import { defaultDataDir, formerDataDirNotice } from './data-dir';
import { ensureRendererBuild } from './ensure-renderer-build';
import { ArgsError, consoleCoreOptions, parseServeArgs, SERVE_USAGE } from './serve-args';

/**
 * The serve path: arguments → renderer build → core → web host → readiness lines → wait for a signal.
 * Shared by `npm run serve` and by `npm start` on machines without an Electron binary. Every effect
 * comes in through `deps`, so the whole flow is tested with fakes.
 */

export interface ServeDeps {
  projectDir: string;
  createCore: (options: ConsoleCoreOptions) => Promise<ConsoleCore>;
  /** whether a path exists (the notice about an earlier version's data directory) */
  exists?: (path: string) => boolean;
  startHost?: (options: WebHostOptions) => Promise<WebHost>;
  ensureRenderer?: (projectDir: string) => Promise<string>;
  env?: NodeJS.ProcessEnv;
  out?: (line: string) => void;
  err?: (line: string) => void;
  onSignal?: (signal: NodeJS.Signals, handler: () => void) => void;
  exit?: (code: number) => void;
}

export interface RunningServe {
  host: WebHost;
  core: ConsoleCore;
  /** Closes the host, then stops the core. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** Runs the serve path; on bad arguments or a failed start it reports and exits non-zero. */
export async function runServe(argv: readonly string[], deps: ServeDeps): Promise<RunningServe | null> {
  const out = deps.out ?? ((line) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line) => process.stderr.write(`${line}\n`));
  const exit = deps.exit ?? ((code) => process.exit(code));
  const env = deps.env ?? process.env;
  try {
    const args = parseServeArgs(argv, env);
    if (args.help) {
      out(SERVE_USAGE);
      return null;
    }
    const former =
      args.dataDir === defaultDataDir(env) ? formerDataDirNotice(args.dataDir, env, deps.exists) : null;
    if (former) err(former);
    const ensure = deps.ensureRenderer ?? ((projectDir) => ensureRendererBuild({ projectDir, log: err }));
    const staticDir = await ensure(deps.projectDir);
    const core = await deps.createCore({
      ...consoleCoreOptions(args, 'web'),
      // Profile secrets: SWITCHBOARD_SECRET_<NAME> variables, else a 0600 file in the data directory.
      secrets: createFileSecretStore({ file: join(args.dataDir, 'secrets.json'), env }),
    });
    const host = await startHostOrStopCore(core, args.port, staticDir, deps.startHost ?? startWebHost);
    const running = withShutdown(host, core);
    // Exactly these two lines: e2e and the docs wait for them.
    out(`Switchboard console: ${host.url}`);
    out(`OFREP endpoint: ${core.ofrepEndpoint ?? 'none'}`);
    installSignalHandlers(
      running,
      deps.onSignal ?? ((signal, handler) => process.on(signal, handler)),
      exit,
      err,
    );
    return running;
  } catch (error) {
    err(`switchboard serve: ${describeStartError(error)}`);
    exit(error instanceof ArgsError ? 2 : 1);
    return null;
  }
}

async function startHostOrStopCore(
  core: ConsoleCore,
  port: number,
  staticDir: string,
  startHost: (options: WebHostOptions) => Promise<WebHost>,
): Promise<WebHost> {
  try {
    return await startHost({ core, port, staticDir });
  } catch (error) {
    await core.stop().catch(() => undefined);
    throw error;
  }
}

function withShutdown(host: WebHost, core: ConsoleCore): RunningServe {
  let stopping: Promise<void> | null = null;
  return {
    host,
    core,
    shutdown() {
      stopping ??= (async () => {
        await host.close();
        await core.stop();
      })();
      return stopping;
    },
  };
}

function installSignalHandlers(
  running: RunningServe,
  onSignal: NonNullable<ServeDeps['onSignal']>,
  exit: (code: number) => void,
  err: (line: string) => void,
): void {
  let signals = 0;
  const handler = () => {
    signals += 1;
    // A second Ctrl+C means "now": do not wait for a shutdown that may be stuck.
    if (signals > 1) return exit(130);
    running.shutdown().then(
      () => exit(0),
      (error) => {
        err(`switchboard serve: shutdown failed: ${errorText(error)}`);
        exit(1);
      },
    );
  };
  onSignal('SIGINT', handler);
  onSignal('SIGTERM', handler);
}

function describeStartError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code === 'EADDRINUSE')
    return `${e.message}: the port is taken; pass --port 0 (or --ofrep-port 0) for a free one`;
  return errorText(error);
}
