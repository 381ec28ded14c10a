import { describe, expect, it } from 'vitest';
import { appendNewSlots, computeOrder, countOutOfOrder, type SortKey, slotComparator } from './tenant-order';
import { row, snapshot, tick } from './test-data';
import { STATUS_SEVERITY, TrafficModel } from './traffic-model';
import {
  applySnapshot,
  applyTick,
  createTrafficStore,
  moveSelection,
  resort,
  setFilter,
  toggleSort,
} from './traffic-store';

function model(rows: ReturnType<typeof row>[]) {
  const m = new TrafficModel();
  m.applySnapshot(snapshot(tick(1, rows)));
  return m;
}
const ids = (m: TrafficModel, order: Int32Array) => Array.from(order, (s) => m.ids[s]);

describe('sorting and filtering', () => {
  const m = model([
    row('globex', 310, { name: 'Globex' }),
    row('acme', 8400, { name: 'Acme', status: 'spike' }),
    row('initech', 12, { name: 'Initech', status: 'off', limit: 400 }),
    row('hooli', 310, { name: 'Hooli', status: 'elevated', limit: 344 }),
    row('umbrella', 0, { name: 'Umbrella', status: 'silent' }),
  ]);

  it('sorts by rate descending with name as the tie-break', () => {
    expect(ids(m, computeOrder(m, { key: 'rate', dir: 'desc' }, ''))).toEqual([
      'acme',
      'globex',
      'hooli',
      'initech',
      'umbrella',
    ]);
    expect(ids(m, computeOrder(m, { key: 'rate', dir: 'asc' }, ''))).toEqual([
      'umbrella',
      'initech',
      'globex',
      'hooli',
      'acme',
    ]);
  });

  it('sorts by name and by status severity', () => {
    expect(ids(m, computeOrder(m, { key: 'name', dir: 'asc' }, ''))).toEqual([
      'acme',
      'globex',
      'hooli',
      'initech',
      'umbrella',
    ]);
    // a spike, then a tenant gone silent, then the milder elevated
    expect(ids(m, computeOrder(m, { key: 'status', dir: 'desc' }, ''))).toEqual([
      'acme',
      'umbrella',
      'hooli',
      'initech',
      'globex',
    ]);
  });

  it('puts tenants without a limit last in both directions', () => {
    expect(ids(m, computeOrder(m, { key: 'limitUse', dir: 'desc' }, ''))).toEqual([
      'hooli',
      'initech',
      'acme',
      'globex',
      'umbrella',
    ]);
    expect(ids(m, computeOrder(m, { key: 'limitUse', dir: 'asc' }, ''))).toEqual([
      'initech',
      'hooli',
      'acme',
      'globex',
      'umbrella',
    ]);
  });

  it('filters on name and id, every term must match', () => {
    expect(ids(m, computeOrder(m, { key: 'rate', dir: 'desc' }, 'O'))).toEqual(['globex', 'hooli']);
    expect(ids(m, computeOrder(m, { key: 'rate', dir: 'desc' }, 'glo bex'))).toEqual(['globex']);
    expect(ids(m, computeOrder(m, { key: 'rate', dir: 'desc' }, 'nothing'))).toEqual([]);
  });

  it('appends new tenants that match the filter without reordering', () => {
    const seen = m.size;
    const order = computeOrder(m, { key: 'rate', dir: 'desc' }, 'e');
    m.applyTick(tick(2, [row('zeta', 1), row('newco', 99999)]));
    const next = appendNewSlots(m, order, seen, 'e');
    expect(ids(m, next)).toEqual([...ids(m, order), 'zeta', 'newco']);
    expect(appendNewSlots(m, next, m.size, 'e')).toBe(next);
  });

  it('counts adjacent rows out of order in O(n)', () => {
    const mm = model([row('a', 3), row('b', 2), row('c', 1)]);
    const order = computeOrder(mm, { key: 'rate', dir: 'desc' }, '');
    expect(countOutOfOrder(mm, { key: 'rate', dir: 'desc' }, order)).toBe(0);
    mm.applyTick(tick(2, [row('a', 1), row('b', 2), row('c', 3)]));
    expect(countOutOfOrder(mm, { key: 'rate', dir: 'desc' }, order)).toBe(2);
  });
});

