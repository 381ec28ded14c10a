import { CsvError, parse } from 'csv-parse/sync';
import { issueTexts } from '../storage/zod-issue-text';
import type { TenantImportParse } from './tenant-import-result';
import { tenantRecordSchema } from './tenant-record';

const COLUMNS = ['id', 'name', 'plan', 'limit'] as const;
type Column = (typeof COLUMNS)[number];
type Row = { record: string[]; info: { lines: number } };

/**
 * Parse a CSV tenant import with the header `id,name,plan,limit` (any order; plan and limit may be
 * left out). Problems name the data row and the line, so they can be found in a spreadsheet or an editor.
 */
export function parseTenantCsv(content: string): TenantImportParse {
  let rows: Row[];
  try {
    // With `info: true` each record comes wrapped with its position; the typings do not model that.
    rows = parse(content, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as Row[];
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, issues: [`line ${error.lines}: ${error.message}`] };
    throw error;
  }
  const [header, ...data] = rows;
  if (!header)
    return { ok: false, issues: ['the CSV is empty: expected a header line "id,name,plan,limit"'] };
  const columns = headerColumns(header.record);
  if (!Array.isArray(columns)) return { ok: false, issues: [columns.problem] };
  return recordsFrom(data, columns);
}

function headerColumns(names: string[]): Column[] | { problem: string } {
  const lower = names.map((name) => name.toLowerCase());
  const unknown = lower.filter((name) => !(COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0)
    return { problem: `line 1: unknown column(s) ${unknown.join(', ')}; expected ${COLUMNS.join(',')}` };
  if (!lower.includes('id') || !lower.includes('name'))
    return { problem: 'line 1: the header needs at least id and name' };
  return lower as Column[];
}

function recordsFrom(data: Row[], columns: Column[]): TenantImportParse {
  const issues: string[] = [];
  const records = [];
  const seen = new Map<string, number>();
  for (const [index, row] of data.entries()) {
    const where = `row ${index + 1} (line ${row.info.lines})`;
    if (row.record.length !== columns.length) {
      issues.push(`${where}: expected ${columns.length} values, found ${row.record.length}`);
      continue;
    }
    const parsed = tenantRecordSchema.safeParse(rowObject(row.record, columns));
    if (!parsed.success) {
      issues.push(...issueTexts(parsed.error).map((text) => `${where}: ${text}`));
      continue;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined)
      issues.push(`${where}: id: duplicate id "${parsed.data.id}" (first in row ${first})`);
    else seen.set(parsed.data.id, index + 1);
    records.push(parsed.data);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, records };
}

// CSV has only text: an empty cell means "none", and the limit must read as a number.
function rowObject(values: string[], columns: Column[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const value = values[i] ?? '';
    if (column === 'limit') row.limit = value === '' ? null : Number(value);
    else if (column === 'plan') row.plan = value === '' ? null : value;
    else row[column] = value;
  });
  return row;
}
