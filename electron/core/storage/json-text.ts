import { errorText } from '../errors/error-text';
/** The result of parsing a data file's text: the value, or where it broke in terms an editor shows. */
export type JsonText = { ok: true; value: unknown } | { ok: false; where: string; problem: string };

/**
 * Parse JSON text. On failure the position V8 reports ("at position 27") is turned into
 * "line 3, column 5", because people fix data files in an editor, not with a byte counter.
 */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(withoutBom(text)) };
  } catch (error) {
    const message = errorText(error);
    return { ok: false, where: locate(withoutBom(text), message), problem: withoutPosition(message) };
  }
}

// Editors on Windows like to write a byte-order mark, which JSON.parse rejects.
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function locate(text: string, message: string): string {
  const match = /at position (\d+)/.exec(message);
  if (!match) return /end of JSON input/.test(message) ? 'end of file' : 'file';
  const offset = Number(match[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function withoutPosition(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/^Unexpected end of JSON input$/, 'unexpected end of file');
}
