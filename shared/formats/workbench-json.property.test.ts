import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb, assertBlankRunsStayLinear } from '../../test/fuzz/text-mutations';
import { FormatError } from '../model/errors';
import { parseAida64 } from './aida64';
import { parseCpuidR } from './cpuid-r';
import { workbenchJsonFormat } from './workbench-json';
import { writeDumpJson } from './write-dump-json';

/** Line starts of every format, followed by a long blank run: regexes must not backtrack on them. */
const SEED = '{"schema": "tdx-cpuid/dump/v1", "valueKind": "values", "cpus": [{"id": 0, "leaves": []}]}';

const corpus = join(__dirname, '../../test/fixtures/corpus');
const samples = [
  writeDumpJson(parseCpuidR(readFileSync(join(corpus, 'etallen_cpuid/local_bhyve-guest_AMD-Turin-like_cpuid-r.txt'), 'utf8'), 'bhyve')),
  writeDumpJson(parseAida64(readFileSync(join(corpus, 'aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt'), 'utf8'), 'adl'), { cpus: [0, 16] }),
];

const check = (text: string): void => {
  expectDetectContract(text, workbenchJsonFormat.detect);
  const out = expectReaderContract(text, (t) => workbenchJsonFormat.parse(t, 'dump.json'));
  if (!(out instanceof FormatError)) expect(out.cpus.length).toBeGreaterThan(0);
};

const u32 = fc.oneof(fc.nat({ max: 0xffffffff }), fc.integer(), fc.double(), fc.constant(-1), fc.constant(2 ** 32));
const leaf = fc.record({ leaf: u32, subleaf: fc.oneof(u32, fc.constant(null)), eax: u32, ebx: u32, ecx: u32, edx: u32 }, { requiredKeys: ['leaf', 'eax'] });
const doc = fc.record({
  schema: fc.constantFrom('tdx-cpuid/dump/v1', 'tdx-cpuid/dump/v2', 'x'),
  valueKind: fc.constantFrom('values', 'mask', 'ternary', 'flags', 'bits'),
  cpus: fc.array(fc.record({ id: fc.oneof(fc.nat({ max: 4 }), fc.constant(-1)), leaves: fc.array(leaf, { maxLength: 6 }), known: fc.option(fc.array(leaf, { maxLength: 3 }), { nil: undefined }) }), { maxLength: 4 }),
});

describe('workbench JSON reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random JSON documents of roughly the right shape', () => {
    fc.assert(fc.property(doc, fc.boolean(), (d, pretty) => check(JSON.stringify(d, null, pretty ? 2 : undefined))), { numRuns: 400 });
  });

  it('mutations of written dumps', () => {
    for (const base of samples) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 150 });
  });

  it('long runs of blanks inside a line stay linear', () => {
    assertBlankRunsStayLinear(SEED, check);
  });
});
