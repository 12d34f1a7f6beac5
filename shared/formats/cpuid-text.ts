// Line scanning shared by the text CPUID readers (cpuid -r, AIDA64, libcpuid, kcpuid).
// Dumps run to a megabyte (the InstLatx64 Emerald Rapids dump: 906 KB, 20 068 lines) and
// must parse in a few milliseconds, so the readers walk the text with indexOf/charCodeAt
// instead of splitting it into line strings and running regular expressions per line.

import { FormatError, shorten } from '../model/errors';

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_GT = 62;

/** HEX_VALUE[c] = value of hex digit character code c (< 128), else -1. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}

/** Value of a hex digit character code, or -1. */
export function hexDigit(c: number): number {
  return c < 128 && c >= 0 ? HEX_VALUE[c]! : -1;
}

/** HEX16[c] = hex digit value for any UTF-16 code unit, -1 if not a hex digit (no range check needed). */
const HEX16 = new Int8Array(65536).fill(-1);
HEX16.set(HEX_VALUE);

/** `scanAidaLine` sub-leaf value for an untagged line. */
export const NO_SUBLEAF = 0xffffffff;

/** Eight hex digits at `p` (no checks of the length), or a negative number. */
function hex8At(text: string, p: number): number {
  // Any -1 digit makes the OR negative; the value is assembled from two 16-bit halves so
  // that it stays a small integer until the end.
  const a = HEX16[text.charCodeAt(p)]!;
  const b = HEX16[text.charCodeAt(p + 1)]!;
  const c = HEX16[text.charCodeAt(p + 2)]!;
  const d = HEX16[text.charCodeAt(p + 3)]!;
  const e = HEX16[text.charCodeAt(p + 4)]!;
  const f = HEX16[text.charCodeAt(p + 5)]!;
  const g = HEX16[text.charCodeAt(p + 6)]!;
  const h = HEX16[text.charCodeAt(p + 7)]!;
  if ((a | b | c | d | e | f | g | h) < 0) return -1;
  return ((a << 12) | (b << 8) | (c << 4) | d) * 65536 + ((e << 12) | (f << 8) | (g << 4) | h);
}

/**
 * Fast path for the canonical AIDA64 register line,
 * `CPUID llllllll: aaaaaaaa-bbbbbbbb-cccccccc-dddddddd[ [SL nn]]...` (upper or lower case
 * hex), which is nearly every line of a large dump. On success fills `out` with leaf, EAX,
 * EBX, ECX, EDX, sub-leaf (NO_SUBLEAF if untagged) and the offset after what was read, and returns
 * true; any other shape returns false and the caller takes the general (checked) path.
 */
export function scanAidaLine(text: string, p: number, end: number, out: Uint32Array): boolean {
  // "CPUID " + 8 + ": " + 35
  if (end - p < 51) return false;
  if (text.charCodeAt(p) !== 67 || text.charCodeAt(p + 1) !== 80 || text.charCodeAt(p + 2) !== 85 || text.charCodeAt(p + 3) !== 73 || text.charCodeAt(p + 4) !== 68 || text.charCodeAt(p + 5) !== 32) return false;
  const leaf = hex8At(text, p + 6);
  if (leaf < 0 || text.charCodeAt(p + 14) !== 58 || text.charCodeAt(p + 15) !== 32) return false;
  let q = p + 16;
  for (let r = 0; r < 4; r++) {
    if (r > 0) {
      if (text.charCodeAt(q) !== 45) return false;
      q++;
    }
    const v = hex8At(text, q);
    if (v < 0) return false;
    out[1 + r] = v;
    q += 8;
  }
  if (q < end) {
    const c = text.charCodeAt(q);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  out[0] = leaf;
  out[5] = NO_SUBLEAF;
  // " [SL nn]"
  if (end - q >= 8 && text.charCodeAt(q) === 32 && text.charCodeAt(q + 1) === 91 && text.charCodeAt(q + 2) === 83 && text.charCodeAt(q + 3) === 76 && text.charCodeAt(q + 4) === 32 && text.charCodeAt(q + 7) === 93) {
    const hi = hexDigit(text.charCodeAt(q + 5));
    const lo = hexDigit(text.charCodeAt(q + 6));
    if (hi < 0 || lo < 0) return false;
    out[5] = hi * 16 + lo;
    q += 8;
  }
  out[6] = q;
  return true;
}

/**
 * Fast path for the AIDA64 register list `EAX-EBX-ECX-EDX` (also blank-separated): reads
 * four hex numbers of 1-8 digits from `pos` into `out`. Returns the offset after the last
 * one, or -1 if the text does not match exactly (the caller then reports the detail).
 */
export function scanFourHex(text: string, pos: number, end: number, out: number[]): number {
  let p = pos;
  for (let r = 0; r < 4; r++) {
    if (r > 0) {
      let sep = false;
      while (p < end) {
        const c = text.charCodeAt(p);
        if (c === 45 /* - */ || c === 32 || c === 9) {
          sep = true;
          p++;
        } else break;
      }
      if (!sep) return -1;
    }
    const s = p;
    let v = 0;
    while (p < end) {
      const c = text.charCodeAt(p);
      const d = c < 128 ? HEX_VALUE[c]! : -1;
      if (d < 0) break;
      v = v * 16 + d;
      p++;
    }
    if (p === s || p - s > 8) return -1;
    out[r] = v;
  }
  return p;
}

export function isDecimalDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Space, tab, or a stray CR/form feed/vertical tab inside a line. */
export function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_CR || c === 11 || c === 12;
}

