import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb } from '../../test/fuzz/text-mutations';
import { FormatError } from '../model/errors';
import { procCpuinfoFormat } from './proc-cpuinfo';

const corpus = join(__dirname, '../../test/fixtures/corpus/proc_cpuinfo');
const samples = readdirSync(corpus).map((n) => readFileSync(join(corpus, n), 'utf8'));

const check = (text: string): void => {
  expectDetectContract(text, procCpuinfoFormat.detect);
  const out = expectReaderContract(text, (t) => procCpuinfoFormat.parse(t, 'cpuinfo'));
  if (!(out instanceof FormatError)) {
    expect(out.valueKind).toBe('flags');
    for (const c of out.cpus) expect(c.known).toBeDefined();
  }
};

describe('/proc/cpuinfo reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random records', () => {
    const key = fc.constantFrom('processor', 'vendor_id', 'cpu family', 'model', 'model name', 'stepping', 'cpuid level', 'flags', 'address sizes', 'clflush size', 'initial apicid', 'bugs');
    const value = fc.oneof(fc.nat().map(String), fc.constantFrom('GenuineIntel', 'fpu sse avx512f tdx_guest mba', 'unknown', '46 bits physical, 48 bits virtual', ''), junkArb);
    const line = fc.tuple(key, fc.constantFrom('\t: ', '\t\t: ', ' : ', ':'), value).map(([k, s, v]) => `${k}${s}${v}`);
    const rec = fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n'));
    fc.assert(fc.property(fc.array(rec, { maxLength: 5 }), (rs) => check(`${rs.join('\n\n')}\n`)), { numRuns: 300 });
  });

  it('mutations of every corpus /proc/cpuinfo file', () => {
    for (const base of samples) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 150 });
  });
});
