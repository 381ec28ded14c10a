/**
 * A crash is simulated by copying the data directory at the instant it would happen (the intent and
 * the armed time box are on disk, the outcome is not), then starting a new fixture on the copy — a
 * real AuditLog and TimeBox on a temp dir — with the provider as it is at that instant.
 */
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api';
import { EmbeddedFlagProvider } from '../flags/embedded/embedded-flag-provider';
import type { ChangeOrigin } from './change-origin';
import { settleInterruptedChanges } from './interrupted-changes';
import { FakeClock } from './testing/fake-clock';
import { type FlipFixture, openFlipFixture } from './testing/flip-fixture';
import { killAcme } from './testing/kill-request';
import { MemoryFlagProvider, testFlags } from './testing/memory-flag-provider';
import { makeTempDir } from './testing/temp-dir';

const fifteenMinutes = 15 * 60_000;
const kill = killAcme;
const prod: ChangeOrigin = { profile: 'ld-prod', environment: 'production' };

describe('changes interrupted by a crash are settled at the next start', () => {
  let dirs: { dir: string; remove: () => Promise<void> }[];
  let open: FlipFixture[];
  beforeEach(() => {
    dirs = [];
    open = [];
  });
  afterEach(async () => {
    for (const fx of open) await fx.close();
    for (const d of dirs) await d.remove();
  });

  async function tempDir(): Promise<string> {
    const made = await makeTempDir();
    dirs.push(made);
    return made.dir;
  }

  async function start(
    dataDir: string,
    options: { clock?: FakeClock; provider?: MemoryFlagProvider; origin?: ChangeOrigin } = {},
  ) {
    const fx = await openFlipFixture({ dataDir, ...options });
    open.push(fx);
    return fx;
  }

  /** The data directory as a crash right now would leave it. */
  function crashCopy(from: string, to: string): void {
    cpSync(from, to, { recursive: true });
  }

  it('a crash after the write landed: recorded as applied, and its time box still reverts', async () => {
    const [dir, after] = [await tempDir(), await tempDir()];
    const provider = new MemoryFlagProvider(structuredClone(testFlags));
    const first = await start(dir, { provider, origin: prod });
    const write = provider.setTenantValue.bind(provider);
    provider.setTenantValue = async (...args) => {
      await write(...args);
      crashCopy(dir, after);
    };
    const flip = await first.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    provider.setTenantValue = write;

    const clock = new FakeClock(first.clock.now() + 60_000);
    const second = await start(after, { provider, clock, origin: prod });
    expect(second.settled).toEqual([expect.objectContaining({ id: flip.id, outcome: 'applied' })]);
    const settled = second.audit.get(flip.id)!;
    expect(settled.error).toBe(
      "Switchboard stopped before this change's outcome was recorded; at the next start in-memory test provider served false as asked",
    );
    expect(settled.confirmedAt).toBe(new Date(clock.now()).toISOString());
    expect(second.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id, revertTo: true })]);

    clock.advance(fifteenMinutes - 60_000);
    await second.timeBox.idle();
    expect(await provider.servedValue('publish-events', 'acme')).toBe(true);
  });

  it('a crash before the write landed: recorded as failed, and its time box is dropped', async () => {
    const [dir, after] = [await tempDir(), await tempDir()];
    const first = await start(dir);
    first.provider.beforeWrite = () => crashCopy(dir, after);
    const flip = await first.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    expect(JSON.parse(readFileSync(join(after, 'pending-reverts.json'), 'utf8')).reverts).toHaveLength(1);

    // the provider as it was at the crash: nothing written
    const second = await start(after, { clock: new FakeClock(first.clock.now()) });
    expect(second.audit.get(flip.id)).toMatchObject({ outcome: 'failed', revertAt: null });
    expect(second.audit.get(flip.id)?.error).toMatch(
      /served true, not false: the change did not take effect$/,
    );
    expect(second.timeBox.list()).toEqual([]);
    expect(JSON.parse(readFileSync(join(after, 'pending-reverts.json'), 'utf8')).reverts).toEqual([]);
  });

  it('a crash before a time-boxed change landed puts back the time box it replaced', async () => {
    const [dir, after] = [await tempDir(), await tempDir()];
    const provider = new MemoryFlagProvider(structuredClone(testFlags));
    const first = await start(dir, { provider });
    await first.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    // "let acme try for an hour": its own box would return to false, and it replaced the first box
    const firstBox = first.timeBox.pendingFor('publish-events', 'acme')!;
    provider.beforeWrite = () => crashCopy(dir, after);
    const trial = await first.flips.apply({
      ...kill,
      value: true,
      reason: 'try again',
      timeboxMs: 3_600_000,
    });
    provider.beforeWrite = null;
    provider.setDirectly('publish-events', 'acme', false); // the provider as it was at the crash

    const clock = new FakeClock(first.clock.now());
    const second = await start(after, { provider, clock });
    expect(second.audit.get(trial.id)?.outcome).toBe('failed');
    expect(second.timeBox.list()).toEqual([firstBox]);
    clock.advance(fifteenMinutes);
    await second.timeBox.idle();
    expect(await provider.servedValue('publish-events', 'acme')).toBe(true);
  });

  it('a crash after a change without a time box landed: the older time box no longer reverts it', async () => {
    const [dir, after] = [await tempDir(), await tempDir()];
    const provider = new MemoryFlagProvider(structuredClone(testFlags));
    const first = await start(dir, { provider });
    const boxed = await first.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
    const write = provider.setTenantValue.bind(provider);
    provider.setTenantValue = async (...args) => {
      await write(...args);
      crashCopy(dir, after);
    };
    const forGood = await first.flips.apply({ ...kill, reason: 'off until the fix ships' });
    provider.setTenantValue = write;

    const clock = new FakeClock(first.clock.now());
    const second = await start(after, { provider, clock });
    expect(second.audit.get(forGood.id)?.outcome).toBe('applied');
    expect(second.timeBox.pendingFor('publish-events', 'acme')).toBeNull();
    expect(second.audit.get(boxed.id)?.outcome).toBe('applied');
    clock.advance(fifteenMinutes);
    await second.timeBox.idle();
    expect(await provider.servedValue('publish-events', 'acme')).toBe(false);
  });

  it('a provider that cannot be read at the start: marked interrupted, the time box kept', async () => {
    const [dir, after] = [await tempDir(), await tempDir()];
    const first = await start(dir);
    first.provider.beforeWrite = () => crashCopy(dir, after);
    const flip = await first.flips.apply({ ...kill, timeboxMs: fifteenMinutes });

    const provider = new MemoryFlagProvider(structuredClone(testFlags));
    provider.failReads(new Error('connection refused'));
    const second = await start(after, { provider, clock: new FakeClock(first.clock.now()) });
    expect(second.audit.get(flip.id)).toMatchObject({ outcome: 'interrupted', revertAt: flip.revertAt });
    expect(second.audit.get(flip.id)?.error).toBe(
      "Switchboard stopped before this change's outcome was recorded, and at the next start in-memory test provider could not be read (connection refused): check what it serves; its time box stays armed",
    );
    expect(second.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id })]);
  });

  it('a flag-wide change interrupted after its write is settled from the flag state', async () => {
    const [dir, after] = [await tempDir(), await tempDir()];
    const provider = new MemoryFlagProvider(structuredClone(testFlags));
    const first = await start(dir, { provider });
    const write = provider.setFlagEnabled.bind(provider);
    provider.setFlagEnabled = async (...args) => {
      await write(...args);
      crashCopy(dir, after);
    };
    const toggle = await first.toggles.apply({
      flagKey: 'publish-events',
      enabled: false,
      reason: 'INC-9: stop everyone',
      actor: 'ops',
      timeboxMs: fifteenMinutes,
    });

    const second = await start(after, { provider, clock: new FakeClock(first.clock.now()) });
    expect(second.audit.get(toggle.id)?.outcome).toBe('applied');
    expect(second.timeBox.pendingFor('publish-events', null)).toMatchObject({
      auditId: toggle.id,
      revertTo: true,
    });
  });

  it("leaves another profile's entries for that profile, and marks entries without a profile interrupted", async () => {
    const [dir, after] = [await tempDir(), await tempDir()];
    const first = await start(dir, { origin: prod });
    first.provider.beforeWrite = () => crashCopy(dir, after);
    const flip = await first.flips.apply(kill);
    const legacy = {
      ...flip,
      id: 'written-by-an-older-version',
      outcome: 'pending',
      confirmedAt: null,
      profile: undefined,
      environment: undefined,
    };
    appendFileSync(join(after, 'audit.jsonl'), `${JSON.stringify(legacy)}\n`);

    const staging = await start(after, { origin: { profile: 'ld-staging', environment: 'staging' } });
    expect(staging.audit.get(flip.id)?.outcome).toBe('pending');
    expect(staging.audit.get(legacy.id)).toMatchObject({ outcome: 'interrupted', profile: null });
    expect(staging.audit.get(legacy.id)?.error).toMatch(
      /does not name its profile .* whether it was applied is unknown/,
    );
    expect(staging.provider.writes).toEqual([]);
  });

  it("settles an embedded-store change whichever profile made it (an earlier launch's command line)", async () => {
    const dir = await tempDir();
    const provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
    try {
      const commandLine = await openFlipFixture({
        dataDir: dir,
        provider,
        origin: { profile: 'command-line', environment: null },
      });
      const flip = await commandLine.flips.apply({ ...kill, timeboxMs: fifteenMinutes });
      await commandLine.close();
      // the crash came after the write: the outcome never reached the audit
      const intent = { ...flip, outcome: 'pending', confirmedAt: null, error: null };
      appendFileSync(join(dir, 'audit.jsonl'), `${JSON.stringify(intent)}\n`);

      const local = await openFlipFixture({
        dataDir: dir,
        provider,
        origin: { profile: 'local', environment: null },
      });
      try {
        expect(local.settled.map((e) => [e.id, e.outcome])).toEqual([[flip.id, 'applied']]);
        expect(local.timeBox.list()).toEqual([expect.objectContaining({ auditId: flip.id, revertTo: true })]);
      } finally {
        await local.close();
      }
    } finally {
      await provider.close();
    }
  });

  it('leaves a change this process is still carrying out alone', async () => {
    const fx = await start(await tempDir());
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    fx.provider.beforeWrite = () => undefined;
    const write = fx.provider.setTenantValue.bind(fx.provider);
    fx.provider.setTenantValue = async (...args) => {
      await held;
      return write(...args);
    };
    const running = fx.flips.apply(kill);
    await expect.poll(() => fx.audit.pending().length).toBe(1);

    expect(await settleInterruptedChanges(fx.audit, { flips: fx.flips, toggles: fx.toggles })).toEqual([]);
    release();
    const entry: AuditEntry = await running;
    expect(entry.outcome).toBe('applied');
    expect(fx.audit.get(entry.id)?.outcome).toBe('applied');
  });
});
