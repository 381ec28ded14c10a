import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../api';
import { DEFAULT_SETTINGS, SettingsStore } from './settings-store';

describe('SettingsStore', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-settings-'));
    path = join(dir, 'settings.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('starts from defaults and writes nothing until something changes', async () => {
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.get()).toEqual({
      theme: 'system',
      intervalMs: 1000,
      window: null,
      lastView: { view: 'traffic', tenantId: null },
      detection: {},
    });
    expect(existsSync(path)).toBe(false);
  });

  it('validates, persists and announces an update, which a new store then reads', async () => {
    const store = await SettingsStore.open({ dataDir: dir });
    const seen: Settings[] = [];
    store.onChange((settings) => seen.push(settings));
    const updated = await store.update({ theme: 'dark', lastView: { view: 'health', tenantId: 'acme' } });
    expect(updated).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
      lastView: { view: 'health', tenantId: 'acme' },
    });
    expect(seen).toEqual([updated]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(updated);
    expect((await SettingsStore.open({ dataDir: dir })).get()).toEqual(updated);
  });

  it('rejects an invalid update with field-level issues and keeps the settings', async () => {
    const store = await SettingsStore.open({ dataDir: dir });
    await expect(store.update({ intervalMs: 10 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: [expect.stringMatching(/^intervalMs: /)],
    });
    await expect(store.update({ theme: 'neon' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(existsSync(path)).toBe(false);
  });

  it('ignores keys given as undefined', async () => {
    const store = await SettingsStore.open({ dataDir: dir });
    expect((await store.update({ theme: undefined, intervalMs: 2000 })).theme).toBe('system');
  });

  it('fills in defaults for keys an older file lacks', async () => {
    await writeFile(path, JSON.stringify({ theme: 'light' }));
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, theme: 'light' });
    expect(store.problem()).toBeNull();
  });

  it('reports an invalid file, runs on defaults, keeps updates in memory and never overwrites the file', async () => {
    const original = '{"theme":"dark","intervalMs":"fast"}';
    await writeFile(path, original);
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.problem()).toMatchObject({ path, where: 'intervalMs' });
    expect(store.get()).toEqual(DEFAULT_SETTINGS);

    const seen: Settings[] = [];
    store.onChange((settings) => seen.push(settings));
    expect((await store.update({ theme: 'light' })).theme).toBe('light');
    expect(seen).toHaveLength(1);
    expect(store.problem()).not.toBeNull();
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('keeps detection overrides field by field: merged, persisted, and null for back to the default', async () => {
    const store = await SettingsStore.open({ dataDir: dir });
    await store.update({ detection: { spike: { ratio: 2.5 }, broker: { churnNetPerSec: 8 } } });
    const merged = await store.update({ detection: { spike: { excess: 50 }, calmTicks: 8 } });
    expect(merged.detection).toEqual({
      spike: { ratio: 2.5, excess: 50 },
      calmTicks: 8,
      broker: { churnNetPerSec: 8 },
    });
    // The file holds only what was chosen, so later defaults still reach the rest.
    expect(JSON.parse(await readFile(path, 'utf8')).detection).toEqual(merged.detection);
    expect((await SettingsStore.open({ dataDir: dir })).get().detection).toEqual(merged.detection);

    const reset = await store.update({
      detection: { spike: { ratio: null, excess: null }, calmTicks: null },
    });
    expect(reset.detection).toEqual({ broker: { churnNetPerSec: 8 } });
    expect((await store.update({ detection: null })).detection).toEqual({});
    expect((await store.update({ theme: 'dark' })).detection).toEqual({});
  });

  it('refuses a bad detection field naming it, and changes nothing', async () => {
    const store = await SettingsStore.open({ dataDir: dir });
    await store.update({ detection: { spike: { ratio: 3 } } });
    const before = await readFile(path, 'utf8');
    const refused = async (patch: unknown) => {
      const error = await store.update(patch).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
      return (error as { issues: string[] }).issues;
    };
    expect(await refused({ detection: { spike: { ratio: 1.2 } } })).toEqual([
      'detection.spike.ratio: at least 1.5 (a spike is well above its baseline)',
    ]);
    expect(await refused({ detection: { elevated: { sigmas: 0 } } })).toEqual([
      'detection.elevated.sigmas: above 0',
    ]);
    expect(await refused({ detection: { calmTicks: 0 } })).toEqual(['detection.calmTicks: at least 1 tick']);
    expect(await refused({ detection: { overLimitEnterTicks: 1.5 } })).toEqual([
      'detection.overLimitEnterTicks: a whole number of ticks',
    ]);
    expect(await refused({ detection: { spike: { excess: -1 } } })).toEqual([
      'detection.spike.excess: at least 0 events/s',
    ]);
    expect(await refused({ detection: { broker: { nearChannelMaxShare: 1.5 } } })).toEqual([
      'detection.broker.nearChannelMaxShare: at most 1',
    ]);
    expect(await refused({ detection: { spike: { ratios: 3 } } })).toEqual([
      expect.stringMatching(/^detection\.spike: .*ratios/),
    ]);
    // Valid alone, but elevated (the milder level) above the spike ratio in force (3):
    expect(await refused({ detection: { elevated: { ratio: 3.5 } } })).toEqual([
      'detection.elevated.ratio: at most the spike ratio (3): elevated is the milder level',
    ]);
    expect(store.get().detection).toEqual({ spike: { ratio: 3 } });
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('reports a settings file with a bad detection field by path and field, and never overwrites it', async () => {
    const original = '{"theme":"dark","detection":{"spike":{"ratio":4},"elevated":{"enterTicks":0}}}';
    await writeFile(path, original);
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.problem()).toMatchObject({ path, where: 'detection.elevated.enterTicks' });
    expect(store.problem()?.message).toBe(`${path}: detection.elevated.enterTicks: at least 1 tick`);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    await store.update({ detection: { calmTicks: 9 } });
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('reports a settings file whose detection fields contradict each other', async () => {
    const original = '{"detection":{"spike":{"ratio":1.6}}}';
    await writeFile(path, original);
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.problem()).toMatchObject({
      path,
      where: 'detection.spike.ratio',
      problem: 'at least the elevated ratio (1.8): elevated is the milder level',
    });
    expect(store.get().detection).toEqual({});
    await store.update({ theme: 'light' });
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('reads a file with detection overrides, nulls meaning the default', async () => {
    await writeFile(
      path,
      '{"detection":{"spike":{"ratio":2.5,"excess":null},"broker":{"nearChannelMaxShare":0.6}}}',
    );
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.problem()).toBeNull();
    expect(store.get().detection).toEqual({ spike: { ratio: 2.5 }, broker: { nearChannelMaxShare: 0.6 } });
  });

  it('reports a file that is not JSON with line and column', async () => {
    await writeFile(path, '{\n  "theme": "dark"\n  "intervalMs": 500\n}');
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.problem()?.where).toBe('line 3, column 3');
  });
});
