import { describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY, takeToken } from './token';

function env(hash: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  return {
    replaced,
    storage,
    env: {
      location: { hash, pathname: '/', search: '?x=1' },
      history: {
        state: null,
        replaceState: (_s: unknown, _t: string, url?: string | URL | null) => replaced.push(String(url)),
      },
      storage: {
        getItem: (k: string) => storage.get(k) ?? null,
        setItem: (k: string, v: string) => void storage.set(k, v),
      },
    },
  };
}

describe('takeToken', () => {
  it('takes the token from the hash, removes it from the address bar and keeps it for reloads', () => {
    const e = env('#token=s3cr3t');
    expect(takeToken(e.env)).toBe('s3cr3t');
    expect(e.replaced).toEqual(['/?x=1']);
    expect(e.storage.get(TOKEN_STORAGE_KEY)).toBe('s3cr3t');
  });

  it('keeps other hash parameters', () => {
    const e = env('#view=audit&token=t1');
    expect(takeToken(e.env)).toBe('t1');
    expect(e.replaced).toEqual(['/?x=1#view=audit']);
  });

  it('falls back to the session copy after a reload, without touching history', () => {
    const e = env('', { [TOKEN_STORAGE_KEY]: 'kept' });
    expect(takeToken(e.env)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });

  it('a new token in the link replaces the stored one', () => {
    const e = env('#token=new', { [TOKEN_STORAGE_KEY]: 'old' });
    expect(takeToken(e.env)).toBe('new');
    expect(e.storage.get(TOKEN_STORAGE_KEY)).toBe('new');
  });

  it('returns null when there is none, and survives storage that throws', () => {
    expect(takeToken(env('').env)).toBeNull();
    const e = env('#token=abc');
    e.env.storage.setItem = () => {
      throw new Error('denied');
    };
    expect(takeToken(e.env)).toBe('abc');
    expect(e.replaced).toEqual(['/?x=1']);
  });
});
