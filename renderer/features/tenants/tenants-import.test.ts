import { describe, expect, it } from 'vitest';
import { MemoryClient } from '../../testing/memory-client';
import { importFormat, importTenantsFile, MAX_IMPORT_CHARS } from './tenants-import';

const file = (name: string, content: string, type = '') => ({ name, type, text: async () => content });

describe('tenants import', () => {
  it('picks the format by extension, then type, then content', () => {
    expect(importFormat('tenants.JSON', '', 'id,name')).toBe('json');
    expect(importFormat('tenants.csv', 'application/json', '[]')).toBe('csv');
    expect(importFormat('export', 'text/csv', '[]')).toBe('csv');
    expect(importFormat('export', '', '  [{"id":"a"}]')).toBe('json');
    expect(importFormat('export', '', 'id,name\n')).toBe('csv');
  });

  it('imports a CSV and says how many and the new total', async () => {
    const client = new MemoryClient({ tenants: 20 });
    const outcome = await importTenantsFile(
      client,
      file('t.csv', 'id,name,plan,limit\nacme,Acme Inc,,9000\nnewco,NewCo,free,\n'),
    );
    expect(outcome).toEqual({ ok: true, file: 't.csv', imported: 2, total: 20 });
    expect(client.calls.at(-1)).toMatchObject({ name: 'tenants.import', input: { format: 'csv' } });
  });

  it('returns the error and every issue when the core rejects the file', async () => {
    const client = new MemoryClient({ tenants: 20 });
    const outcome = await importTenantsFile(
      client,
      file('bad.csv', 'id,name,plan,limit\nacme,Acme,,9000\nx,y,,\nz,Z,,\numbrella,Umbrella,,lots\n'),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.message).toMatch(/1 problem/);
    expect(outcome.issues).toEqual(['row 4 (line 5): limit: expected a positive number']);
  });

  it('refuses an empty or too large file without calling the host', async () => {
    const client = new MemoryClient({ tenants: 6 });
    expect(await importTenantsFile(client, file('e.csv', '  \n'))).toMatchObject({
      ok: false,
      message: 'e.csv is empty',
    });
    const big = await importTenantsFile(client, file('big.json', 'x'.repeat(MAX_IMPORT_CHARS + 1)));
    expect(big).toMatchObject({ ok: false, message: expect.stringMatching(/too large/) });
    expect(client.calls.filter((c) => c.name === 'tenants.import')).toHaveLength(0);
  });
});
