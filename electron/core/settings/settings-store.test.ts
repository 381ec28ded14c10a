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

  it('reports a file that is not JSON with line and column', async () => {
    await writeFile(path, '{\n  "theme": "dark"\n  "intervalMs": 500\n}');
    const store = await SettingsStore.open({ dataDir: dir });
    expect(store.problem()?.where).toBe('line 3, column 3');
  });
});
