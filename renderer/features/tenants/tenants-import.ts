/**
 * "Import tenants…": read a .csv or .json file the operator picked and hand its text to
 * `tenants.import`. The core validates everything and either upserts every row or changes nothing;
 * this module only picks the format, checks the size the contract accepts, and turns the answer (or
 * the error with its per-row issues) into what the toolbar shows.
 */
import type { SwitchboardClient } from '../../../electron/core/api';
import { CallError, errorText } from '../../client/client';

/** `tenants.import` takes at most this many characters of content (the contract's schema). */
export const MAX_IMPORT_CHARS = 10_000_000;

export type ImportFormat = 'csv' | 'json';

export type ImportOutcome =
  | { ok: true; file: string; imported: number; total: number }
  | { ok: false; file: string; message: string; issues: string[] };

/** What the picker hands over: a File, or anything with the same three members (tests). */
export interface PickedFile {
  name: string;
  type: string;
  text(): Promise<string>;
}

/** By extension, then MIME type, then the first character of the content (`[` or `{` = JSON). */
export function importFormat(name: string, type: string, content: string): ImportFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  if (/json/i.test(type)) return 'json';
  if (/csv/i.test(type)) return 'csv';
  const first = content.trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

export async function importTenantsFile(client: SwitchboardClient, file: PickedFile): Promise<ImportOutcome> {
  let content: string;
  try {
    content = await file.text();
  } catch (error) {
    return {
      ok: false,
      file: file.name,
      message: `could not read ${file.name}: ${errorText(error)}`,
      issues: [],
    };
  }
  if (content.length > MAX_IMPORT_CHARS) {
    return {
      ok: false,
      file: file.name,
      message: `${file.name} is too large to import (${(content.length / 1e6).toFixed(1)} MB; the limit is 10 MB)`,
      issues: [],
    };
  }
  if (content.trim() === '') {
    return { ok: false, file: file.name, message: `${file.name} is empty`, issues: [] };
  }
  const format = importFormat(file.name, file.type, content);
  try {
    const { imported, total } = await client.call('tenants.import', { format, content });
    return { ok: true, file: file.name, imported, total };
  } catch (error) {
    // The issues are listed one per line; the message then need not repeat them.
    const issues = error instanceof CallError ? (error.issues ?? []) : [];
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, file: file.name, message, issues };
  }
}
