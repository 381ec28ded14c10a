import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileError } from '../../storage/data-file-error';
import { defaultFlagsDocument, serializeFlagsDocument } from './default-flags';
import { FlagStore, type FlagsChange } from './flag-store';
import type { FlagsDocument } from './flags-file-schema';

let dir: string;
let path: string;
const stores: FlagStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-flag-store-'));
  path = join(dir, 'flags.json');
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

async function open(watch = false): Promise<FlagStore> {
  const store = await FlagStore.open({ dataDir: dir, watch, watchDebounceMs: 20 });
  stores.push(store);
  return store;
}

function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  timeoutMs = 3_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event within the timeout')), timeoutMs);
    const off = subscribe((value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

const withDefault = (document: FlagsDocument, flagKey: string, defaultVariant: string): FlagsDocument => {
  const next = structuredClone(document);
  next.flags[flagKey]!.defaultVariant = defaultVariant;
  return next;
};

describe('FlagStore: loading', () => {
  it('creates flags.json with the defaults when it is missing', async () => {
    const store = await open();
    const written = JSON.parse(await readFile(path, 'utf8'));
    expect(written.$schema).toBe('https://flagd.dev/schema/v0/flags.json');
    expect(written.flags['publish-events']).toEqual({
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      metadata: { kind: 'kill-switch', description: 'Tenant may publish events (false = stop publishing)' },
    });
    expect([...store.snapshot().flags.keys()]).toEqual(['publish-events', 'new-dashboard', 'export-format']);
    expect(store.snapshot().flags.get('export-format')!.info).toMatchObject({
      kind: 'release',
      valueType: 'string',
      variants: { csv: 'csv', parquet: 'parquet' },
      defaultVariant: 'csv',
    });
    expect(store.error).toBeNull();
  });

  it('loads an existing file and keeps fields it does not know', async () => {
    const document = { ...defaultFlagsDocument(), $evaluators: { x: { '==': [1, 1] } }, owner: 'team-a' };
    await writeFile(path, JSON.stringify(document));
    const store = await open();
    expect(store.snapshot().document).toMatchObject({
      owner: 'team-a',
      $evaluators: { x: { '==': [1, 1] } },
    });
  });

  it('reports a JSON syntax error with its line and column', async () => {
    await writeFile(path, '{\n  "flags": {\n    "publish-events": {\n      "state": "ENABLED",,\n');
    const store = await open();
    expect(store.error).toBeInstanceOf(DataFileError);
    expect(store.error!.where).toBe('line 4, column 26');
    expect(store.error!.message).toBe(
      `${path}: line 4, column 26: invalid JSON: expected a double-quoted property name but found ","`,
    );
    expect(store.snapshot().flags.size).toBe(0);
  });

  it('reports a schema error with the field path', async () => {
    await writeFile(
      path,
      serializeFlagsDocument(withDefault(defaultFlagsDocument(), 'publish-events', 'maybe')),
    );
    const store = await open();
    expect(store.error!.where).toBe('flags.publish-events.defaultVariant');
    expect(store.error!.message).toBe(
      `${path}: flags.publish-events.defaultVariant: not one of the variants`,
    );
  });

  it.each([
    [{ flags: { k: { state: 'ON', variants: { a: true }, defaultVariant: 'a' } } }, 'flags.k.state'],
    [
      { flags: { k: { state: 'ENABLED', variants: { a: true, b: 'x' }, defaultVariant: 'a' } } },
      'flags.k.variants',
    ],
    [{ flags: { k: { state: 'ENABLED', variants: {}, defaultVariant: 'a' } } }, 'flags.k.variants'],
    [
      {
        flags: {
          k: { state: 'ENABLED', variants: { a: true }, defaultVariant: 'a', metadata: { kind: 'x' } },
        },
      },
      'flags.k.metadata.kind',
    ],
    [
      { flags: { 'bad key!': { state: 'ENABLED', variants: { a: true }, defaultVariant: 'a' } } },
      'flags.bad key!',
    ],
    [
      {
        flags: {
          k: { state: 'ENABLED', variants: { a: true }, defaultVariant: 'a', targeting: { nope: [1] } },
        },
      },
      'flags.k.targeting',
    ],
    [{ flag: {} }, 'flags'],
  ])('names the field of a schema problem (%#)', async (document, where) => {
    await writeFile(path, JSON.stringify(document));
    const store = await open();
    expect(store.error?.where).toBe(where);
  });
});

describe('FlagStore: a corrupt file is never overwritten', () => {
  it('refuses writes with a clear error and leaves the bytes untouched', async () => {
    const corrupt = '{ "flags": { "publish-events": { "state": "ENABLED" ';
    await writeFile(path, corrupt);
    const store = await open();
    const mutate = () => structuredClone(defaultFlagsDocument());
    await expect(store.update(mutate)).rejects.toThrow(/changes are refused until it is fixed/);
    await expect(store.update(mutate)).rejects.toBeInstanceOf(DataFileError);
    expect(await readFile(path, 'utf8')).toBe(corrupt);
  });

  it('keeps serving the last good state when an external edit breaks the file, and recovers', async () => {
    const store = await open(true);
    const good = store.snapshot();
    const reported = nextEvent<DataFileError | null>((l) => store.onError(l));
    const broken = serializeFlagsDocument(withDefault(good.document, 'new-dashboard', 'maybe'));
    await writeFile(path, broken);
    expect((await reported)?.where).toBe('flags.new-dashboard.defaultVariant');
    expect(store.snapshot()).toBe(good);
    await expect(store.update((s) => s.document)).rejects.toThrow(/new-dashboard\.defaultVariant/);
    expect(await readFile(path, 'utf8')).toBe(broken);

    const fixed = nextEvent<DataFileError | null>((l) => store.onError(l));
    await writeFile(path, good.text);
    expect(await fixed).toBeNull();
    expect(store.error).toBeNull();
  });

  it('refuses a change that would make the file invalid, before writing it', async () => {
    const store = await open();
    const before = await readFile(path, 'utf8');
    await expect(
      store.update((s) => withDefault(s.document, 'publish-events', 'nope')),
    ).rejects.toBeInstanceOf(DataFileError);
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});

describe('FlagStore: writes', () => {
  it('writes atomically (a new file renamed over the old one, no temporary left) and changes the etag', async () => {
    const store = await open();
    const before = store.snapshot();
    const inodeBefore = (await stat(path)).ino;
    const changes: FlagsChange[] = [];
    store.onChange((change) => changes.push(change));
    const after = await store.update((s) => withDefault(s.document, 'new-dashboard', 'on'));
    expect((await stat(path)).ino).not.toBe(inodeBefore);
    expect(await readdir(dir)).toEqual(['flags.json']);
    expect(JSON.parse(await readFile(path, 'utf8')).flags['new-dashboard'].defaultVariant).toBe('on');
    expect(after.etag).not.toBe(before.etag);
    expect(store.snapshot()).toBe(after);
    expect(changes).toEqual([{ flagKeys: ['new-dashboard'], etag: after.etag }]);
  });

  it('does not write when the change is empty', async () => {
    const store = await open();
    const inode = (await stat(path)).ino;
    const same = await store.update(() => null);
    expect(same).toBe(store.snapshot());
    expect((await stat(path)).ino).toBe(inode);
  });

  it('builds on the file as it is on disk, not on a stale copy', async () => {
    const store = await open(false);
    await writeFile(
      path,
      serializeFlagsDocument(withDefault(store.snapshot().document, 'export-format', 'parquet')),
    );
    await store.update((s) => withDefault(s.document, 'new-dashboard', 'on'));
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk.flags['export-format'].defaultVariant).toBe('parquet');
    expect(onDisk.flags['new-dashboard'].defaultVariant).toBe('on');
  });

  it('serializes concurrent updates so none is lost', async () => {
    const store = await open();
    const keys = ['publish-events', 'new-dashboard'];
    await Promise.all(
      keys.map((key) =>
        store.update((s) => {
          const next = structuredClone(s.document);
          next.flags[key]!.metadata = { ...next.flags[key]!.metadata, owner: 'ops' };
          return next;
        }),
      ),
    );
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    for (const key of keys) expect(onDisk.flags[key].metadata.owner).toBe('ops');
  });
});

describe('FlagStore: watching', () => {
  it('reloads an external edit and reports which flags changed', async () => {
    const store = await open(true);
    const changed = nextEvent<FlagsChange>((l) => store.onChange(l));
    const edited = withDefault(store.snapshot().document, 'export-format', 'parquet');
    await writeFile(path, serializeFlagsDocument(edited));
    const change = await changed;
    expect(change.flagKeys).toEqual(['export-format']);
    expect(change.etag).toBe(store.snapshot().etag);
    expect(store.snapshot().flags.get('export-format')!.info.defaultVariant).toBe('parquet');
  });

  it('does not report its own writes twice', async () => {
    const store = await open(true);
    const changes: FlagsChange[] = [];
    store.onChange((change) => changes.push(change));
    await store.update((s) => withDefault(s.document, 'new-dashboard', 'on'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes).toHaveLength(1);
  });
});
