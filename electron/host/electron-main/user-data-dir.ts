/**
 * `--data-dir <dir>` (or `--data-dir=<dir>`) points the Electron app at another userData folder, as
 * `npm run serve -- --data-dir` does for the web host: e2e gives each launch a fresh temporary one.
 */
export function dataDirFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('--data-dir=')) return nonEmpty(arg.slice('--data-dir='.length));
    if (arg === '--data-dir') return nonEmpty(argv[i + 1] ?? '');
  }
  return null;
}

function nonEmpty(value: string): string | null {
  return value.trim() === '' ? null : value;
}
