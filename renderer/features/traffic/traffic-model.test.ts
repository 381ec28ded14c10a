import { describe, expect, it } from 'vitest';
import { row, snapshot, tick } from './test-data';
import { SPARK_POINTS, TrafficModel } from './traffic-model';

const read = (m: TrafficModel, id: string) => {
  const out = new Float32Array(SPARK_POINTS);
  m.readSpark(m.slotOf(id), out);
  return Array.from(out);
};

describe('TrafficModel spark ring buffers', () => {
  it('initialises from the snapshot right-aligned, oldest first', () => {
    const m = new TrafficModel(4);
    m.applySnapshot(snapshot(tick(10, [row('a', 3)]), { a: [1, 2, 3] }));
    const s = read(m, 'a');
    expect(s.slice(-3)).toEqual([1, 2, 3]);
    expect(s.slice(0, SPARK_POINTS - 3).every(Number.isNaN)).toBe(true);
  });

  it('keeps only the newest 60 when the snapshot has more', () => {
    const m = new TrafficModel(4);
    const values = Array.from({ length: 70 }, (_, i) => i);
    m.applySnapshot(snapshot(tick(1, [row('a', 69)]), { a: values }));
    expect(read(m, 'a')).toEqual(values.slice(10));
  });

  it('appends one point per tick and wraps after 60', () => {
    const m = new TrafficModel(4);
    m.applySnapshot(snapshot(tick(0, [row('a', 0)]), { a: [0] }));
    for (let i = 1; i <= 75; i++) expect(m.applyTick(tick(i, [row('a', i)]))).toBe(true);
    expect(read(m, 'a')).toEqual(Array.from({ length: 60 }, (_, i) => i + 16));
    expect(m.rate[m.slotOf('a')]).toBe(75);
  });

  it('marks a gap (NaN) for a tenant missing from a tick and not present', () => {
    const m = new TrafficModel(4);
    m.applySnapshot(snapshot(tick(0, [row('a', 1), row('b', 1)]), { a: [1], b: [1] }));
    m.applyTick(tick(1, [row('a', 2)]));
    m.applyTick(tick(2, [row('a', 3), row('b', 5)]));
    expect(read(m, 'b').slice(-3)).toEqual([1, Number.NaN, 5]);
    m.applyTick(tick(3, [row('a', 3)]));
    expect(m.present[m.slotOf('b')]).toBe(0);
    expect(m.present[m.slotOf('a')]).toBe(1);
  });

  it('gives new tenants a slot, grows past capacity and keeps old slots and histories', () => {
    const m = new TrafficModel(2);
    m.applySnapshot(snapshot(tick(0, [row('a', 1)]), { a: [1] }));
    const a = m.slotOf('a');
    const many = Array.from({ length: 100 }, (_, i) => row(`t${i}`, i));
    m.applyTick(tick(1, [row('a', 2), ...many]));
    expect(m.size).toBe(101);
    expect(m.capacity).toBeGreaterThanOrEqual(101);
    expect(m.slotOf('a')).toBe(a);
    expect(read(m, 'a').slice(-2)).toEqual([1, 2]);
    expect(read(m, 't99').slice(-2)).toEqual([Number.NaN, 99]);
  });

  it('ignores ticks that are not newer', () => {
    const m = new TrafficModel();
    m.applySnapshot(snapshot(tick(5, [row('a', 1)])));
    expect(m.applyTick(tick(5, [row('a', 9)]))).toBe(false);
    expect(m.applyTick(tick(4, [row('a', 9)]))).toBe(false);
    expect(m.rate[m.slotOf('a')]).toBe(1);
  });

  it('stores status, publishing and missing limits', () => {
    const m = new TrafficModel();
    m.applySnapshot(
      snapshot(
        tick(1, [
          row('a', 1, { status: 'spike', publishing: false, why: '14× baseline' }),
          row('b', 1, { limit: 2 }),
        ]),
      ),
    );
    const a = m.slotOf('a');
    expect(m.statusOf(a)).toBe('spike');
    expect(m.publishing[a]).toBe(0);
    expect(m.why[a]).toBe('14× baseline');
    expect(Number.isNaN(m.limitUse[a]!)).toBe(true);
    expect(m.limitUse[m.slotOf('b')]).toBe(0.5);
  });

  it('clears a reason when its tenant is back to normal, and takes share from the tick total', () => {
    const m = new TrafficModel();
    m.applySnapshot(snapshot(tick(1, [row('a', 3, { status: 'spike', why: '14× baseline' }), row('b', 1)])));
    m.applyTick(tick(2, [row('a', 1), row('b', 3, { status: 'elevated', why: '3× baseline' })]));
    expect(m.why[m.slotOf('a')]).toBe('');
    expect(m.statusOf(m.slotOf('a'))).toBe('normal');
    expect(m.why[m.slotOf('b')]).toBe('3× baseline');
    expect(m.share[m.slotOf('b')]).toBe(0.75);
  });
});

describe('TrafficModel counts', () => {
  it("takes the tick's spiking and silent counts (silent absent = none)", () => {
    const m = new TrafficModel(4);
    m.applySnapshot(snapshot({ ...tick(1, [row('a', 0, { status: 'silent' })]), silent: 1 }));
    expect(m.silent).toBe(1);
    m.applyTick(tick(2, [row('a', 5)]));
    expect(m.silent).toBe(0);
  });
});
