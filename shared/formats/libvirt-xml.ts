// A small XML tokenizer for the flat, attribute-only files libvirt writes (cputestdata
// `cpudata`, and similar): elements with attributes, comments, an optional `<?xml ?>`
// declaration and DOCTYPE, whitespace between tags. No text content, no CDATA, no namespaces.
// It keeps the line of every token so a reader can say where a malformed element is.
// Attribute order, single or double quotes, whitespace and newlines inside tags, CRLF and the
// five predefined entities plus numeric character references are handled (XML 1.0 §2.3, §4.6).

import { FormatError } from '../model/errors';

export interface XmlStartTag {
  readonly kind: 'start';
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  /** `<x/>` */
  readonly selfClosing: boolean;
  readonly line: number;
}

export interface XmlEndTag {
  readonly kind: 'end';
  readonly name: string;
  readonly line: number;
}

export interface XmlComment {
  readonly kind: 'comment';
  readonly text: string;
  readonly line: number;
}

export type XmlToken = XmlStartTag | XmlEndTag | XmlComment;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a; // a-z A-Z _ :
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e; // 0-9 - .
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

class Scanner {
  pos = 0;
  line = 1;

  constructor(
    readonly text: string,
    readonly file: string,
    readonly format: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** Moves to `to`, counting line ends (LF, CRLF, lone CR) on the way. */
  moveTo(to: number): void {
    const t = this.text;
    for (let i = this.pos; i < to; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x0a || (c === 0x0d && t.charCodeAt(i + 1) !== 0x0a)) this.line++;
    }
    this.pos = to;
  }

  skipSpace(): void {
    let i = this.pos;
    while (i < this.text.length && isSpace(this.text.charCodeAt(i))) i++;
    this.moveTo(i);
  }

  fail(expected: string, line = this.line): never {
    const rest = this.text.slice(this.pos, this.pos + 60).split(/\r\n|\r|\n/)[0] ?? '';
    throw new FormatError(this.file, line, expected, this.done ? 'end of file' : rest, this.format);
  }

  name(what: string): string {
    const start = this.pos;
    if (!isNameStart(this.text.charCodeAt(start))) this.fail(what);
    let i = start + 1;
    while (i < this.text.length && isNameChar(this.text.charCodeAt(i))) i++;
    this.pos = i; // names hold no line ends
    return this.text.slice(start, i);
  }

  /** Skips to just after `end`; fails (at the line where the construct began) if it never comes. */
  skipPast(end: string, what: string, startLine: number): string {
    const at = this.text.indexOf(end, this.pos);
    if (at < 0) this.fail(what, startLine);
    const body = this.text.slice(this.pos, at);
    this.moveTo(at + end.length);
    return body;
  }
}

function decodeEntities(raw: string, s: Scanner, line: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,10});?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) s.fail("an entity such as '&amp;' ending with ';' in an attribute value", line);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const code = /^#x([0-9a-fA-F]{1,6})$/.exec(ref) ? parseInt(ref.slice(2), 16) : /^#([0-9]{1,7})$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
    if (!(code >= 1 && code <= 0x10ffff)) s.fail("a known entity (&amp; &lt; &gt; &quot; &apos; or &#N;)", line);
    return String.fromCodePoint(code);
  });
}

function startTag(s: Scanner): XmlStartTag {
  const line = s.line;
  s.moveTo(s.pos + 1); // '<'
  const name = s.name('an element name after <');
  const attrs = new Map<string, string>();
  for (;;) {
    const before = s.pos;
    s.skipSpace();
    if (s.startsWith('/>')) {
      s.moveTo(s.pos + 2);
      return { kind: 'start', name, attrs, selfClosing: true, line };
    }
    if (s.peek() === '>') {
      s.moveTo(s.pos + 1);
      return { kind: 'start', name, attrs, selfClosing: false, line };
    }
    if (s.done) s.fail(`'>' or '/>' closing <${name}>`, line);
    if (s.pos === before) s.fail(`whitespace between attributes of <${name}>`);
    const attrLine = s.line;
    const attr = s.name(`an attribute name, '>' or '/>' in <${name}>`);
    s.skipSpace();
    if (s.peek() !== '=') s.fail(`'=' after attribute ${attr} of <${name}>`);
    s.moveTo(s.pos + 1);
    s.skipSpace();
    const quote = s.peek();
    if (quote !== "'" && quote !== '"') s.fail(`a quoted value for attribute ${attr} of <${name}>`);
    s.moveTo(s.pos + 1);
    const end = s.text.indexOf(quote, s.pos);
    const raw = end < 0 ? '' : s.text.slice(s.pos, end);
    if (end < 0 || raw.includes('<')) s.fail(`the closing ${quote} of attribute ${attr} of <${name}>`, attrLine);
    s.moveTo(end + 1);
    if (attrs.has(attr)) s.fail(`attribute ${attr} only once in <${name}>`, attrLine);
    attrs.set(attr, decodeEntities(raw, s, attrLine));
  }
}

/** Splits the text into tags and comments. Throws FormatError (with the line) on malformed markup. */
export function tokenizeXml(text: string, file: string, format: string): XmlToken[] {
  const s = new Scanner(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, format);
  const out: XmlToken[] = [];
  for (;;) {
    s.skipSpace();
    if (s.done) return out;
    const line = s.line;
    if (s.peek() !== '<') s.fail('only elements and comments (no text between tags)');
    if (s.startsWith('<!--')) {
      s.moveTo(s.pos + 4);
      out.push({ kind: 'comment', text: s.skipPast('-->', "a comment closed by '-->'", line), line });
    } else if (s.startsWith('<?')) {
      s.skipPast('?>', "a processing instruction closed by '?>'", line);
    } else if (s.startsWith('<!DOCTYPE') || s.startsWith('<!doctype')) {
      s.skipPast('>', "a DOCTYPE closed by '>'", line);
    } else if (s.startsWith('</')) {
      s.moveTo(s.pos + 2);
      const name = s.name("an element name after '</'");
      s.skipSpace();
      if (s.peek() !== '>') s.fail(`'>' closing </${name}>`);
      s.moveTo(s.pos + 1);
      out.push({ kind: 'end', name, line });
    } else {
      out.push(startTag(s));
    }
  }
}
