/**
 * The audit timeline as CSV, for the incident's write-up: one row per change, Switchboard's and the
 * flag provider's alike, newest first, in UTC. RFC 4180 quoting; a text cell that a spreadsheet
 * would run as a formula (=, +, -, @ first) is prefixed with ' — a reason typed in the console must
 * not become a formula in someone's Excel.
 */
import type { AuditEntry } from '../../../electron/core/api';
import type { TimelineRow } from './audit-timeline';

export const AUDIT_CSV_COLUMNS = [
  'when',
  'source',
  'who',
  'action',
  'flag',
  'tenant',
  'value',
  'previous',
  'what',
  'why',
  'outcome',
  'error',
  'time_box_min',
  'reverts_at',
  'rate_before',
  'rate_after',
  'effect_ms',
  'id',
] as const;

type Cell = string | number | boolean | null | undefined;

export function auditCsv(rows: readonly TimelineRow[], sourceName: (provider: string) => string): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const cells = row.source === 'switchboard' ? entryCells(row.entry) : providerCells(row, sourceName);
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function entryCells(e: AuditEntry): Cell[] {
  const everyone = e.tenantId === null;
  return [
    e.at,
    'Switchboard',
    e.actor,
    e.action,
    e.flagKey,
    e.tenantId ?? 'everyone',
    e.value,
    e.previous,
    `${e.flagKey} → ${String(e.value)} for ${everyone ? 'everyone' : e.tenantId}`,
    e.reason,
    e.outcome,
    e.error,
    e.timeboxMs === null ? null : e.timeboxMs / 60_000,
    e.revertAt,
    e.effect?.before,
    e.effect?.after,
    e.effect?.ms,
    e.id,
  ];
}

function providerCells(
  row: Extract<TimelineRow, { source: 'provider' }>,
  sourceName: (provider: string) => string,
): Cell[] {
  const { event } = row;
  return [
    event.at,
    sourceName(event.provider),
    event.actor,
    'provider-event',
    event.flagKey,
    row.tenantId,
    null,
    null,
    event.summary,
    event.comment,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    event.id,
  ];
}

const NUMBER = /^-?\d+(\.\d+)?$/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** "switchboard-audit-production-20260101-1403.csv" (local time: the name is for the person saving it). */
export function auditCsvFileName(profile: string | null, at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}`;
  const name = (profile ?? 'console').replace(/[^A-Za-z0-9_-]+/g, '-');
  return `switchboard-audit-${name}-${stamp}.csv`;
}