/**
 * Walks a text line by line (LF or CRLF; a text with only lone CRs is read as CR-separated)
 * and scans inside the current line. `pos` is the scan position; it never passes `end`.
 */
export class LineCursor {
  readonly text: string;
  /** 1-based number of the current line (0 before the first `nextLine()`). */
  no = 0;
  /** Offset of the first character of the current line. */
  start = 0;
  /** Offset just after the last character of the current line (line end and CR excluded). */
  end = 0;
  /** Scan position inside the current line. */
  pos = 0;
  /** Digits read by the last `hex()` / `dec()` call. */
  digits = 0;
  private next = 0;
  private readonly sep: string;

  constructor(text: string) {
    this.text = text;
    // Old Mac line ends: no LF at all but CRs. Anything else splits on LF (CRLF trimmed).
    this.sep = text.indexOf('\n') < 0 && text.indexOf('\r') >= 0 ? '\r' : '\n';
  }

  /** Moves to the next line; false at the end of the text. */
  nextLine(): boolean {
    const t = this.text;
    if (this.next > t.length || (this.next === t.length && this.no > 0)) return false;
    if (this.next === t.length && t.length === 0) return false;
    const nl = t.indexOf(this.sep, this.next);
    const lineEnd = nl < 0 ? t.length : nl;
    this.start = this.next;
    let e = lineEnd;
    if (e > this.start && t.charCodeAt(e - 1) === CH_CR) e--;
    this.end = e;
    this.pos = this.start;
    this.next = nl < 0 ? t.length + 1 : nl + 1;
    this.no++;
    return true;
  }

  /** The current line's text (for messages and the rare slow path). */
  line(): string {
    return this.text.slice(this.start, this.end);
  }

