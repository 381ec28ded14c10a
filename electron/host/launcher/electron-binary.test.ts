import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from './electron-binary';

let project: string;
const packageDir = () => join(project, 'node_modules', 'electron');

async function executable(path: string, mode = 0o755): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, mode);
}

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'sb-electron-'));
  await mkdir(packageDir(), { recursive: true });
});

afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('findElectronBinary', () => {
  it('reports the package without a binary (the state on these machines)', () => {
    expect(findElectronBinary({ projectDir: project, env: {} })).toEqual({
      path: null,
      reason: expect.stringContaining('path.txt'),
    });
  });

  it('finds the binary path.txt names inside dist', async () => {
    await writeFile(join(packageDir(), 'path.txt'), 'electron');
    expect(findElectronBinary({ projectDir: project, env: {} })).toMatchObject({ path: null });
    await executable(join(packageDir(), 'dist', 'electron'));
    expect(findElectronBinary({ projectDir: project, env: {} })).toEqual({
      path: join(packageDir(), 'dist', 'electron'),
    });
  });

  it('ignores a dist file that is not executable', async () => {
    await writeFile(join(packageDir(), 'path.txt'), 'electron');
    await executable(join(packageDir(), 'dist', 'electron'), 0o644);
    // root may execute any file with an x bit only; 0644 has none, so this holds for root too
    expect(findElectronBinary({ projectDir: project, env: {} }).path).toBeNull();
  });

  it('prefers ELECTRON_OVERRIDE_DIST_PATH, as the package does', async () => {
    const override = join(project, 'local-electron');
    await executable(join(override, 'electron'));
    await writeFile(join(packageDir(), 'path.txt'), 'electron');
    await executable(join(packageDir(), 'dist', 'electron'));
    const env = { ELECTRON_OVERRIDE_DIST_PATH: override };
    expect(findElectronBinary({ projectDir: project, env })).toEqual({ path: join(override, 'electron') });
  });

  it('uses the platform default name when the override has no path.txt beside it', async () => {
    const override = join(project, 'local-electron');
    await executable(join(override, 'electron'));
    const env = { ELECTRON_OVERRIDE_DIST_PATH: override };
    expect(findElectronBinary({ projectDir: project, env, platform: 'linux' }).path).toBe(
      join(override, 'electron'),
    );
  });

  it('does not fall back to dist when the override is wrong', async () => {
    await writeFile(join(packageDir(), 'path.txt'), 'electron');
    await executable(join(packageDir(), 'dist', 'electron'));
    const env = { ELECTRON_OVERRIDE_DIST_PATH: join(project, 'nowhere') };
    expect(findElectronBinary({ projectDir: project, env })).toEqual({
      path: null,
      reason: expect.stringContaining('ELECTRON_OVERRIDE_DIST_PATH is set'),
    });
  });
});
