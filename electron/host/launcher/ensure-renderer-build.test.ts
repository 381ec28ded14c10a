import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureRendererBuild, VITE_ARGS } from './ensure-renderer-build';

const index = join('/p', 'dist', 'renderer', 'index.html');

describe('ensureRendererBuild', () => {
  it('does nothing when the renderer is built', async () => {
    const runs: string[][] = [];
    const dir = await ensureRendererBuild({
      projectDir: '/p',
      exists: (path) => path === index,
      run: async (command, args) => {
        runs.push([command, ...args]);
        return 0;
      },
    });
    expect(dir).toBe(join('/p', 'dist', 'renderer'));
    expect(runs).toEqual([]);
  });

  it('runs vite with the renderer config when index.html is missing', async () => {
    const built = new Set<string>();
    const runs: { command: string; args: string[]; cwd: string }[] = [];
    await ensureRendererBuild({
      projectDir: '/p',
      exists: (path) => built.has(path),
      run: async (command, args, cwd) => {
        runs.push({ command, args, cwd });
        built.add(index);
        return 0;
      },
    });
    expect(runs).toEqual([{ command: 'npx', args: VITE_ARGS, cwd: '/p' }]);
    expect(VITE_ARGS).toEqual(['vite', 'build', '--config', join('renderer', 'vite.config.ts')]);
  });

  it('fails clearly when the build fails', async () => {
    await expect(
      ensureRendererBuild({ projectDir: '/p', exists: () => false, run: async () => 1 }),
    ).rejects.toThrow(/renderer build failed \(exit code 1\)/);
  });
});
