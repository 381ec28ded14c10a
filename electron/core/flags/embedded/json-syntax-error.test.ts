import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax-error';

describe('findJsonSyntaxError', () => {
  it('points at the token where the JSON breaks, as line and column', () => {
    const text = '{\n  "flags": {\n    "a": 1\n    "b": 2\n  }\n}';
    expect(findJsonSyntaxError(text)).toEqual({
      line: 4,
      column: 5,
      message: `expected ',' or '}' but found "\\""`,
    });
  });

  it('reports a trailing comma at the closing brace', () => {
    expect(findJsonSyntaxError('{"a": 1,\n}')).toMatchObject({ line: 2, column: 1 });
  });

  it('reports a truncated file at its end', () => {
    expect(findJsonSyntaxError('{\n  "a": [1, 2')).toMatchObject({ line: 2, column: 13 });
    expect(findJsonSyntaxError('')).toMatchObject({
      line: 1,
      column: 1,
      message: 'expected a value but found the end of the file',
    });
  });

  it('reports a misspelt literal where it starts (V8 gives no position for this one)', () => {
    expect(findJsonSyntaxError('{"a": tru}')).toMatchObject({ line: 1, column: 7 });
  });

  it('agrees with JSON.parse on what is and is not JSON', () => {
    const samples = [
      '{}',
      '[]',
      '"x"',
      '1',
      '-0.5e+3',
      'true',
      'null',
      ' {"a":[1,{"b":null}]} ',
      '{"a":"\\u00e9\\n"}',
      '{',
      '{"a"}',
      '{"a":}',
      '[1,]',
      '01',
      '1.',
      '-',
      '"\\x"',
      '"a\nb"',
      '{"a":1}}',
      "{'a':1}",
      'nul',
      '[1 2]',
    ];
    for (const sample of samples) {
      let valid = true;
      try {
        JSON.parse(sample);
      } catch {
        valid = false;
      }
      expect(findJsonSyntaxError(sample) === null, sample).toBe(valid);
    }
  });
});

describe('lineAndColumn', () => {
  it('counts lines from 1 and columns from 1 after the last newline', () => {
    expect(lineAndColumn('ab\ncd\r\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\r\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\r\nef', 8)).toEqual({ line: 3, column: 2 });
  });
});
