import { describe, expect, it } from 'vitest';
import { row, snapshot, tick } from '../traffic/test-data';
import { TrafficModel } from '../traffic/traffic-model';
import { paletteResults } from './palette-items';
import { fuzzyMatch, rank } from './palette-match';

describe('fuzzyMatch', () => {
  it('matches subsequences and rejects missing letters', () => {
    expect(fuzzyMatch('acm', 'Acme Corp')).not.toBeNull();
    expect(fuzzyMatch('acz', 'Acme Corp')).toBeNull();
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, positions: [] });
  });

  it('accepts terms in any order', () => {
    expect(fuzzyMatch('acme off', 'Switch off publishing for acme')).not.toBeNull();
    expect(fuzzyMatch('off acme', 'Switch off publishing for acme')).not.toBeNull();
  });

  it('prefers whole words, word starts and contiguous runs', () => {
    const whole = fuzzyMatch('acme', 'acme')!.score;
    const prefix = fuzzyMatch('acme', 'acme-staging')!.score;
    const inside = fuzzyMatch('acme', 'tacmeo')!.score;
    const scattered = fuzzyMatch('acme', 'a cool metric eh')!.score;
    expect(whole).toBeGreaterThan(prefix);
    expect(prefix).toBeGreaterThan(inside);
    expect(inside).toBeGreaterThan(scattered);
  });

  it('reports matched positions for highlighting', () => {
    expect(fuzzyMatch('gx', 'globex')!.positions).toEqual([0, 5]);
  });
});

describe('rank', () => {
  it('returns the best items first, stable on ties, within the limit', () => {
    const items = ['initech', 'acme-staging', 'acme', 'tacmeo', 'zzz'];
    const out = rank('acme', items, (s) => s, 2).map((r) => r.item);
    expect(out).toEqual(['acme', 'acme-staging']);
  });
});

describe('relevance cut', () => {
  it('drops scattered matches when there is a real hit', () => {
    const items = [
      'Globex (globex)',
      'Switch off publishing for Hooli (hooli)',
      'Switch off publishing for Globex (globex)',
    ];
    expect(rank('glo', items, (s) => s, 10).map((r) => r.item)).toEqual([
      'Globex (globex)',
      'Switch off publishing for Globex (globex)',
    ]);
  });
});

describe('palette results', () => {
  const m = new TrafficModel();
  m.applySnapshot(
    snapshot(
      tick(1, [
        row('acme', 8400, { name: 'Acme Corp', status: 'spike' }),
        row('globex', 300, { name: 'Globex' }),
        row('initech', 0, { name: 'Initech', publishing: false, status: 'off' }),
        row('umbrella', 0, { name: 'Umbrella', status: 'silent' }),
        row('soylent', 90, { name: 'Soylent', status: 'over-limit', limit: 62 }),
      ]),
    ),
  );
  const ctx = { model: m, paused: false, theme: 'system' as const, readOnly: false, describe: () => '' };

  it('finds the Flags view by what it is for', () => {
    expect(paletteResults('everyone', ctx)[0]!.item.action).toEqual({ type: 'view', view: 'flags' });
  });

  it('jumps to a tenant by name', () => {
    expect(paletteResults('acme', ctx)[0]!.item.action).toEqual({ type: 'open-tenant', tenantId: 'acme' });
  });

  it('offers switching publishing off for a publishing tenant and on for a stopped one', () => {
    expect(paletteResults('off acme', ctx)[0]!.item.action).toEqual({
      type: 'flip',
      tenantId: 'acme',
      publish: false,
    });
    const initech = paletteResults('switch on initech', ctx)[0]!.item;
    expect(initech.action).toEqual({ type: 'flip', tenantId: 'initech', publish: true });
    expect(
      paletteResults('switch off initech', ctx).some(
        (r) => r.item.key === 'flip-initech' && r.item.label.includes('off'),
      ),
    ).toBe(false);
  });

  it('understands "stop <tenant>" and "resume <tenant>"', () => {
    // initech is already stopped: nothing offers to stop it again
    expect(
      paletteResults('stop initech', ctx).some(
        (r) => r.item.action.type === 'flip' && !r.item.action.publish,
      ),
    ).toBe(false);
    expect(paletteResults('stop acme', ctx)[0]!.item.action).toEqual({
      type: 'flip',
      tenantId: 'acme',
      publish: false,
    });
    expect(paletteResults('resume initech', ctx)[0]!.item.action).toEqual({
      type: 'flip',
      tenantId: 'initech',
      publish: true,
    });
  });

  it('finds the commands', () => {
    expect(paletteResults('audit', ctx)[0]!.item.action).toEqual({ type: 'view', view: 'audit' });
    expect(paletteResults('theme', ctx)[0]!.item.action).toEqual({ type: 'theme' });
    expect(paletteResults('pause', ctx)[0]!.item.action).toEqual({ type: 'pause', paused: true });
    expect(paletteResults('alerts', ctx)[0]!.item.action).toEqual({ type: 'alerts' });
    expect(paletteResults('profiles', ctx)[0]!.item.action).toEqual({ type: 'view', view: 'profiles' });
    expect(paletteResults('production', ctx)[0]!.item.action).toEqual({ type: 'view', view: 'profiles' });
  });

  it('with no query shows commands and the tenants that need attention, the most alarming first', () => {
    const keys = paletteResults('', ctx).map((r) => r.item.key);
    expect(keys).toContain('view-audit');
    expect(keys).toContain('flip-acme');
    expect(keys).not.toContain('open-globex');
    expect(keys).not.toContain('open-initech');
    expect(keys.filter((k) => k.startsWith('open-'))).toEqual(['open-acme', 'open-soylent', 'open-umbrella']);
  });

  it('offers no flip on a read-only profile, typed or not, but still finds the tenant', () => {
    const readOnly = { ...ctx, readOnly: true };
    for (const query of ['', 'stop acme', 'resume initech', 'switch off', 'acme']) {
      expect(paletteResults(query, readOnly).filter((r) => r.item.action.type === 'flip')).toEqual([]);
    }
    expect(paletteResults('acme', readOnly)[0]!.item.action).toEqual({
      type: 'open-tenant',
      tenantId: 'acme',
    });
    expect(paletteResults('', readOnly).map((r) => r.item.key)).toContain('open-acme');
  });
});
