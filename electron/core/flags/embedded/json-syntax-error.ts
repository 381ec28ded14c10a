/**
 * Finds where a JSON text stops being JSON, with a line and column a person can jump to.
 *
 * V8's JSON.parse messages differ between Node versions and some carry no position at all
 * ("Unexpected token '}', ... is not valid JSON"), so after JSON.parse fails we re-scan the text
 * with this small strict scanner. It only runs on the failure path, so speed does not matter.
 */
export interface JsonSyntaxProblem {
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units */
  column: number;
  message: string;
}

export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  const stop = new JsonScanner(text).run();
  return stop ? { ...lineAndColumn(text, stop.offset), message: stop.message } : null;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

class JsonScanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  run(): Stop | null {
    try {
      this.space();
      this.value();
      this.space();
      if (this.pos < this.text.length) this.fail(`unexpected ${this.found()} after the end of the document`);
      return null;
    } catch (error) {
      if (error instanceof Stop) return error;
      throw error;
    }
  }

  private value(): void {
    const c = this.text[this.pos];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else this.fail(`expected a value but found ${this.found()}`);
  }

  private object(): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.text[this.pos] !== '"')
        this.fail(`expected a double-quoted property name but found ${this.found()}`);
      this.string();
      this.space();
      if (this.text[this.pos] !== ':')
        this.fail(`expected ':' after the property name but found ${this.found()}`);
      this.pos++;
      this.space();
      this.value();
      this.space();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return;
      if (c !== ',') this.fail(`expected ',' or '}' but found ${this.found(-1)}`, -1);
      this.space();
    }
  }

  private array(): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return;
      if (c !== ',') this.fail(`expected ',' or ']' but found ${this.found(-1)}`, -1);
      this.space();
    }
  }

  private string(): void {
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') this.escape();
      else if (c.charCodeAt(0) < 0x20) this.fail('control character inside a string (write \\n or \\t)');
      else this.pos++;
    }
  }

  private escape(): void {
    const next = this.text[this.pos + 1];
    if (next === 'u' && HEX4.test(this.text.slice(this.pos + 2, this.pos + 6))) this.pos += 6;
    else if (next !== undefined && ESCAPES.has(next)) this.pos += 2;
    else this.fail('invalid escape sequence in a string');
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    if (!NUMBER.test(this.text)) this.fail('invalid number');
    this.pos = NUMBER.lastIndex;
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.pos)) this.fail(`invalid literal (did you mean ${word}?)`);
    this.pos += word.length;
  }

  private space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  private found(delta = 0): string {
    const c = this.text[this.pos + delta];
    return c === undefined ? 'the end of the file' : JSON.stringify(c);
  }

  private fail(message: string, delta = 0): never {
    throw new Stop(this.pos + delta, message);
  }
}
