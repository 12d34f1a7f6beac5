// Line handling shared by the readers: CRLF/CR, tabs, trailing blanks, and the `> `
// quote prefixes of pasted mail and issue comments.

export interface SourceLine {
  /** 1-based line number in the original text. */
  readonly no: number;
  /** The line without its line end; tabs kept. */
  readonly text: string;
}

/** Splits on LF, CRLF or lone CR, keeping 1-based line numbers. */
export function splitLines(text: string): SourceLine[] {
  const parts = text.split(/\r\n|\r|\n/);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ no: i + 1, text: t }));
}

/** Removes e-mail / Markdown quote markers (`> `, `>> `, `> > `) from the start of a line. */
export function unquote(line: string): string {
  return line.replace(/^\s*(?:>\s?)+/, '');
}

/** Removes a leading BOM. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses an unsigned 32-bit hex number with or without `0x`; null if not hex or too wide. */
export function parseHex32(s: string): number | null {
  const t = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (t.length === 0 || t.length > 8 || !/^[0-9a-fA-F]+$/.test(t)) return null;
  return parseInt(t, 16) >>> 0;
}

/** Parses a 64-bit hex number (attributes, XFAM, SEAMCALL status) as a bigint. */
export function parseHex64(s: string): bigint | null {
  const t = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (t.length === 0 || t.length > 16 || !/^[0-9a-fA-F]+$/.test(t)) return null;
  return BigInt(`0x${t}`);
}

/** Text of a 32-bit register as four ASCII characters, little-endian (vendor and brand strings). */
export function regToAscii(value: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += String.fromCharCode((value >>> (8 * i)) & 0xff);
  return s;
}
