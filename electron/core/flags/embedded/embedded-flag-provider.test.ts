import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlagProviderError, type WriteContext } from '../flag-provider';
import { defaultFlagsDocument } from './default-flags';
import { EmbeddedFlagProvider } from './embedded-flag-provider';
import type { FlagsChange } from './flag-store';

const ctx: WriteContext = { actor: 'ops', reason: 'load spike', auditId: 'a1' };
let dir: string;
let provider: EmbeddedFlagProvider;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-embedded-'));
  provider = await EmbeddedFlagProvider.open({ dataDir: dir, watch: false });
});

afterEach(async () => {
  await provider.close();
  await rm(dir, { recursive: true, force: true });
});

const fileTargeting = async (flagKey: string) =>
  JSON.parse(await readFile(join(dir, 'flags.json'), 'utf8')).flags[flagKey].targeting;

describe('EmbeddedFlagProvider', () => {
  it('identifies itself', () => {
    expect(provider.kind).toBe('embedded');
    expect(provider.label).toBe('embedded (flagd file)');
  });

  it('lists the flags with kind and description from flagd metadata', async () => {
    const flags = await provider.listFlags();
    expect(flags.map((f) => [f.key, f.kind, f.valueType, f.enabled])).toEqual([
      ['publish-events', 'kill-switch', 'boolean', true],
      ['new-dashboard', 'release', 'boolean', true],
      ['export-format', 'release', 'string', true],
    ]);
    expect(flags[0]!.description).toBe('Tenant may publish events (false = stop publishing)');
  });

  it('flips a tenant off with an override list and back on by removing it', async () => {
    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    expect(await fileTargeting('publish-events')).toEqual({
      if: [{ in: [{ var: 'targetingKey' }, ['acme']] }, 'off', null],
    });
    expect(await provider.servedValue('publish-events', 'acme')).toBe(false);
    expect(await provider.servedValue('publish-events', 'globex')).toBe(true);
    expect(provider.valuesFor('publish-events', ['acme', 'globex'])).toEqual(
      new Map([
        ['acme', false],
        ['globex', true],
      ]),
    );

    await provider.setTenantValue('publish-events', 'globex', false, ctx);
    expect((await fileTargeting('publish-events')).if[0].in[1]).toEqual(['acme', 'globex']);

    await provider.setTenantValue('publish-events', 'acme', true, ctx);
    await provider.setTenantValue('publish-events', 'globex', true, ctx);
    expect(await fileTargeting('publish-events')).toBeUndefined();
    expect(await provider.servedValue('publish-events', 'acme')).toBe(true);
  });

  it('turns a flag off and on for everyone through flagd state, and keeps no history of its own', async () => {
    await provider.setFlagEnabled('new-dashboard', false, ctx);
    const file = JSON.parse(await readFile(join(dir, 'flags.json'), 'utf8'));
    expect(file.flags['new-dashboard'].state).toBe('DISABLED');
    expect((await provider.listFlags()).find((f) => f.key === 'new-dashboard')?.enabled).toBe(false);
    await provider.setFlagEnabled('new-dashboard', true, ctx);
    expect((await provider.listFlags()).find((f) => f.key === 'new-dashboard')?.enabled).toBe(true);
    await expect(provider.setFlagEnabled('ghost', true, ctx)).rejects.toThrow(/unknown flag/);
    expect(await provider.history()).toEqual([]);
    expect(await provider.scheduleNativeRevert()).toBe(false);
  });

  it('moves a tenant between variant lists of a string flag', async () => {
    await provider.setTenantValue('export-format', 'acme', 'parquet', ctx);
    const [flag] = (await provider.tenantFlags('acme')).filter((f) => f.key === 'export-format');
    expect(flag).toMatchObject({ value: 'parquet', variant: 'parquet', source: 'tenant-override' });
    await provider.setTenantValue('export-format', 'acme', 'csv', ctx);
    expect(await fileTargeting('export-format')).toBeUndefined();
    expect((await provider.tenantFlags('acme')).find((f) => f.key === 'export-format')).toMatchObject({
      value: 'csv',
      source: 'default',
    });
  });

  it('adds an override against a rule, and removes it when the rule already gives the value', async () => {
    const document = defaultFlagsDocument();
    document.flags['new-dashboard']!.targeting = {
      if: [{ starts_with: [{ var: 'targetingKey' }, 'beta-'] }, 'on', null],
    };
    await writeFile(join(dir, 'flags.json'), JSON.stringify(document));
    await provider.store.reload();
    expect((await provider.tenantFlags('beta-1')).find((f) => f.key === 'new-dashboard')).toMatchObject({
      value: true,
      source: 'rule',
    });

    await provider.setTenantValue('new-dashboard', 'beta-1', false, ctx);
    const rule = { if: [{ starts_with: [{ var: 'targetingKey' }, 'beta-'] }, 'on', null] };
    expect(await fileTargeting('new-dashboard')).toEqual({
      if: [{ in: [{ var: 'targetingKey' }, ['beta-1']] }, 'off', rule],
    });
    expect(await provider.servedValue('new-dashboard', 'beta-1')).toBe(false);

    await provider.setTenantValue('new-dashboard', 'beta-1', true, ctx);
    expect(await fileTargeting('new-dashboard')).toEqual(rule);
  });

  it('does not write when the tenant already gets the value', async () => {
    const changes: FlagsChange[] = [];
    provider.onChange((change) => changes.push(change));
    await provider.setTenantValue('publish-events', 'acme', true, ctx);
    expect(changes).toEqual([]);
  });

  it('fires onChange with the flag key and the new etag', async () => {
    const changes: FlagsChange[] = [];
    provider.onChange((change) => changes.push(change));
    await provider.setTenantValue('publish-events', 'acme', false, ctx);
    expect(changes).toEqual([{ flagKeys: ['publish-events'], etag: provider.store.snapshot().etag }]);
  });

  it('refuses a value no variant has, naming the flag and the allowed values', async () => {
    const attempt = provider.setTenantValue('export-format', 'acme', 'xml', ctx);
    await expect(attempt).rejects.toBeInstanceOf(FlagProviderError);
    await expect(provider.setTenantValue('export-format', 'acme', 'xml', ctx)).rejects.toThrow(
      'flag "export-format" has no variant with the value "xml"; allowed values: "csv", "parquet"',
    );
    await expect(provider.setTenantValue('publish-events', 'acme', 'false', ctx)).rejects.toThrow(
      'allowed values: true, false',
    );
  });

  it('refuses an unknown flag', async () => {
    await expect(provider.setTenantValue('nope', 'acme', true, ctx)).rejects.toThrow(
      new FlagProviderError('unknown flag "nope"'),
    );
    await expect(provider.servedValue('nope', 'acme')).rejects.toThrow('unknown flag');
    expect(provider.valuesFor('nope', ['acme'])).toEqual(new Map());
  });

  it('refuses to set a value a disabled flag cannot serve', async () => {
    const document = defaultFlagsDocument();
    document.flags['new-dashboard']!.state = 'DISABLED';
    await writeFile(join(dir, 'flags.json'), JSON.stringify(document));
    await provider.store.reload();
    expect((await provider.tenantFlags('acme')).find((f) => f.key === 'new-dashboard')).toMatchObject({
      enabled: false,
      value: false,
      source: 'flag-off',
    });
    await expect(provider.setTenantValue('new-dashboard', 'acme', true, ctx)).rejects.toThrow(
      /state DISABLED/,
    );
    await provider.setTenantValue('new-dashboard', 'acme', false, ctx);
  });

  it('keeps a round trip of many tenants consistent between file, valuesFor and servedValue', async () => {
    const tenants = Array.from({ length: 30 }, (_, i) => `t${i}`);
    for (const [i, tenant] of tenants.entries()) {
      await provider.setTenantValue('publish-events', tenant, i % 3 !== 0, ctx);
    }
    const values = provider.valuesFor('publish-events', tenants);
    for (const [i, tenant] of tenants.entries()) {
      expect(values.get(tenant)).toBe(i % 3 !== 0);
      expect(await provider.servedValue('publish-events', tenant)).toBe(i % 3 !== 0);
    }
    expect((await fileTargeting('publish-events')).if[0].in[1]).toEqual(
      tenants.filter((_, i) => i % 3 === 0),
    );
  });
});
