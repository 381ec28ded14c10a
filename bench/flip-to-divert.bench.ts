/**
 * Flip to divert: from the console's `actions.flip` call (schema check, durable audit line, flags
 * file written atomically, read-back) to the moment the tenant's traffic has stopped reaching the
 * broker — the publisher's OFREP client has seen the flip over SSE, stopped publishing that tenant,
 * and the broker has confirmed the last of its events that were already out. Real parts throughout:
 * the console core, its OFREP server, the demo publisher (an OfrepGate of its own) and a private
 * RabbitMQ. At 50 tenants and at 2,000 (`_2k`).
 *
 * The flipped tenant changes every round: 20 tenants spread over the whole list publish 100
 * events/s each (2,000 events/s together, as much as the single flipped tenant used to), the others
 * 500 events/s between them, and each round switches one of the 20 off and back on, in a seeded
 * random order (see flip-targets.ts) — the publisher's client re-fetches tenants in list order when
 * a change event names no tenant, so the list's end is measured as often as its start (the medians
 * per list half in the note show whether the event named it). The switch
 * back on is timed too (to the first confirm after it: "resume"). Between rounds both OFREP clients
 * (the console's and the publisher's) finish re-checking every tenant, unmeasured.
 *
 * Divert is the later of "the gate saw the flip" (nothing is published after it) and "the last of
 * the tenant's events in flight was confirmed": a tenant with nothing in flight at that moment has
 * stopped at the first, not at whenever its last event happened to be confirmed before the flip.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Publisher, startPublisher } from '../demo/publisher/publisher';
import { defaultTenantLoads, type TenantLoad } from '../demo/publisher/tenant-load';
import { boundedTap } from '../demo/publisher/test-kit';
import { assembleConsole } from '../electron/core/console-core';
import type { ConsoleCore } from '../electron/core/console-core.types';
import { errorText } from '../electron/core/errors/error-text';
import { OfrepGate } from '../electron/core/flags/ofrep-gate/ofrep-gate';
import { startRabbitMq } from '../test-services/rabbitmq-instance';
import { type BenchResult, type Figure, runIfMain, sized, withCleanups } from './bench-harness';
import { byHalf, flipSchedule, spreadIndices } from './flip-targets';
import { ascending, median, quantile } from './sample-stats';

/** rounds per size: each switches a tenant off (divert) and back on (resume) */
const FLIPS = sized(100, 10);
/** tenants that are flipped, spread over the list, each publishing PROBE_RATE */
const PROBES = sized(20, 5);
const PROBE_RATE = 100;
/** events/s of all the other tenants together */
const BACKGROUND_RATE = 500;
const TICK_MS = 2;
/** a flip not diverted (or resumed) by then is a failure */
const ROUND_TIMEOUT_MS = 10_000;

export default async function run(): Promise<BenchResult> {
  return withCleanups(async (cleanups) => {
    const broker = await startRabbitMq({ statsIntervalMs: 5000, exclusive: true });
    cleanups.add('RabbitMQ', () => broker.stop(), { leftToExitHook: true });
    cleanups.add('bench tap', await boundedTap(broker.amqpUrl));
    const small = await flipToDivert(broker.amqpUrl, 50);
    const large = await flipToDivert(broker.amqpUrl, 2_000);
    return { ...figures(small, ''), ...figures(large, '_2k') };
  });
}

interface Round {
  position: number;
  /** flip call → the publisher's gate saw it */
  gateSaw: number;
  divert: number;
  resume: number;
}

interface Measured {
  tenants: number;
  rounds: Round[];
  failures: string[];
  publisherTrouble: string | null;
}

async function flipToDivert(amqpUrl: string, tenants: number): Promise<Measured> {
  return withCleanups(async (cleanups) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-divert-'));
    cleanups.add('data dir', () => rm(dataDir, { recursive: true, force: true, maxRetries: 3 }));
    const { core, parts } = await assembleConsole({
      dataDir,
      host: 'web',
      tenants,
      ofrepPort: 0,
      spikeAfterMs: null,
    });
    cleanups.add('console', () => core.stop());
    const consoleGate = parts.gate;
    if (!(consoleGate instanceof OfrepGate)) throw new Error('the simulated workload runs no OFREP gate');

    const probes = spreadIndices(tenants, PROBES);
    const loads = tenantLoads(tenants, probes);
    // The publisher's own OFREP client, made here as the publisher would make it, to wait on it.
    const publisherGate = new OfrepGate({ endpoint: parts.ofrep!.url });
    cleanups.add('publisher gate', () => publisherGate.close());
    const publisher = await startPublisher({
      amqpUrl,
      tenants: loads,
      flags: { gate: publisherGate },
      tickMs: TICK_MS,
      metricsPort: null,
    });
    cleanups.add('publisher', () => publisher.stop());
    await publisher.whenConnected();
    await publisher.until(
      () => probes.every((i) => publisher.tenant(loads[i]!.id).published >= PROBE_RATE),
      30_000,
    );

    const measured: Measured = { tenants, rounds: [], failures: [], publisherTrouble: null };
    const began = performance.now();
    for (const [round, position] of flipSchedule(tenants, PROBES, FLIPS).entries()) {
      await Promise.all([consoleGate.whenIdle(), publisherGate.whenIdle()]);
      const tenantId = loads[position]!.id;
      try {
        measured.rounds.push({ position, ...(await divertAndResume(core, publisher, tenantId, round)) });
      } catch (error) {
        const failure = `round ${round} (${tenantId}): ${errorText(error)}`;
        console.error(`  ${tenants} tenants: ${failure}`);
        measured.failures.push(failure);
        await flip(core, tenantId, true, `bench: restore after a failed round ${round}`).catch(() => {});
      }
    }
    console.log(
      `  ${tenants} tenants: ${FLIPS} rounds in ${((performance.now() - began) / 1000).toFixed(0)} s`,
    );
    const stats = publisher.stats();
    if (stats.connections !== 1 || stats.dropped.backpressure > 0)
      measured.publisherTrouble = `publisher: ${stats.connections} connections, ${stats.dropped.backpressure} events dropped for backpressure`;
    return measured;
  });
}

