import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb } from '../../test/fuzz/text-mutations';
import { FormatError } from '../model/errors';
import { libvirtCpudataFormat } from './libvirt-cpudata';

const corpus = join(__dirname, '../../test/fixtures/corpus/libvirt_cputestdata');
const samples = readdirSync(corpus)
  .filter((n) => n.endsWith('.xml'))
  .map((n) => readFileSync(join(corpus, n), 'utf8'));

const check = (text: string): void => {
  expectDetectContract(text, libvirtCpudataFormat.detect);
  const out = expectReaderContract(text, (t) => libvirtCpudataFormat.parse(t, 'x.xml'));
  if (!(out instanceof FormatError)) expect(out.cpus).toHaveLength(1);
};

describe('libvirt cpudata reader on arbitrary and mutated input', () => {
  it('random text and random markup', () => {
    const markup = fc
      .array(fc.oneof(junkArb, fc.constantFrom("<cpudata arch='x86'>", '</cpudata>', '<cpuid ', "eax_in='0x1' ", 'ecx_in="0x0" ', "eax='0xffffffff'", '/>', '<msr index="0x10a"/>', '<!-- c -->')), { maxLength: 30 })
      .map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), markup), check), { numRuns: 400 });
  });

  it('deeply nested and unterminated markup stays fast', () => {
    check(`<cpudata arch='x86'>${'<a>'.repeat(5000)}`);
    check(`<cpudata arch='x86'><cpuid eax_in='${'0'.repeat(100000)}`);
    check(`<!--${'-'.repeat(100000)}`);
    check(`<cpudata arch='x86'>\n${"  <cpuid eax_in='0x1' a='1' b='2' c='3' d='4' e='5'".repeat(5000)}`);
  });

  it('mutations of every corpus file', () => {
    for (const base of samples) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 100 });
  });
});