describe('the comparator with cached name ranks', () => {
  // The comparison as it was written before the name order was cached: collator on every call.
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  function reference(m: TrafficModel, key: SortKey, dir: 'asc' | 'desc', a: number, b: number): number {
    const sign = dir === 'asc' ? 1 : -1;
    const value = (s: number): number =>
      key === 'status'
        ? STATUS_SEVERITY[m.status[s]!]!
        : key === 'publishing'
          ? m.publishing[s]!
          : (m[key as 'rate'] as Float64Array)[s]!;
    if (key !== 'name') {
      const va = value(a);
      const vb = value(b);
      if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va) ? 1 : -1;
      if (!Number.isNaN(va) && va !== vb) return va < vb ? -sign : sign;
    }
    const byName = collator.compare(m.names[a]!, m.names[b]!);
    if (byName !== 0) return key === 'name' ? byName * sign : byName;
    return m.ids[a]! < m.ids[b]! ? -1 : m.ids[a]! > m.ids[b]! ? 1 : 0;
  }

  it('orders exactly like the collator-per-comparison version, ties and renames included', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const names = ['Acme', 'acme', 'Äcme', 'Globex', 'item 10', 'item 9', 'Item 9', 'zeta', 'Zeta'];
    const statuses = ['normal', 'elevated', 'spike', 'over-limit', 'off', 'silent'] as const;
    const rows = Array.from({ length: 120 }, (_, i) =>
      row(`t${i % 7}-${i}`, Math.floor(rand() * 4) * 10, {
        name: names[Math.floor(rand() * names.length)]!,
        status: statuses[Math.floor(rand() * statuses.length)]!,
        limit: rand() < 0.3 ? null : [10, 20, 40][Math.floor(rand() * 3)]!,
        publishing: rand() < 0.8,
      }),
    );
    const m = model(rows);
    const keys: SortKey[] = [
      'name',
      'rate',
      'baseline',
      'ratio',
      'share',
      'limitUse',
      'status',
      'publishing',
    ];
    const check = () => {
      for (const key of keys) {
        for (const dir of ['asc', 'desc'] as const) {
          const fast = slotComparator(m, { key, dir });
          for (let k = 0; k < 400; k++) {
            const a = Math.floor(rand() * m.size);
            const b = Math.floor(rand() * m.size);
            expect(Math.sign(fast(a, b)), `${key} ${dir} ${m.ids[a]} ${m.ids[b]}`).toBe(
              Math.sign(reference(m, key, dir, a, b)),
            );
          }
          const order = computeOrder(m, { key, dir }, '');
          const expected = Array.from(order).sort((a, b) => reference(m, key, dir, a, b));
          expect(Array.from(order)).toEqual(expected);
        }
      }
    };
    check();
    // a rename and a new tenant invalidate the cached name order
    m.applyTick(
      tick(2, [
        ...rows.slice(1),
        row(rows[0]!.id, 5, { name: 'aaa first' }),
        row('new', 1, { name: 'Acme' }),
      ]),
    );
    check();
  });
});

describe('traffic store: stable order between ticks', () => {
  function store() {
    const s = createTrafficStore();
    applySnapshot(s, snapshot(tick(1, [row('a', 300), row('b', 200), row('c', 100)])));
    return s;
  }
  const order = (s: ReturnType<typeof store>) => ids(s.getState().model, s.getState().order);

  it('keeps the row order when a tenant spikes, and says the order is stale', () => {
    const s = store();
    expect(order(s)).toEqual(['a', 'b', 'c']);
    applyTick(s, tick(2, [row('a', 300), row('b', 200), row('c', 9000, { status: 'spike' })]));
    expect(order(s)).toEqual(['a', 'b', 'c']);
    expect(s.getState().staleRows).toBe(1);
    expect(s.getState().model.statusOf(s.getState().model.slotOf('c'))).toBe('spike');
  });

  it('re-sorts only on an explicit action', () => {
    const s = store();
    applyTick(s, tick(2, [row('a', 300), row('b', 200), row('c', 9000)]));
    resort(s);
    expect(order(s)).toEqual(['c', 'a', 'b']);
    expect(s.getState().staleRows).toBe(0);
    toggleSort(s, 'rate');
    expect(order(s)).toEqual(['b', 'a', 'c']);
    toggleSort(s, 'name');
    expect(order(s)).toEqual(['a', 'b', 'c']);
    expect(s.getState().sort).toEqual({ key: 'name', dir: 'asc' });
  });

  it('appends tenants first seen in a tick at the end', () => {
    const s = store();
    applyTick(s, tick(2, [row('a', 300), row('b', 200), row('c', 100), row('big', 1e6)]));
    expect(order(s)).toEqual(['a', 'b', 'c', 'big']);
  });

  it('filters and moves the selection within the current order', () => {
    const s = store();
    expect(moveSelection(s, 1)).toBe(0);
    expect(s.getState().selectedId).toBe('a');
    moveSelection(s, 1);
    moveSelection(s, 1);
    moveSelection(s, 1);
    expect(s.getState().selectedId).toBe('c');
    moveSelection(s, -1);
    expect(s.getState().selectedId).toBe('b');
    setFilter(s, 'c');
    expect(order(s)).toEqual(['c']);
  });

  it('bumps seq once per tick and ignores ticks before the snapshot', () => {
    const s = createTrafficStore();
    applyTick(s, tick(1, [row('a', 1)]));
    expect(s.getState().seq).toBe(0);
    applySnapshot(s, snapshot(tick(1, [row('a', 1)])));
    const seq = s.getState().seq;
    applyTick(s, tick(2, [row('a', 2)]));
    expect(s.getState().seq).toBe(seq + 1);
  });
});
