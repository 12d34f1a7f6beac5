import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb } from '../../test/fuzz/text-mutations';
import { FormatError } from '../model/errors';
import { hwlocFormat } from './hwloc';

const corpus = join(__dirname, '../../test/fixtures/corpus/hwloc_gather_cpuid');
const samples = readdirSync(corpus)
  .filter((n) => n.endsWith('.txt'))
  .map((n) => readFileSync(join(corpus, n), 'utf8'));

const check = (text: string): void => {
  expectDetectContract(text, hwlocFormat.detect);
  const out = expectReaderContract(text, (t) => hwlocFormat.parse(t, 'pu7'));
  if (!(out instanceof FormatError)) expect(out.cpus.length).toBeLessThanOrEqual(1);
};

describe('hwloc reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random register rows', () => {
    const hex = fc.nat().map((n) => n.toString(16));
    const row = fc.tuple(fc.constantFrom('1', '5', '0', 'f', '10', '7'), hex, hex, hex, hex, hex, hex, hex, hex).map(([m, ...r]) => `${m} ${r.slice(0, 4).join(' ')} => ${r.slice(4).join(' ')}`);
    fc.assert(fc.property(fc.array(row, { maxLength: 40 }), (rows) => check(`# mask e[abcd]x => e[abcd]x\n${rows.join('\n')}\n`)), { numRuns: 200 });
  });

  it('mutations of every corpus puN file', () => {
    for (const base of samples) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 150 });
  });

  it('combine keeps its contract on mutated folders', () => {
    const parts = fc.array(fc.tuple(fc.constantFrom(...samples), fc.nat({ max: 20 })), { maxLength: 6 });
    fc.assert(
      fc.property(parts, (ps) => {
        try {
          const parsed = ps.map(([text, n]) => ({ name: `d/pu${n}`, parsed: hwlocFormat.parse(text, `d/pu${n}`) }));
          const d = hwlocFormat.combine!(parsed, 'd');
          expect(d.cpus.map((c) => c.id)).toEqual([...new Set(ps.map(([, n]) => n))].sort((a, b) => a - b));
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
        }
      }),
      { numRuns: 100 },
    );
  });
});
