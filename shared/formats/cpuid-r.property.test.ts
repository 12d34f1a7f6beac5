import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb, assertBlankRunsStayLinear } from '../../test/fuzz/text-mutations';
import { FormatError } from '../model/errors';
import { cpuidRFormat } from './cpuid-r';

/** Line starts of every format, followed by a long blank run: regexes must not backtrack on them. */
const SEED = 'CPU 0:\n   0x00000000 0x00: eax=0x0000000d ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65';

const dir = join(__dirname, '../../test/fixtures/corpus/etallen_cpuid');
const files = readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'));

const check = (text: string): void => {
  expectDetectContract(text, cpuidRFormat.detect);
  const out = expectReaderContract(text, (t) => cpuidRFormat.parse(t, 'cpuid-r.txt'));
  if (!(out instanceof FormatError)) expect(new Set(out.cpus.map((c) => c.id)).size).toBe(out.cpus.length);
};

const hex = fc.nat({ max: 0xffffffff }).map((n) => `0x${n.toString(16)}`);
const record = fc
  .tuple(hex, fc.nat({ max: 0x1ff }), hex, hex, hex, hex, fc.constantFrom(' ', '\n    ', '\n> ', '\t'), fc.constantFrom('', '   ', '> ', '\t'))
  .map(([leaf, sub, a, b, c, d, wrap, indent]) => `${indent}${leaf} 0x${sub.toString(16)}: eax=${a} ebx=${b} ecx=${c}${wrap}edx=${d}`);
const header = fc.oneof(fc.constant('CPU:'), fc.nat({ max: 500 }).map((n) => `CPU ${n}:`));

describe('cpuid -r reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random dumps of headers, register lines (some wrapped) and junk', () => {
    fc.assert(fc.property(fc.array(fc.oneof(record, header, junkArb), { maxLength: 60 }), (ls) => check(ls.join('\n'))), { numRuns: 300 });
  });

  it('mutations of every corpus file (raw and decoded)', () => {
    for (const base of files) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 150 });
  });

  it('long runs of blanks inside a line stay linear', () => {
    assertBlankRunsStayLinear(SEED, check);
  });
});
