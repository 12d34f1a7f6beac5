import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb, assertBlankRunsStayLinear } from '../../test/fuzz/text-mutations';
import { libcpuidFormat } from './libcpuid';

/** Line starts of every format, followed by a long blank run: regexes must not backtrack on them. */
const SEED = 'basic_cpuid[0]=0000000d 68747541 444d4163 69746e65';

const dir = join(__dirname, '../../test/fixtures/corpus/libcpuid_tests');
const files = readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'));

const check = (text: string): void => {
  expectDetectContract(text, libcpuidFormat.detect);
  expectReaderContract(text, (t) => libcpuidFormat.parse(t, 'dump.test'));
};

const hex = fc.nat({ max: 0xffffffff }).map((n) => n.toString(16).padStart(8, '0'));
const row = fc
  .tuple(fc.constantFrom('basic_cpuid', 'ext_cpuid', 'intel_fn4', 'intel_fn11', 'intel_fn12h', 'intel_fn14h', 'amd_fn8000001dh', 'amd_fn80000026h', 'constructor', 'future_fn'), fc.nat({ max: 40 }), hex, hex, hex, hex)
  .map(([name, i, a, b, c, d]) => `${name}[${i}]=${a} ${b} ${c} ${d}`);
const other = fc.oneof(
  fc.nat({ max: 64 }).map((n) => `_________________ Logical CPU #${n} _________________`),
  fc.constantFrom('version=0.7.0', '-'.repeat(80), ''),
);

describe('libcpuid reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random dumps of rows, headers and junk', () => {
    fc.assert(fc.property(fc.array(fc.oneof(row, other, junkArb), { maxLength: 60 }), (ls) => check(ls.join('\n'))), { numRuns: 300 });
  });

  it('mutations of every corpus file', () => {
    for (const base of files) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 100 });
  });

  it('long runs of blanks inside a line stay linear', () => {
    assertBlankRunsStayLinear(SEED, check);
  });
});
