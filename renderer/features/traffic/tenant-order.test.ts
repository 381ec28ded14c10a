import { describe, expect, it } from 'vitest';
import { appendNewSlots, computeOrder, countOutOfOrder } from './tenant-order';
import { row, snapshot, tick } from './test-data';
import { TrafficModel } from './traffic-model';
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
    row('initech', 12, { name: 'Initech', status: 'off', limitUse: 0.03 }),
    row('hooli', 310, { name: 'Hooli', status: 'elevated', limitUse: 0.9 }),
  ]);

  it('sorts by rate descending with name as the tie-break', () => {
    expect(ids(m, computeOrder(m, { key: 'rate', dir: 'desc' }, ''))).toEqual([
      'acme',
      'globex',
      'hooli',
      'initech',
    ]);
    expect(ids(m, computeOrder(m, { key: 'rate', dir: 'asc' }, ''))).toEqual([
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
    ]);
    expect(ids(m, computeOrder(m, { key: 'status', dir: 'desc' }, ''))).toEqual([
      'acme',
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
    ]);
    expect(ids(m, computeOrder(m, { key: 'limitUse', dir: 'asc' }, ''))).toEqual([
      'initech',
      'hooli',
      'acme',
      'globex',
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
    expect(s.getState().outOfOrder).toBe(1);
    expect(s.getState().model.statusOf(s.getState().model.slotOf('c'))).toBe('spike');
  });

  it('re-sorts only on an explicit action', () => {
    const s = store();
    applyTick(s, tick(2, [row('a', 300), row('b', 200), row('c', 9000)]));
    resort(s);
    expect(order(s)).toEqual(['c', 'a', 'b']);
    expect(s.getState().outOfOrder).toBe(0);
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
