import { parseArgs } from 'node:util';
import { ArgsError, CONSOLE_OPTIONS } from './serve-args';

/**
 * `npm start`'s command line holds two kinds of options. The console's own (serve-args.ts) are
 * checked strictly, as `npm run serve` checks them. Every other option must be one of Electron's,
 * Chromium's or Node's switches (`--no-sandbox`, `--ozone-platform=wayland`, `--inspect=9229`);
 * those go to Electron and to nothing else. Anything else is a typo and is refused, on every
 * machine alike: whether an Electron binary exists there must not decide whether a command line
 * is valid. Chromium has hundreds of switches, so they are known by name and by family
 * (`--enable-*`, `--disable-*`, …) rather than one by one; a near miss of one of the console's
 * own options (`--no-spikes`) is refused even where its family would let it through.
 */

export interface StartArgs {
  /** the console's options with their values, in order, for parseServeArgs */
  consoleArgs: string[];
  /** Electron's, Chromium's and Node's switches, as given, for Electron only */
  electronSwitches: string[];
}

/** Switches Electron documents (api/command-line-switches) and the Chromium ones people reach for. */
const ELECTRON_SWITCH_NAMES = new Set([
  'v',
  'vmodule',
  'lang',
  'js-flags',
  'user-data-dir',
  'disk-cache-size',
  'single-process',
  'in-process-gpu',
  'dns-result-order',
  'diagnostic-dir',
  'throw-deprecation',
  'unhandled-rejections',
  'xdg-portal-required-version',
  'experimental-network-inspection',
]);

/** Families of Chromium and Node switches, by the start of their names. */
const ELECTRON_SWITCH_FAMILIES = [
  'enable-',
  'disable-',
  'no-',
  'force-',
  'force_',
  'use-',
  'ozone-',
  'inspect',
  'remote-debugging-',
  'remote-allow-origins',
  'log-',
  'proxy-',
  'host-',
  'ignore-',
  'auth-',
  'trace-',
  'gtk-',
];

/** At most this many edits from one of the console's options, an unknown option is its typo. */
const NEAR_MISS_EDITS = 2;

export function splitStartArgs(argv: readonly string[]): StartArgs {
  const { consoleArgs, others } = sortArgs(argv);
  const electronSwitches: string[] = [];
  let previous: string | undefined;
  for (const arg of others) {
    electronSwitches.push(checkedSwitch(arg, previous));
    previous = arg;
  }
  return { consoleArgs, electronSwitches };
}

/**
 * The console's options with their values, in order, and every other argument as given. Lenient:
 * the Electron app picks its options out of an argv that also holds Electron's own (electron-args.ts).
 */
export function sortArgs(argv: readonly string[]): { consoleArgs: string[]; others: string[] } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: CONSOLE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const consoleArgs: string[] = [];
  const others: string[] = [];
  let lastOther = -1; // `-ab` is two tokens of one argument
  for (const token of tokens) {
    if (token.kind === 'option' && token.name in CONSOLE_OPTIONS) {
      consoleArgs.push(argv[token.index]!);
      const takesValue = CONSOLE_OPTIONS[token.name as keyof typeof CONSOLE_OPTIONS].type === 'string';
      // `--tenants 5`: the value is the next argument (`--tenants=5` carries it inline)
      if (takesValue && !token.inlineValue && token.value !== undefined)
        consoleArgs.push(argv[token.index + 1]!);
    } else if (token.index !== lastOther) {
      others.push(argv[token.index]!);
      lastOther = token.index;
    }
  }
  return { consoleArgs, others };
}

/** The argument when it is an Electron switch; otherwise the ArgsError that says why not. */
function checkedSwitch(arg: string, previous: string | undefined): string {
  if (!arg.startsWith('-') || arg === '--') {
    // `--remote-debugging-port 9222`: Chromium reads a switch's value only after `=`
    const hint =
      previous !== undefined && isElectronSwitch(previous) && !previous.includes('=')
        ? ` (an Electron switch takes its value after "=": ${previous}=${arg})`
        : '';
    throw new ArgsError(`unexpected argument "${arg}": every option starts with --${hint}`);
  }
  const option = arg.split('=', 1)[0]!;
  const meant = nearestConsoleOption(option);
  if (meant !== undefined) {
    throw new ArgsError(`unknown option ${option} (did you mean ${meant}? --help lists the options)`);
  }
  // `--no-simulated` is in Chromium's `--no-*` family by its name, but it means one of ours
  const negatesOurs = option.startsWith('--no-') && nearestConsoleOption(option.slice(5)) !== undefined;
  if (!isElectronSwitch(arg) || negatesOurs) {
    throw new ArgsError(`unknown option ${option} (--help lists the options)`);
  }
  return arg;
}

function isElectronSwitch(arg: string): boolean {
  const name = /^--([a-z0-9][a-z0-9_-]*)(=|$)/.exec(arg)?.[1];
  if (name === undefined) return false;
  return (
    ELECTRON_SWITCH_NAMES.has(name) || ELECTRON_SWITCH_FAMILIES.some((family) => name.startsWith(family))
  );
}

function nearestConsoleOption(option: string): string | undefined {
  const name = option.replace(/^-+/, '');
  let best: { option: string; edits: number } | undefined;
  for (const known of Object.keys(CONSOLE_OPTIONS)) {
    const edits = editDistance(name, known);
    if (edits <= NEAR_MISS_EDITS && (best === undefined || edits < best.edits)) {
      best = { option: `--${known}`, edits };
    }
  }
  return best?.option;
}

/** Levenshtein distance: insertions, deletions and substitutions to turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, substitution));
    }
    row = next;
  }
  return row[b.length]!;
}
