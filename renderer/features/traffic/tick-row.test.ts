import { describe, expect, it } from 'vitest';
import { row, tick } from './test-data';
import { tickRow } from './tick-row';

describe('tickRow', () => {
  it('reads one tenant back from the columns, with share and limit use computed', () => {
    const t = tick(3, [
      row('acme', 300, { limit: 200, status: 'over-limit', why: '150% of limit', publishing: true }),
      row('globex', 100, { status: 'off', publishing: false, known: false }),
    ]);
    expect(tickRow(t, 'acme')).toMatchObject({
      id: 'acme',
      rate: 300,
      share: 0.75,
      limitUse: 1.5,
      status: 'over-limit',
      why: '150% of limit',
    });
    expect(tickRow(t, 'globex')).toMatchObject({
      share: 0.25,
      limitUse: null,
      status: 'off',
      why: '',
      publishing: false,
      known: false,
    });
    expect(tickRow(t, 'initech')).toBeNull();
  });
});
