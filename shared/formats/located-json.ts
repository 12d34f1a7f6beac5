// A strict JSON parser (RFC 8259) that remembers the line of every value, so that readers of
// JSON formats can report "file:line: expected ..." for syntax errors and for entries that
// parse but make no sense. JSON.parse gives neither reliably (V8's messages do not always
// carry a position). Nesting is capped so hostile input cannot exhaust the stack.

import { FormatError } from '../model/errors';

export type JsonNode =
  | { readonly kind: 'object'; readonly line: number; readonly members: readonly JsonMember[] }
  | { readonly kind: 'array'; readonly line: number; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly line: number; readonly value: string }
  | { readonly kind: 'number'; readonly line: number; readonly value: number; readonly raw: string }
  | { readonly kind: 'boolean'; readonly line: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly line: number };

export interface JsonMember {
  readonly key: string;
  readonly keyLine: number;
  readonly value: JsonNode;
}

export type JsonObject = Extract<JsonNode, { kind: 'object' }>;

const MAX_DEPTH = 64;
const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class JsonScanner {
  pos = 0;
  line = 1;

  constructor(
    readonly text: string,
    readonly file: string,
    readonly format: string,
  ) {}

  fail(expected: string, line = this.line): never {
    const found = this.pos >= this.text.length ? 'end of file' : (this.text.slice(this.pos, this.pos + 40).split(/\r\n|\r|\n/)[0] ?? '');
    throw new FormatError(this.file, line, expected, found, this.format);
  }

  skipSpace(): void {
    const t = this.text;
    let i = this.pos;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x0a) this.line++;
      else if (c === 0x0d) {
        if (t.charCodeAt(i + 1) !== 0x0a) this.line++;
      } else if (c !== 0x20 && c !== 0x09) break;
    }
    this.pos = i;
  }

  value(depth: number): JsonNode {
    this.skipSpace();
    const line = this.line;
    const c = this.text.charAt(this.pos);
    if (c === '{') return this.object(depth + 1, line);
    if (c === '[') return this.array(depth + 1, line);
    if (c === '"') return { kind: 'string', line, value: this.string() };
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_RE.lastIndex = this.pos;
      const m = NUMBER_RE.exec(this.text);
      if (!m) this.fail('a JSON number');
      this.pos += m[0].length;
      return { kind: 'number', line, value: Number(m[0]), raw: m[0] };
    }
    for (const [word, node] of [
      ['true', { kind: 'boolean', line, value: true }],
      ['false', { kind: 'boolean', line, value: false }],
      ['null', { kind: 'null', line }],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return node;
      }
    }
    return this.fail('a JSON value (object, array, string, number, true, false or null)');
  }

  string(): string {
    const t = this.text;
    let i = this.pos + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= t.length) this.fail('the closing " of a string');
      const c = t.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.pos = i;
        this.fail('a string without raw control characters or line breaks (use \\n)');
      }
      if (c === 0x5c) {
        out += t.slice(chunk, i);
        const e = t.charAt(i + 1);
        if (e === 'u') {
          const hex = t.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = i;
            this.fail('\\u and four hex digits');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e in ESCAPES) {
          out += ESCAPES[e];
          i += 2;
        } else {
          this.pos = i;
          this.fail('an escape such as \\" \\\\ \\n or \\u0041');
        }
        chunk = i;
        continue;
      }
      i++;
    }
    out += t.slice(chunk, i);
    this.pos = i + 1;
    return out;
  }

  object(depth: number, line: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} levels of nesting`);
    this.pos++; // {
    const members: JsonMember[] = [];
    this.skipSpace();
    if (this.text.charAt(this.pos) === '}') {
      this.pos++;
      return { kind: 'object', line, members };
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charAt(this.pos) !== '"') this.fail('a member name in double quotes');
      const keyLine = this.line;
      const key = this.string();
      this.skipSpace();
      if (this.text.charAt(this.pos) !== ':') this.fail(`':' after member name "${key}"`);
      this.pos++;
      members.push({ key, keyLine, value: this.value(depth) });
      this.skipSpace();
      const c = this.text.charAt(this.pos);
      this.pos++;
      if (c === '}') return { kind: 'object', line, members };
      if (c !== ',') {
        this.pos--;
        this.fail(`',' or '}' after the value of "${key}"`);
      }
    }
  }

  array(depth: number, line: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} levels of nesting`);
    this.pos++; // [
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text.charAt(this.pos) === ']') {
      this.pos++;
      return { kind: 'array', line, items };
    }
    for (;;) {
      items.push(this.value(depth));
      this.skipSpace();
      const c = this.text.charAt(this.pos);
      this.pos++;
      if (c === ']') return { kind: 'array', line, items };
      if (c !== ',') {
        this.pos--;
        this.fail("',' or ']' in an array");
      }
    }
  }
}

/** Parses one JSON document. Throws FormatError with the line of the first syntax error. */
export function parseLocatedJson(text: string, file: string, format: string): JsonNode {
  const s = new JsonScanner(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, format);
  s.skipSpace();
  if (s.pos >= s.text.length) throw new FormatError(file, 0, 'a JSON document', 'an empty file', format);
  const root = s.value(0);
  s.skipSpace();
  if (s.pos < s.text.length) s.fail('nothing after the end of the JSON document');
  return root;
}

/** The value of a member (the last one, as JSON.parse would take it). */
export function jsonMember(obj: JsonObject, key: string): JsonNode | undefined {
  for (let i = obj.members.length - 1; i >= 0; i--) if (obj.members[i]!.key === key) return obj.members[i]!.value;
  return undefined;
}
