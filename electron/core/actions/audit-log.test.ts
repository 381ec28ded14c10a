import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api';
import { AuditLog } from './audit-log';
import { killSwitchEntry } from './testing/audit-entry';
import { makeTempDir } from './testing/temp-dir';

function entry(id: string, patch: Partial<AuditEntry> = {}): AuditEntry {
  return killSwitchEntry({
    id,
    at: '2025-01-15T10:00:00.000Z',
    actor: 'ops',
    reason: 'spike',
    provider: 'memory',
    ...patch,
  });
}

describe('AuditLog', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it('keeps every version on disk and the latest per id in memory, across a reopen', async () => {
    const log = await AuditLog.open({ dataDir: dir });
    await log.append(entry('a'));
    await log.append(entry('b', { tenantId: 'globex' }));
    await log.append(entry('a', { outcome: 'applied', confirmedAt: '2025-01-15T10:00:01.000Z' }));
    await log.close();

    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).outcome)).toEqual(['pending', 'pending', 'applied']);

    const reopened = await AuditLog.open({ dataDir: dir });
    expect(reopened.get('a')?.outcome).toBe('applied');
    expect(reopened.query().map((e) => e.id)).toEqual(['b', 'a']);
    expect(reopened.problems()).toEqual([]);
  });

  it('lists the entries whose outcome was never recorded, however old; lines without a profile read as null', async () => {
    const log = await AuditLog.open({ dataDir: dir });
    await log.append(entry('a'));
    for (let i = 0; i < 1_050; i++) await log.append(entry(`done-${i}`, { outcome: 'applied' }));
    await log.append(entry('b', { profile: 'ld-prod', environment: 'production' }));
    await log.append(entry('b', { outcome: 'interrupted', profile: 'ld-prod', environment: 'production' }));
    await log.close();

    const reopened = await AuditLog.open({ dataDir: dir });
    expect(reopened.pending().map((e) => e.id)).toEqual(['a']);
    expect(reopened.get('a')).toMatchObject({ profile: null, environment: null });
    expect(reopened.get('b')).toMatchObject({
      outcome: 'interrupted',
      profile: 'ld-prod',
      environment: 'production',
    });
    expect(reopened.problems()).toEqual([]);
    await reopened.close();
  });

  it('queries newest first, filtered by tenant and flag, up to a limit', async () => {
    const log = await AuditLog.open({ dataDir: dir });
    await log.append(entry('1'));
    await log.append(entry('2', { tenantId: 'globex' }));
    await log.append(entry('3', { flagKey: 'checkout-flow', value: 'beta', previous: 'classic' }));
    await log.append(entry('4'));
    expect(log.query({ tenantId: 'acme' }).map((e) => e.id)).toEqual(['4', '3', '1']);
    expect(log.query({ tenantId: 'acme', flagKey: 'publish-events' }).map((e) => e.id)).toEqual(['4', '1']);
    expect(log.query({ limit: 2 }).map((e) => e.id)).toEqual(['4', '3']);
    expect(log.get('nope')).toBeNull();
    await log.close();
  });

  it('emits an entry only once its line is on disk', async () => {
    const log = await AuditLog.open({ dataDir: dir });
    const seenOnDisk: boolean[] = [];
    log.onEntry((e) => {
      const text = readFileSync(join(dir, 'audit.jsonl'), 'utf8');
      seenOnDisk.push(text.includes(`"id":"${e.id}"`));
    });
    await log.append(entry('x'));
    expect(seenOnDisk).toEqual([true]);
    await log.close();
  });

  it('serialises concurrent appends into whole lines, in call order', async () => {
    const log = await AuditLog.open({ dataDir: dir });
    await Promise.all(Array.from({ length: 25 }, (_, i) => log.append(entry(`e${i}`))));
    await log.close();
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(Array.from({ length: 25 }, (_, i) => `e${i}`));
  });

  it('skips and reports corrupt lines by number, never rewrites them, and appends after a torn line', async () => {
    const path = join(dir, 'audit.jsonl');
    const good = JSON.stringify(entry('good'));
    const invalid = JSON.stringify({ ...entry('bad'), outcome: 'maybe' });
    const original = `${good}\n{not json\n${invalid}\n{"id":"torn","at":`;
    await writeFile(path, original);

    const log = await AuditLog.open({ dataDir: dir });
    expect(log.query().map((e) => e.id)).toEqual(['good']);
    expect(log.problems().map((p) => [p.path, p.where])).toEqual([
      [path, 'line 2'],
      [path, 'line 3'],
      [path, 'line 4'],
    ]);
    expect(log.problems()[1]?.problem).toContain('outcome');
    expect(await readFile(path, 'utf8')).toBe(original);

    await log.append(entry('next'));
    await log.close();
    const text = await readFile(path, 'utf8');
    expect(text.startsWith(original)).toBe(true);
    const reopened = await AuditLog.open({ dataDir: dir });
    expect(reopened.query().map((e) => e.id)).toEqual(['next', 'good']);
  });

  it('rejects an append it cannot make durable, and keeps the entry out of memory', async () => {
    const log = await AuditLog.open({ dataDir: dir });
    await mkdir(join(dir, 'audit.jsonl'));
    await expect(log.append(entry('lost'))).rejects.toThrow();
    expect(log.get('lost')).toBeNull();
  });
});