/** The probes publish PROBE_RATE; the rest the default mix, scaled to BACKGROUND_RATE in total. */
function tenantLoads(tenants: number, probes: readonly number[]): TenantLoad[] {
  const defaults = defaultTenantLoads(tenants);
  const isProbe = new Set(probes);
  const background = defaults.reduce((sum, load, i) => sum + (isProbe.has(i) ? 0 : load.rate), 0);
  const scale = background > 0 ? BACKGROUND_RATE / background : 0;
  return defaults.map((load, i) => ({ id: load.id, rate: isProbe.has(i) ? PROBE_RATE : load.rate * scale }));
}

async function divertAndResume(
  core: ConsoleCore,
  publisher: Publisher,
  tenantId: string,
  round: number,
): Promise<Omit<Round, 'position'>> {
  const started = performance.now();
  const seen = publisher
    .until(() => !publisher.allowed(tenantId), ROUND_TIMEOUT_MS)
    .then(() => performance.now() - started);
  seen.catch(() => {}); // reported through the await below, or by the wait after the flip
  await flip(core, tenantId, false, `bench divert ${round}`);
  await publisher.until(
    () => !publisher.allowed(tenantId) && publisher.tenant(tenantId).inFlight === 0,
    ROUND_TIMEOUT_MS,
  );
  const gateSaw = await seen;
  const lastConfirm = publisher.tenant(tenantId).lastConfirmAt ?? started;
  const divert = Math.max(gateSaw, lastConfirm - started);

  const resumed = performance.now();
  await flip(core, tenantId, true, `bench resume ${round}`);
  await publisher.until(() => (publisher.tenant(tenantId).lastConfirmAt ?? 0) > resumed, ROUND_TIMEOUT_MS);
  return { gateSaw, divert, resume: performance.now() - resumed };
}

async function flip(core: ConsoleCore, tenantId: string, publish: boolean, reason: string): Promise<void> {
  await core.call('actions.flip', { tenantId, publish, reason }, { actor: 'bench' });
}

function figures(measured: Measured, suffix: string): BenchResult {
  const { tenants, rounds, failures, publisherTrouble } = measured;
  const divert = ascending(rounds.map((r) => r.divert));
  const gateSaw = rounds.map((r) => r.gateSaw);
  const halves = byHalf(
    rounds.map((r) => ({ position: r.position, value: r.divert })),
    tenants,
  );
  const count = tenants.toLocaleString('en-US');
  const setting =
    `${rounds.length + failures.length} flips of ${PROBES} tenants (${PROBE_RATE} ev/s each) spread over ${count} ` +
    `(${BACKGROUND_RATE} ev/s between the others), no other tenant off, private RabbitMQ, loopback`;
  const failed =
    failures.length > 0
      ? { failed: `${failures.length} of ${rounds.length + failures.length} rounds failed: ${failures[0]}` }
      : {};
  const trouble = publisherTrouble ? `; ${publisherTrouble}` : '';
  const figure = (value: number, note: string): Figure => ({ value, unit: 'ms', note, ...failed });
  return {
    [`flip_to_divert${suffix}_median_ms`]: figure(
      median(divert),
      `${setting}; the publisher's gate saw the flip at a median ${median(gateSaw).toFixed(1)} ms; ` +
        `median for the list's first half ${median(halves.first).toFixed(1)} ms, second half ${median(halves.second).toFixed(1)} ms${trouble}`,
    ),
    [`flip_to_divert${suffix}_p99_ms`]: figure(quantile(divert, 0.99), `${setting}${trouble}`),
    [`flip_to_resume${suffix}_median_ms`]: figure(
      median(rounds.map((r) => r.resume)),
      `${setting}; to the first confirm after switching back on`,
    ),
  };
}

await runIfMain(import.meta.url, run);
