// Property-test helpers shared by the reader tests: mutations of real files (delete,
// duplicate or swap lines, flip characters, truncate, insert junk) and the contract every
// reader must keep on any input: return, or throw FormatError with a sensible line, in < 1 s.

import fc from 'fast-check';
import { expect } from 'vitest';
import { FormatError } from '../../shared/model/errors';

export type TextMutation =
  | { readonly kind: 'delete-line'; readonly at: number }
  | { readonly kind: 'duplicate-line'; readonly at: number }
  | { readonly kind: 'swap-lines'; readonly a: number; readonly b: number }
  | { readonly kind: 'flip-char'; readonly at: number; readonly char: string }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert-junk'; readonly at: number; readonly junk: string };

/** Characters that matter to the formats under test (markup, JSON, hex, line ends). */
const SPICY = ['<', '>', '/', '"', "'", '=', '{', '}', '[', ']', ',', ':', '\n', '\r\n', '\r', '\t', ' ', '0x', '0b', 'x', '_', '=>', '#', '<!--', '-->', '&', '\\', '\u0000', '\ufeff', 'é', 'ffffffffff', '-1', '1e999'];

export const junkArb: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...SPICY), fc.string({ unit: 'grapheme-ascii', maxLength: 12 })), { maxLength: 12 })
  .map((parts) => parts.join(''));

export const mutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('flip-char' as const), at: fc.nat(), char: fc.constantFrom(...SPICY, 'a', 'Z', '9', '.') }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert-junk' as const), at: fc.nat(), junk: junkArb }),
);

export function applyMutation(text: string, m: TextMutation): string {
  const lines = text.split('\n');
  const line = (i: number): number => (lines.length === 0 ? 0 : i % lines.length);
  switch (m.kind) {
    case 'delete-line':
      lines.splice(line(m.at), 1);
      return lines.join('\n');
    case 'duplicate-line':
      lines.splice(line(m.at), 0, lines[line(m.at)] ?? '');
      return lines.join('\n');
    case 'swap-lines': {
      const a = line(m.a);
      const b = line(m.b);
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 'flip-char': {
      if (text.length === 0) return m.char;
      const at = m.at % text.length;
      return text.slice(0, at) + m.char + text.slice(at + 1);
    }
    case 'truncate':
      return text.slice(0, text.length === 0 ? 0 : m.at % text.length);
    case 'insert-junk': {
      const at = text.length === 0 ? 0 : m.at % (text.length + 1);
      return text.slice(0, at) + m.junk + text.slice(at);
    }
  }
}

/** One to four mutations of `base`. */
export function mutatedTextArb(base: string): fc.Arbitrary<string> {
  return fc.array(mutationArb, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce(applyMutation, base));
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/**
 * Runs `read` on `text` and checks the reader contract: it returns, or throws a FormatError
 * whose line is within the file (0 only for a blank file); never anything else;
 * in under a second. Returns the result or the error.
 */
export function expectReaderContract<T>(text: string, read: (text: string) => T): T | FormatError {
  const started = performance.now();
  let outcome: T | FormatError;
  try {
    outcome = read(text);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    // Line 0 means "the file as a whole" and is only for an empty (or all-blank) file.
    expect(e.line).toBeGreaterThanOrEqual(text.trim() === '' ? 0 : 1);
    expect(e.line).toBeLessThanOrEqual(lineCount(text));
    expect(e.message).toContain('expected');
    outcome = e;
  }
  expect(performance.now() - started).toBeLessThan(1000);
  return outcome;
}

/**
 * detect() must never throw and must give a confidence in [0, 1] or null, within the same
 * one-second bound (its real speed is a benchmark's business; a loaded CI box has pauses).
 */
export function expectDetectContract(text: string, detect: (text: string) => { confidence: number } | null): void {
  const started = performance.now();
  const d = detect(text);
  if (d) {
    expect(d.confidence).toBeGreaterThanOrEqual(0);
    expect(d.confidence).toBeLessThanOrEqual(1);
  }
  expect(performance.now() - started).toBeLessThan(1000);
}

/** Line starts of every CPUID text format, to be followed by a long run of blanks. */
const LINE_PREFIXES = ['CPU', 'CPU 1', 'CPUID 0', 'CPUID 00000000: 00000020', '------[', 'CPUID Registers (CPU #1)', '0x00000001: EAX=0x1', '   0x00000001 0x00:', 'allcpu: Package 0 / Core 0 / Thread 0', 'CPU 1: APICID 1 / Package 0', 'basic_cpuid[0]=', '{"schema"', 'Group: 0x00', 'CPU#1', '0x00000007: subleafs', ' 1: EAX=0x1', 'vendor_id = "'];

/**
 * A line made of a format's line start and 1 000-100 000 blanks (alone, or after `seed`, a
 * valid start of a dump), checked with `check`: a reader whose patterns backtrack over the
 * blanks would blow the one-second bound of the contract.
 */
export function assertBlankRunsStayLinear(seed: string, check: (text: string) => void): void {
  fc.assert(
    fc.property(fc.constantFrom(...LINE_PREFIXES), fc.integer({ min: 1000, max: 100000 }), fc.constantFrom('x', ':', ']', '', '-'), fc.boolean(), (p, n, end, inDump) => {
      const line = `${p}${' '.repeat(n)}${end}`;
      check(inDump ? `${seed}\n${line}\n` : line);
    }),
    { numRuns: 25 },
  );
}
