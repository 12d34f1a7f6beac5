import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb, assertBlankRunsStayLinear } from '../../test/fuzz/text-mutations';
import { kcpuidFormat } from './kcpuid';

/** Line starts of every format, followed by a long blank run: regexes must not backtrack on them. */
const SEED = 'Basic Leafs :\n================\n0x00000000: EAX=0x0000000d, EBX=0x68747541, ECX=0x444d4163, EDX=0x69746e65';

const dir = join(__dirname, '../../test/fixtures/corpus/kcpuid');
const files = readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'));

const check = (text: string): void => {
  expectDetectContract(text, kcpuidFormat.detect);
  expectReaderContract(text, (t) => kcpuidFormat.parse(t, 'kcpuid.txt'));
};

const hex = fc.nat({ max: 0xffffffff }).map((n) => `0x${n.toString(16).padStart(8, '0')}`);
const regs = fc.tuple(hex, hex, hex, hex).map(([a, b, c, d]) => `EAX=${a}, EBX=${b}, ECX=${c}, EDX=${d}`);
const line = fc.oneof(
  fc.tuple(hex, regs).map(([l, r]) => `${l}: ${r}`),
  hex.map((l) => `${l}: subleafs:`),
  fc.tuple(fc.nat({ max: 99 }), regs).map(([s, r]) => ` ${String(s).padStart(2)}: ${r}`),
  fc.constantFrom('Basic Leafs :', 'Extended Leafs :', '================', 'CPU features:', 'CPUID_0x1_ECX[0x0]:', ''),
);

describe('kcpuid reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random kcpuid-like output', () => {
    fc.assert(fc.property(fc.array(fc.oneof(line, junkArb), { maxLength: 60 }), (ls) => check(ls.join('\n'))), { numRuns: 300 });
  });

  it('mutations of every corpus file (-r and -d)', () => {
    for (const base of files) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 150 });
  });

  it('long runs of blanks inside a line stay linear', () => {
    assertBlankRunsStayLinear(SEED, check);
  });
});
