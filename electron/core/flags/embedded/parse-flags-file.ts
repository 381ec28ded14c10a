import { errorText } from '../../errors/error-text';
import { DataFileError } from '../../storage/data-file-error';
import { compileSnapshot, type FlagSnapshot } from './flag-snapshot';
import { type FlagsDocument, flagsFileSchema } from './flags-file-schema';
import { findJsonSyntaxError } from './json-syntax-error';

const BOM = '\uFEFF';

/**
 * Text of flags.json → a ready snapshot, or a DataFileError that says where: "line 4, column 18"
 * for broken JSON, a field path such as "flags.publish-events.defaultVariant" for a schema problem.
 */
export function parseFlagsFile(path: string, text: string, loadedAt = Date.now()): FlagSnapshot {
  const document = validate(path, parseJson(path, text));
  return compileSnapshot(path, text, document, loadedAt);
}

function parseJson(path: string, text: string): unknown {
  // Editors on Windows may save a byte-order mark; it is not a reason to refuse the file.
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const problem = findJsonSyntaxError(body);
    if (problem)
      throw new DataFileError(
        path,
        `line ${problem.line}, column ${problem.column}`,
        `invalid JSON: ${problem.message}`,
      );
    throw new DataFileError(path, '(file)', `invalid JSON: ${errorText(error)}`);
  }
}

function validate(path: string, value: unknown): FlagsDocument {
  const parsed = flagsFileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [first, ...others] = parsed.error.issues;
  const where = first!.path.map(String).join('.') || '(root)';
  const more = others.length > 0 ? ` (and ${others.length} more problem${others.length > 1 ? 's' : ''})` : '';
  throw new DataFileError(path, where, `${first!.message}${more}`);
}
