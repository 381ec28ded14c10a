import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { errorText } from '../errors/error-text';
import { DataFileError } from './data-file-error';
import { parseJsonText } from './json-text';
import { fieldPath } from './zod-issue-text';

/** What reading one of our JSON data files gave: nothing yet, a valid value, or a reportable problem. */
export type DataFileRead<T> =
  | { state: 'missing' }
  | { state: 'ok'; value: T }
  | { state: 'invalid'; error: DataFileError };

/**
 * Read and validate a JSON file in the data directory. Never writes: a file that fails is reported
 * with its path and the first failing field, and the caller must leave it as it is.
 */
export async function readJsonDataFile<T>(path: string, schema: z.ZodType<T>): Promise<DataFileRead<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return invalid(path, 'file', `cannot be read: ${errorText(error)}`);
  }
  const json = parseJsonText(text);
  if (!json.ok) return invalid(path, json.where, `not valid JSON: ${json.problem}`);
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return { state: 'ok', value: parsed.data };
  const [first, ...rest] = parsed.error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
  return invalid(path, fieldPath(first!.path), `${first!.message}${more}`);
}

function invalid(path: string, where: string, problem: string): { state: 'invalid'; error: DataFileError } {
  return { state: 'invalid', error: new DataFileError(path, where, problem) };
}
