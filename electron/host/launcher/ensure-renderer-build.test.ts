import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureRendererBuild, type SourceFiles, VITE_ARGS } from './ensure-renderer-build';

const index = join('/p', 'dist', 'renderer', 'index.html');

/** A file tree of path → mtime; directories are implied by the files under them. */
function fakeFiles(tree: Record<string, number>): SourceFiles & { set(path: string, mtime: number): void } {
  const mtimes = new Map(Object.entries(tree));
  const isDir = (path: string) => [...mtimes.keys()].some((p) => p.startsWith(`${path}/`));
  return {
    set: (path, mtime) => mtimes.set(path, mtime),
    mtimeMs: (path) => mtimes.get(path) ?? (isDir(path) ? 0 : null),
    list: (dir) => {
      const names = new Set<string>();
      for (const path of mtimes.keys()) {
        if (path.startsWith(`${dir}/`)) names.add(path.slice(dir.length + 1).split('/')[0]!);
      }
      return [...names].map((name) => ({ name, isDirectory: isDir(join(dir, name)) }));
    },
  };
}

const sources = {
  '/p/renderer/main.web.tsx': 100,
  '/p/renderer/app/App.tsx': 100,
  '/p/renderer/app/App.test.tsx': 100,
  '/p/electron/core/api.ts': 100,
};

function recorder(files: ReturnType<typeof fakeFiles>, builtAt = 500) {
  const runs: { command: string; args: string[]; cwd: string }[] = [];
  const logs: string[] = [];
  return {
    runs,
    logs,
    options: {
      projectDir: '/p',
      files,
      log: (line: string) => logs.push(line),
      run: async (command: string, args: string[], cwd: string) => {
        runs.push({ command, args, cwd });
        files.set(index, builtAt);
        return 0;
      },
    },
  };
}

describe('ensureRendererBuild', () => {
  it('does nothing when the build is newer than every source', async () => {
    const files = fakeFiles({ ...sources, [index]: 200 });
    const r = recorder(files);
    expect(await ensureRendererBuild(r.options)).toBe(dirname(index));
    expect(r.runs).toEqual([]);
  });

  it('runs vite with the renderer config when index.html is missing', async () => {
    const r = recorder(fakeFiles(sources));
    await ensureRendererBuild(r.options);
    expect(r.runs).toEqual([{ command: 'npx', args: VITE_ARGS, cwd: '/p' }]);
    expect(VITE_ARGS).toEqual(['vite', 'build', '--config', join('renderer', 'vite.config.ts')]);
    expect(r.logs[0]).toMatch(/^No dist\/renderer\/index.html: building/);
  });

  it.each([
    ['a renderer source', '/p/renderer/app/App.tsx', 'renderer/app/App.tsx'],
    ['the contract', '/p/electron/core/api.ts', 'electron/core/api.ts'],
    ['a renderer directory (a file added or removed)', '/p/renderer/app', 'renderer/app'],
  ])('rebuilds when %s is newer than the build, saying which', async (_label, path, shown) => {
    const files = fakeFiles({ ...sources, [index]: 200 });
    files.set(path, 300);
    const r = recorder(files);
    await ensureRendererBuild(r.options);
    expect(r.runs).toHaveLength(1);
    expect(r.logs[0]).toBe(
      `dist/renderer/index.html is older than ${shown}: building the renderer (npx ${VITE_ARGS.join(' ')})...`,
    );
  });

  it('names the file whole when the project directory ends in a slash (as the launchers give it)', async () => {
    const files = fakeFiles({ ...sources, [index]: 200 });
    files.set('/p/renderer/app/App.tsx', 300);
    const r = recorder(files);
    await ensureRendererBuild({ ...r.options, projectDir: '/p/' });
    expect(r.logs[0]).toMatch(/^dist\/renderer\/index.html is older than renderer\/app\/App.tsx: /);
  });

  it('ignores test files, which are not in the bundle', async () => {
    const files = fakeFiles({ ...sources, [index]: 200 });
    files.set('/p/renderer/app/App.test.tsx', 300);
    const r = recorder(files);
    await ensureRendererBuild(r.options);
    expect(r.runs).toEqual([]);
  });

  it('fails clearly when the build fails', async () => {
    await expect(
      ensureRendererBuild({ projectDir: '/p', files: fakeFiles(sources), run: async () => 1 }),
    ).rejects.toThrow(/renderer build failed \(exit code 1\)/);
  });
});
