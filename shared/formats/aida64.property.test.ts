import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb, assertBlankRunsStayLinear } from '../../test/fuzz/text-mutations';
import { FormatError } from '../model/errors';
import { aida64Format } from './aida64';

/** Line starts of every format, followed by a long blank run: regexes must not backtrack on them. */
const SEED = 'CPUID 00000000: 00000020-756E6547-6C65746E-49656E69';

const dir = join(__dirname, '../../test/fixtures/corpus/aida64_instlatx64');
const files = readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'));
/** The head of each file (a few hundred lines: headers, first CPU sections) keeps runs fast. */
const heads = files.map((t) => t.split('\n').slice(0, 400).join('\n'));

const check = (text: string): void => {
  expectDetectContract(text, aida64Format.detect);
  const out = expectReaderContract(text, (t) => aida64Format.parse(t, 'dump.txt'));
  if (!(out instanceof FormatError)) {
    expect(out.cpus.length).toBeGreaterThan(0);
    expect(new Set(out.cpus.map((c) => c.id)).size).toBe(out.cpus.length);
  }
};

const hex8 = fc.nat({ max: 0xffffffff }).map((n) => n.toString(16).toUpperCase().padStart(8, '0'));
const cpuidLine = fc
  .tuple(fc.constantFrom('00000000', '00000001', '00000004', '00000007', '0000000D', '0000001A', '80000000', '80000008'), hex8, hex8, hex8, hex8, fc.option(fc.nat({ max: 0x20 }), { nil: undefined }), fc.constantFrom('', ' ', ' [x87]', ' [L2: 1 KB] / L3]', ' []'))
  .map(([leaf, a, b, c, d, sl, note]) => `CPUID ${leaf}: ${a}-${b}-${c}-${d}${sl === undefined ? '' : ` [SL ${sl.toString(16).toUpperCase().padStart(2, '0')}]`}${note}`);
const header = fc.oneof(
  fc.nat({ max: 300 }).map((n) => `------[ CPUID Registers / Logical CPU #${n} ]------`),
  fc.nat({ max: 300 }).map((n) => `CPUID Registers (CPU #${n}):`),
  fc.nat({ max: 300 }).map((n) => `CPU#${String(n).padStart(3, '0')} AffMask: 0x0000000000000001`),
  fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 70 })).map(([g, b]) => `Group: 0x0${g} Affinity mask: 0x${(1n << BigInt(b)).toString(16)}`),
  fc.nat({ max: 300 }).map((n) => `CPU ${n}:`),
  fc.constantFrom('------[ MSR Registers / Logical CPU #0 ]------', '------[ All CPUs ]------', 'allcpu: Package 0 / Core 1 / Thread 0: Valid, Intel Atom', '', '-'.repeat(80)),
);

describe('AIDA64 reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random dumps built from headers and register lines', () => {
    fc.assert(fc.property(fc.array(fc.oneof(cpuidLine, header, junkArb), { maxLength: 60 }), (ls) => check(ls.join('\n'))), { numRuns: 300 });
  });

  it('mutations of the head of every corpus file', () => {
    for (const base of heads) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 60 });
  });

  it('mutations of whole corpus files', () => {
    for (const base of files) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 4 });
  });

  it('long runs of blanks inside a line stay linear', () => {
    assertBlankRunsStayLinear(SEED, check);
  });
});
