import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleCore } from '../../electron/core/console-core';
import { runServe } from '../../electron/host/launcher/run-serve';

export interface DemoConsole {
  ofrepUrl: string;
  stop(): Promise<void>;
}

export interface DemoConsoleOptions {
  /** null: a fresh temporary data directory, removed on stop */
  dataDir: string | null;
  managementUrl: string;
  /** the publisher's /metrics port the console scrapes for per-tenant rates */
  metricsPort: number;
  ofrepPort: number;
  print: (line: string) => void;
}

const projectDir = join(import.meta.dirname, '..', '..');

/**
 * The console beside the demo workload: per-tenant rates scraped from the publisher's /metrics,
 * broker health from the management API, and the kill switch the publisher obeys (its OFREP
 * endpoint) — the same path as `npm run serve -- --scrape … --rabbitmq …`.
 */
export async function startDemoConsole(options: DemoConsoleOptions): Promise<DemoConsole> {
  const tempDir = options.dataDir ? null : await mkdtemp(join(tmpdir(), 'switchboard-demo-'));
  const argv = [
    ...['--port', '0', '--ofrep-port', String(options.ofrepPort), '--data-dir', options.dataDir ?? tempDir!],
    ...['--scrape', `http://127.0.0.1:${options.metricsPort}/metrics`, '--rabbitmq', options.managementUrl],
  ];
  const running = await runServe(argv, {
    projectDir,
    createCore: createConsoleCore,
    out: options.print,
    err: options.print,
    onSignal: () => {},
    exit: () => {},
  });
  if (!running?.core.ofrepEndpoint) {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw new Error('the console did not start (see above)');
  }
  return {
    ofrepUrl: running.core.ofrepEndpoint,
    async stop() {
      await running.shutdown();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/** The console must know the metrics URL before the publisher listens: take a free port first. */
export async function freeLocalPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
