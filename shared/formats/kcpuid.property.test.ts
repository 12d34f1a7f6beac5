import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb } from '../../test/fuzz/text-mutations';
import { kcpuidFormat } from './kcpuid';

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
});
