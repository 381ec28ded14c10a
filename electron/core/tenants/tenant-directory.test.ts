import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TenantDirectory } from './tenant-directory';

const FILE = {
  tenants: [
    { id: 'acme', name: 'Acme Corp', plan: 'enterprise', limit: 5000 },
    { id: 'globex', name: 'Globex', plan: 'pro', limit: null },
  ],
};

describe('TenantDirectory', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-tenants-'));
    path = join(dir, 'tenants.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function withFile(content: unknown) {
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return TenantDirectory.open({ dataDir: dir });
  }

  it('lists the tenants of the file', async () => {
    const tenants = await withFile({ tenants: [...FILE.tenants, { id: 'initech', name: 'Initech' }] });
    expect(tenants.list()).toEqual([
      { id: 'acme', name: 'Acme Corp', plan: 'enterprise', limit: 5000, known: true },
      { id: 'globex', name: 'Globex', plan: 'pro', limit: null, known: true },
      { id: 'initech', name: 'Initech', plan: null, limit: null, known: true },
    ]);
    expect(tenants.get('acme')?.limit).toBe(5000);
    expect(tenants.exists('globex')).toBe(true);
    expect(tenants.exists('hooli')).toBe(false);
    expect(tenants.problem()).toBeNull();
  });

  it('keeps tenants seen in traffic but not in the file, as unknown, and says when the list changes', async () => {
    const tenants = await withFile(FILE);
    const changes: string[][] = [];
    tenants.onChange((list) => changes.push(list.map((t) => t.id)));
    tenants.observe(['acme', 'hooli', 'globex']);
    tenants.observe(['hooli', 'acme']);
    expect(changes).toEqual([['acme', 'globex', 'hooli']]);
    expect(tenants.get('hooli')).toEqual({
      id: 'hooli',
      name: 'hooli',
      plan: null,
      limit: null,
      known: false,
    });
    expect(tenants.exists('hooli')).toBe(true);
  });

  it('ignores tenants seen only in traffic beyond maxTenants, and says it did', async () => {
    await writeFile(path, JSON.stringify(FILE));
    const tenants = await TenantDirectory.open({ dataDir: dir, maxTenants: 4 });
    tenants.observe(['hooli', 'acme']);
    expect(tenants.capReached()).toBe(false);
    tenants.observe(Array.from({ length: 3_000 }, (_, k) => `x${k}`));
    expect(tenants.list().map((t) => t.id)).toEqual(['acme', 'globex', 'hooli', 'x0']);
    expect(tenants.exists('x1')).toBe(false);
    expect(tenants.capReached()).toBe(true);
    await expect(TenantDirectory.open({ dataDir: dir, maxTenants: -1 })).rejects.toThrow(RangeError);
  });

  it('reports an invalid file with its path and field, leaves it untouched and refuses imports', async () => {
    const original = JSON.stringify({
      tenants: [FILE.tenants[0], { id: 'globex', name: 'Globex', limit: -5 }],
    });
    const tenants = await withFile(original);
    expect(tenants.problem()).toMatchObject({
      path,
      where: 'tenants[1].limit',
      problem: 'expected a positive number',
    });
    expect(tenants.list()).toEqual([]);
    await expect(tenants.import('csv', 'id,name\nhooli,Hooli\n')).rejects.toMatchObject({
      code: 'DATA_FILE_INVALID',
    });
    expect(await tenants.forgetGeneratedFile(() => [])).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('reports broken JSON with line and column', async () => {
    const tenants = await withFile('{\n  "tenants": [\n    {"id": "acme",}\n  ]\n}');
    expect(tenants.problem()).toMatchObject({ path, where: 'line 3, column 19' });
  });

  it('reports duplicate ids', async () => {
    const tenants = await withFile({ tenants: [FILE.tenants[0], FILE.tenants[0]] });
    expect(tenants.problem()?.where).toBe('tenants[1].id');
    expect(tenants.problem()?.problem).toMatch(/duplicate id "acme"/);
  });

  it('imports CSV: upserts by id, keeps the rest, writes the file and makes observed tenants known', async () => {
    const tenants = await withFile(FILE);
    tenants.observe(['hooli']);
    const csv =
      'id,name,plan,limit\nacme,Acme Inc,enterprise,9000\nhooli,Hooli,,\n"umbrella","Umbrella, Ltd",free,12.5\n';
    expect(await tenants.import('csv', csv)).toEqual({ imported: 3, total: 4 });
    expect(tenants.list().map((t) => [t.id, t.name, t.plan, t.limit, t.known])).toEqual([
      ['acme', 'Acme Inc', 'enterprise', 9000, true],
      ['globex', 'Globex', 'pro', null, true],
      ['hooli', 'Hooli', null, null, true],
      ['umbrella', 'Umbrella, Ltd', 'free', 12.5, true],
    ]);
    const reopened = await TenantDirectory.open({ dataDir: dir });
    expect(reopened.list()).toEqual(tenants.list());
  });

  it('rejects a CSV with bad rows as a whole, naming rows and lines, and changes nothing', async () => {
    const tenants = await withFile(FILE);
    const before = await readFile(path, 'utf8');
    const csv = [
      'id,name,plan,limit',
      'acme,Acme Inc,,9000',
      'bad id,Bad,,',
      'initech,Initech,,',
      'initech,Initech again,,',
      'umbrella,Umbrella,,lots',
      'x,y',
    ].join('\n');
    const failure = tenants.import('csv', csv);
    await expect(failure).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/4 problems/),
    });
    const issues: string[] = await failure.catch((error) => error.issues);
    expect(issues).toEqual([
      expect.stringMatching(/^row 2 \(line 3\): id: /),
      'row 4 (line 5): id: duplicate id "initech" (first in row 3)',
      'row 5 (line 6): limit: expected a positive number',
      'row 6 (line 7): expected 4 values, found 2',
    ]);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(tenants.get('acme')?.name).toBe('Acme Corp');
  });

  it('rejects a CSV without the expected header', async () => {
    const tenants = await withFile(FILE);
    await expect(tenants.import('csv', 'tenant,title\nacme,Acme\n')).rejects.toMatchObject({
      issues: [expect.stringMatching(/line 1: unknown column\(s\) tenant, title/)],
    });
  });

  it('imports JSON in the file shape or as a bare array, and creates the file when there is none', async () => {
    const tenants = await TenantDirectory.open({ dataDir: dir });
    expect(await tenants.import('json', JSON.stringify(FILE))).toEqual({ imported: 2, total: 2 });
    expect(await tenants.import('json', JSON.stringify([{ id: 'hooli', name: 'Hooli', limit: 10 }]))).toEqual(
      {
        imported: 1,
        total: 3,
      },
    );
    expect(JSON.parse(await readFile(path, 'utf8')).tenants.map((t: { id: string }) => t.id)).toEqual([
      'acme',
      'globex',
      'hooli',
    ]);
  });

  it('rejects a JSON import with a bad field, naming it, and changes nothing', async () => {
    const tenants = await withFile(FILE);
    const before = await readFile(path, 'utf8');
    await expect(
      tenants.import(
        'json',
        JSON.stringify([
          { id: 'hooli', name: 'Hooli' },
          { id: 'x', name: 'X', limit: 'lots' },
        ]),
      ),
    ).rejects.toMatchObject({ issues: ['[1].limit: expected a positive number'] });
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(tenants.exists('hooli')).toBe(false);
  });

  it("knows the simulated workload's tenants while it runs, never writes them, and lets the file win", async () => {
    const tenants = await TenantDirectory.open({ dataDir: dir });
    tenants.seed([
      { id: 'acme', name: 'Acme', plan: 'pro', limit: 100 },
      { id: 'initech', name: 'Initech' },
    ]);
    tenants.observe(['initech', 'hooli']);
    expect(tenants.list().map((t) => [t.id, t.name, t.known])).toEqual([
      ['acme', 'Acme', true],
      ['initech', 'Initech', true],
      ['hooli', 'hooli', false],
    ]);
    expect(tenants.get('acme')?.limit).toBe(100);
    await expect(readFile(path, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });

    // an import writes only what was imported; the file's entry wins over the workload's
    await tenants.import('json', JSON.stringify([{ id: 'acme', name: 'Acme Corp', limit: 5000 }]));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      tenants: [{ id: 'acme', name: 'Acme Corp', plan: null, limit: 5000 }],
    });
    expect(tenants.list().map((t) => t.name)).toEqual(['Acme Corp', 'Initech', 'hooli']);

    // the next run has a smaller workload, or none: nothing of the earlier one is left behind
    const next = await TenantDirectory.open({ dataDir: dir });
    next.seed([{ id: 'globex', name: 'Globex' }]);
    expect(next.list().map((t) => t.id)).toEqual(['acme', 'globex']);
    next.seed([]);
    expect(next.list().map((t) => t.id)).toEqual(['acme']);
  });

  it('removes a file an older version seeded from the workload, and only such a file', async () => {
    const generated = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ id: `t${i}`, name: `T${i}`, plan: 'free', limit: 10 }));
    await writeFile(path, JSON.stringify({ tenants: generated(10_000) }));
    const tenants = await TenantDirectory.open({ dataDir: dir });
    expect(tenants.list()).toHaveLength(10_000);
    expect(await tenants.forgetGeneratedFile(generated)).toBe(true);
    await expect(readFile(path, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(tenants.list()).toEqual([]);

    const edited = generated(3).map((t, i) => (i === 1 ? { ...t, limit: 20 } : t));
    await writeFile(path, JSON.stringify({ tenants: edited }));
    const kept = await TenantDirectory.open({ dataDir: dir });
    expect(await kept.forgetGeneratedFile(generated)).toBe(false);
    expect(JSON.parse(await readFile(path, 'utf8')).tenants).toEqual(edited);
    expect(kept.list()).toHaveLength(3);
  });
});
