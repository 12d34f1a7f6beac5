// The one error type readers throw. It always names the file, the line and what was
// expected, so the CLI and the app can show "file:line: expected ..., found ...".

export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    /** File name or path as the user gave it. */
    readonly file: string,
    /** 1-based line number; 0 only when the problem is the file as a whole (e.g. empty). */
    readonly line: number,
    /** What the reader expected, in words: "a register line like 'CPUID 00000001: ...'". */
    readonly expected: string,
    /** What it found instead (trimmed and shortened), if useful. */
    readonly found?: string,
    /** Format that was being read, when known. */
    readonly format?: string,
  ) {
    super(FormatError.describe(file, line, expected, found, format));
  }

  static describe(file: string, line: number, expected: string, found?: string, format?: string): string {
    const where = line > 0 ? `${file}:${line}` : file;
    const what = format ? ` (${format})` : '';
    const got = found === undefined ? '' : `, found ${JSON.stringify(shorten(found))}`;
    return `${where}${what}: expected ${expected}${got}`;
  }
}

export function shorten(text: string, max = 80): string {
  // trimEnd, not /\s+$/: that regex is quadratic on a long run of inner blanks.
  const t = text.trimEnd();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** A problem a reader recovered from (skipped line, odd header); shown, not fatal. */
export interface ParseWarning {
  readonly line: number;
  readonly message: string;
}
