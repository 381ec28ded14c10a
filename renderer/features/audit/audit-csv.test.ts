import { describe, expect, it } from 'vitest';
import { killSwitchEntry } from '../../../electron/core/actions/testing/audit-entry';
import { AUDIT_CSV_COLUMNS, auditCsv, auditCsvFileName, csvCell } from './audit-csv';
import type { TimelineRow } from './audit-timeline';

const name = (provider: string) => (provider === 'unleash' ? 'Unleash' : provider);

describe('audit CSV', () => {
  it('writes one row per change, ours and the provider’s, under a header', () => {
    const rows: TimelineRow[] = [
      {
        source: 'switchboard',
        key: 'a1',
        at: 0,
        records: [],
        entry: killSwitchEntry({
          at: '2026-01-01T14:03:00.000Z',
          outcome: 'applied',
          reason: 'INC-7: acme flood, broker at 90%',
          timeboxMs: 15 * 60_000,
          revertAt: '2026-01-01T14:18:00.000Z',
          effect: { before: 8400, after: 0, ms: 775, settled: true },
        }),
      },
      {
        source: 'provider',
        key: 'u1',
        at: 0,
        tenantId: 'globex',
        event: {
          id: '42',
          at: '2026-01-01T13:00:00.000Z',
          provider: 'unleash',
          actor: 'admin',
          flagKey: 'new-dashboard',
          summary: 'updated strategy constraints',
          comment: null,
        },
      },
    ];
    const lines = auditCsv(rows, name).split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      '2026-01-01T14:03:00.000Z,Switchboard,oncall,set-tenant-flag,publish-events,acme,false,true,' +
        'publish-events → false for acme,"INC-7: acme flood, broker at 90%",applied,,15,2026-01-01T14:18:00.000Z,8400,0,775,a1',
    );
    expect(lines[2]).toBe(
      '2026-01-01T13:00:00.000Z,Unleash,admin,provider-event,new-dashboard,globex,,,updated strategy constraints,,,,,,,,,42',
    );
    expect(lines[3]).toBe(''); // ends with a line break
  });

  it('quotes what needs quoting and never hands a spreadsheet a formula', () => {
    expect(csvCell('say "stop"')).toBe('"say ""stop"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1 555')).toBe("'+1 555");
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(false)).toBe('false');
  });

  it('names the file after the profile and the moment', () => {
    expect(auditCsvFileName('prod eu/1', new Date(2026, 0, 2, 3, 4))).toBe(
      'switchboard-audit-prod-eu-1-20260102-0304.csv',
    );
    expect(auditCsvFileName(null, new Date(2026, 10, 26, 23, 59))).toBe(
      'switchboard-audit-console-20261126-2359.csv',
    );
  });
});