  /** The rest of the current line from `pos`. */
  rest(): string {
    return this.text.slice(this.pos, this.end);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Skips spaces and tabs; returns how many were skipped. */
  skipBlanks(): number {
    const s = this.pos;
    while (this.pos < this.end && isBlank(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos - s;
  }

  /** Skips indentation and e-mail/Markdown quote markers (`> `, `>> `, `> > `). */
  skipIndent(): void {
    while (this.pos < this.end) {
      const c = this.text.charCodeAt(this.pos);
      if (c === CH_GT || isBlank(c)) this.pos++;
      else break;
    }
  }

  /** True (and consumes it) if the line continues with `s` (ASCII, case-sensitive). */
  eat(s: string): boolean {
    if (this.end - this.pos < s.length || !this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  /** True (and consumes it) if the line continues with `s`, ignoring ASCII case (`s` lower case). */
  eatCI(s: string): boolean {
    if (this.end - this.pos < s.length) return false;
    const t = this.text;
    for (let i = 0; i < s.length; i++) {
      const c = t.charCodeAt(this.pos + i);
      const w = s.charCodeAt(i);
      if (c !== w && (c | 0x20) !== w) return false;
    }
    this.pos += s.length;
    return true;
  }

  /** Consumes one character if it is `c`. */
  eatChar(c: number): boolean {
    if (this.pos < this.end && this.text.charCodeAt(this.pos) === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  /**
   * Reads hex digits, with an optional `0x` prefix when `prefix` is true. Returns the value
   * (unsigned 32-bit) and sets `digits`; returns -1 when there is no digit or more than 8.
   */
  hex(prefix = false): number {
    const t = this.text;
    const end = this.end;
    const save = this.pos;
    let p = save;
    if (prefix && end - p >= 2 && t.charCodeAt(p) === 48 && (t.charCodeAt(p + 1) | 0x20) === 120) p += 2;
    const first = p;
    let v = 0;
    let significant = 0;
    while (p < end) {
      const c = t.charCodeAt(p);
      const d = c < 128 ? HEX_VALUE[c]! : -1;
      if (d < 0) break;
      // Leading zeros do not count towards the 8-digit limit.
      if (significant > 0 || d !== 0) significant++;
      v = v * 16 + d;
      p++;
    }
    this.digits = p - first;
    if (this.digits === 0) return -1;
    this.pos = p;
    return significant > 8 ? -1 : v >>> 0;
  }

  /** Reads a decimal number (at most 9 digits); -1 when there is none. Sets `digits`. */
  dec(): number {
    const t = this.text;
    const s = this.pos;
    let v = 0;
    while (this.pos < this.end && isDecimalDigit(t.charCodeAt(this.pos)) && this.pos - s < 9) {
      v = v * 10 + (t.charCodeAt(this.pos) - 48);
      this.pos++;
    }
    this.digits = this.pos - s;
    return this.digits === 0 ? -1 : v;
  }

  /** A FormatError at the current line. */
  error(file: string, expected: string, format: string, found?: string): FormatError {
    const text = found ?? this.text.slice(this.start, Math.min(this.end, this.start + 400));
    return new FormatError(file, this.no, expected, shorten(text.slice(0, 400).trim()), format);
  }
}

/** First non-blank line of a text (number and text), for "nothing found" errors. */
export function firstNonBlankLine(text: string): { no: number; text: string } | null {
  const c = new LineCursor(text);
  while (c.nextLine()) {
    c.skipBlanks();
    if (!c.atEnd()) return { no: c.no, text: c.line() };
  }
  return null;
}

/**
 * The error for a text in which a reader found nothing of its format: line 0 for an empty
 * (or all-blank) file, else the first non-blank line.
 */
export function nothingFound(file: string, text: string, expected: string, format: string): FormatError {
  const first = firstNonBlankLine(text);
  if (!first) return new FormatError(file, 0, expected, 'an empty file', format);
  return new FormatError(file, first.no, expected, shorten(first.text.slice(0, 400).trim()), format);
}

/** The first `maxBytes` of a text, cut at a line end; detectors look only at the head. */
export function head(text: string, maxBytes = 65536): string {
  if (text.length <= maxBytes) return text;
  const nl = text.lastIndexOf('\n', maxBytes);
  return text.slice(0, nl > 0 ? nl : maxBytes);
}

/** Detectors see at most this much of a line; real dump lines are far shorter. */
const HEAD_LINE_MAX = 512;

/**
 * Lines of a (short) head text, with indentation and quote markers removed and each cut to
 * HEAD_LINE_MAX characters, so that a detector's regular expressions stay cheap on hostile input.
 */
export function headLines(text: string, maxLines = 400): string[] {
  // Several detectors ask for the same text's head in a row: the last answer is kept
  // (cut for at least 600 lines, the most any detector asks for).
  if (lastHead === null || lastHead.text !== text || lastHead.maxLines < maxLines) {
    const limit = Math.max(maxLines, 600);
    const lines: string[] = [];
    const c = new LineCursor(head(text));
    while (lines.length < limit && c.nextLine()) {
      c.skipIndent();
      lines.push(c.end - c.pos > HEAD_LINE_MAX ? c.text.slice(c.pos, c.pos + HEAD_LINE_MAX) : c.rest());
    }
    lastHead = { text, maxLines: limit, lines };
  }
  return lastHead.lines.slice(0, maxLines);
}

let lastHead: { readonly text: string; readonly maxLines: number; readonly lines: readonly string[] } | null = null;

/** Counts, per CPU id, a new unique id when a dump repeats one; says which were renumbered. */
export class CpuIdAllocator {
  private readonly used = new Set<number>();
  private max = -1;

  /** Returns `wanted` if free, else the next id above every id used so far. */
  take(wanted: number | null): { id: number; renumbered: boolean } {
    let id = wanted ?? this.max + 1;
    let renumbered = false;
    if (id < 0 || this.used.has(id)) {
      id = this.max + 1;
      renumbered = wanted !== null;
    }
    this.used.add(id);
    if (id > this.max) this.max = id;
    return { id, renumbered };
  }
}

export const LF = CH_LF;
