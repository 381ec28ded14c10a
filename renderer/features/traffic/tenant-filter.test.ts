import { describe, expect, it } from 'vitest';
import { countMismatched, matches, parseFilter } from './tenant-filter';
import { computeOrder } from './tenant-order';
import { row, snapshot, tick } from './test-data';
import { TrafficModel } from './traffic-model';
import { applySnapshot, applyTick, createTrafficStore, resort, setFilter } from './traffic-store';

const rows = () => [
  row('acme', 8400, { name: 'Acme', status: 'spike' }),
  row('globex', 310, { name: 'Globex' }),
  row('hooli', 310, { name: 'Hooli', status: 'elevated' }),
  row('initech', 0, { name: 'Initech', status: 'off', publishing: false }),
  row('umbrella', 0, { name: 'Umbrella', status: 'silent' }),
  row('newco', 12, { name: 'newco', known: false }),
];

function model() {
  const m = new TrafficModel();
  m.applySnapshot(snapshot(tick(1, rows())));
  return m;
}

/** The ids a filter shows, in name order. */
const shown = (m: TrafficModel, text: string) =>
  Array.from(computeOrder(m, { key: 'name', dir: 'asc' }, text), (s) => m.ids[s]);

describe('tenant filter', () => {
  it('is: words pick statuses, any of them', () => {
    const m = model();
    expect(shown(m, 'is:spike')).toEqual(['acme']);
    expect(shown(m, 'is:spike is:silent')).toEqual(['acme', 'umbrella']);
    expect(shown(m, 'IS:Over is:off')).toEqual(['initech']);
  });

  it('-is: turns a word around: -is:normal is everyone with something to say', () => {
    const m = model();
    expect(shown(m, '-is:normal')).toEqual(['acme', 'hooli', 'initech', 'umbrella']);
    expect(shown(m, '-is:normal -is:off')).toEqual(['acme', 'hooli', 'umbrella']);
  });

  it('is:unknown is the tenants seen in traffic only; words still match name and id', () => {
    const m = model();
    expect(shown(m, 'is:unknown')).toEqual(['newco']);
    expect(shown(m, '-is:unknown is:normal')).toEqual(['globex']);
    expect(shown(m, 'l -is:normal')).toEqual(['hooli', 'umbrella']);
  });

  it('an is: word that names nothing matches nothing and is named for the hint', () => {
    const m = model();
    const filter = parseFilter('acme is:spiky');
    expect(filter.unrecognized).toEqual(['is:spiky']);
    expect(matches(m, m.slotOf('acme'), filter)).toBe(false);
    expect(parseFilter('is:spike -is:off is:unknown').unrecognized).toEqual([]);
  });

  it('a filter on statuses goes stale as statuses change; one on words does not', () => {
    const m = model();
    const order = computeOrder(m, { key: 'name', dir: 'asc' }, 'is:spike');
    m.applyTick(
      tick(2, [
        ...rows().slice(1),
        row('acme', 300, { name: 'Acme' }),
        row('hooli', 9000, { status: 'spike' }),
      ]),
    );
    // acme calmed down (shown, no longer matching), hooli spikes (matching, not shown)
    expect(countMismatched(m, order, parseFilter('is:spike'))).toBe(2);
    expect(countMismatched(m, order, parseFilter('acme'))).toBe(0);
  });
});

describe('traffic store with a filter on statuses', () => {
  it('keeps the rows between ticks, says they are stale, and re-sort applies the filter again', () => {
    const s = createTrafficStore();
    applySnapshot(s, snapshot(tick(1, rows())));
    setFilter(s, 'is:spike');
    const ids = () => Array.from(s.getState().order, (slot) => s.getState().model.ids[slot]);
    expect(ids()).toEqual(['acme']);
    applyTick(s, tick(2, [row('acme', 300, { name: 'Acme' }), row('hooli', 9000, { status: 'spike' })]));
    expect(ids()).toEqual(['acme']);
    expect(s.getState().staleRows).toBe(2);
    resort(s);
    expect(ids()).toEqual(['hooli']);
    expect(s.getState().staleRows).toBe(0);
  });
});
