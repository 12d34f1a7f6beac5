import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripKernelPrefix } from './kernel-line';

/** The prefix rules run without the first-character shortcuts: every pattern on every line. */
function reference(line: string): { message: string; prefixed: boolean } {
  const patterns = [/^<\d{1,3}>/, /^[a-z]{2,8}\s*:[a-z]{3,7}\s*: /, /^[A-Z][a-z]{2} [ 0-3]?\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ kernel: /, /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? \S+ kernel: /, /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-3]?\d \d\d:\d\d:\d\d \d{4}\] ?/];
  let s = line.replace(/^\s*(?:>\s?)+/, '').replace(/^\s+/, '');
  let prefixed = false;
  for (let i = 0; i < 4; i++) {
    const before = s;
    for (const p of patterns) s = s.replace(p, '');
    s = s.replace(/^\s+/, '').replace(/^\[\s*\d+\.\d+\] ?/, '').replace(/^\[\s*[TC]\d+\] ?/, '');
    if (s === before) break;
    prefixed = true;
  }
  return { message: s.trimEnd(), prefixed };
}

const PIECES = [
  '[    1.234567] ', '[T123] ', '[C4] ', '[Mon Mar  3 12:00:00 2026] ', 'kern  :info  : ', '<6>', 'Mar 03 12:00:00 host kernel: ',
  '2026-03-03T12:00:00+0000 host kernel: ', '> ', '>> ', ' ', '\t', '\u00a0', '\u3000', 'virt/tdx: module initialized', 'tdx: ', 'SEAMCALL',
  '1 0 0 0 0 => 20 756e6547 6c65746e 49656e69', 'CPUID 00000000: 00000020-756E6547', '{"leaf": 7}', '[', '<', 'Linux version 6.16.0', 'a', 'Z', '9',
];

describe('stripKernelPrefix', () => {
  it('strips the known prefixes', () => {
    expect(stripKernelPrefix('[    0.000000] Linux version 6.16.0')).toEqual({ message: 'Linux version 6.16.0', prefixed: true });
    expect(stripKernelPrefix('> Mar 03 12:00:00 host kernel: [T12] virt/tdx: x')).toEqual({ message: 'virt/tdx: x', prefixed: true });
    expect(stripKernelPrefix('    "indented": 1')).toEqual({ message: '"indented": 1', prefixed: false });
  });

  it('gives what every pattern on every line gives, for lines built from prefixes and other text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 6 }), (parts) => {
        const line = parts.join('');
        expect(stripKernelPrefix(line)).toEqual(reference(line));
      }),
      { numRuns: 2000 },
    );
  });
});
