import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profilesFileSchema } from '../profiles/profile-schema';
import { readJsonDataFile } from '../storage/json-data-file';
import { RabbitMqSource } from './rabbitmq/rabbitmq-source';
import { sourceConfigSchema } from './source-config';

const rabbitmq = (pattern: string) => ({
  kind: 'rabbitmq',
  url: 'http://127.0.0.1:15672',
  tenantRules: [
    { from: 'queue', pattern: '^q\\.tenant\\.(.+)$' },
    { from: 'vhost', pattern },
  ],
});

function issuesOf(config: unknown): { path: string; message: string }[] {
  const parsed = sourceConfigSchema.safeParse(config);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('tenant rules in a source config', () => {
  it('refuses an invalid regular expression, naming the field and what is wrong with it', () => {
    expect(issuesOf(rabbitmq('^tenant-(.+'))).toEqual([
      {
        path: 'tenantRules.1.pattern',
        message: expect.stringMatching(
          /^not a valid regular expression: .*\^tenant-\(\.\+.*unterminated group/i,
        ),
      },
    ]);
  });

  it('refuses a pattern without a capture group for the tenant', () => {
    expect(issuesOf(rabbitmq('^tenant-.+$'))).toEqual([
      {
        path: 'tenantRules.1.pattern',
        message: expect.stringMatching(/^needs a capture group for the tenant/),
      },
    ]);
  });

  it('takes a capture group or a named group `tenant`, and an empty pattern is only "too short"', () => {
    expect(issuesOf(rabbitmq('^tenant-(.+)$'))).toEqual([]);
    expect(issuesOf(rabbitmq('^(?:t|tenant)-(?<tenant>.+)$'))).toEqual([]);
    expect(issuesOf(rabbitmq(''))).toEqual([
      { path: 'tenantRules.1.pattern', message: expect.stringMatching(/>=1 characters/) },
    ]);
  });

  it('every rule the schema accepts builds a RabbitMQ source', () => {
    for (const pattern of ['^tenant-(.+)$', '(?<tenant>[a-z]+)', '()x', '(a)|b']) {
      const parsed = sourceConfigSchema.parse(rabbitmq(pattern));
      if (parsed.kind !== 'rabbitmq') throw new Error('not a rabbitmq config');
      expect(() => new RabbitMqSource({ ...parsed, tenantRules: parsed.tenantRules })).not.toThrow();
    }
  });
});

describe('a bad tenant rule in profiles.json', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-source-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is reported as an invalid field of the file, like any other', async () => {
    const path = join(dir, 'profiles.json');
    const profile = { name: 'ops', flags: { kind: 'embedded' }, sources: [rabbitmq('^tenant-(.+')] };
    await writeFile(path, JSON.stringify({ active: 'ops', profiles: [profile] }));
    const read = await readJsonDataFile(path, profilesFileSchema);
    expect(read.state).toBe('invalid');
    if (read.state !== 'invalid') return;
    expect(read.error.where).toBe('profiles[0].sources[0].tenantRules[1].pattern');
    expect(read.error.message).toMatch(/: not a valid regular expression: /);
  });
});
