import { ArgsError, parseServeArgs, type ServeOptions } from '../launcher/serve-args';
import { sortArgs } from '../launcher/start-args';

/**
 * The Electron app takes the console's command line (`npm start -- --rabbitmq …`, which the launcher
 * has already checked strictly: start-args.ts) and the same SWITCHBOARD_* variables as the web
 * host. Electron's argv also carries its own and Chromium's switches (`--no-sandbox`, `--inspect=0`,
 * the app's path), so only the console's options are picked out of it; those are then parsed
 * exactly as `npm run serve` parses them.
 */
export type ElectronLaunch =
  | { kind: 'run'; args: ServeOptions }
  | { kind: 'help' }
  | { kind: 'invalid'; message: string };

export function electronLaunch(argv: readonly string[], env: NodeJS.ProcessEnv): ElectronLaunch {
  try {
    const parsed = parseServeArgs(consoleArgs(argv.slice(1)), env);
    return parsed.help ? { kind: 'help' } : { kind: 'run', args: parsed };
  } catch (error) {
    if (error instanceof ArgsError) return { kind: 'invalid', message: error.message };
    throw error;
  }
}

/** The console's options with their values, in order; everything else is Electron's or Chromium's. */
export function consoleArgs(argv: readonly string[]): string[] {
  return sortArgs(argv).consoleArgs;
}
