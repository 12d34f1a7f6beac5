import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CpuidTable } from '../model/cpuid-table';
import { finishDump } from '../model/build-dump';
import { parseAida64 } from './aida64';
import { parseCpuidR } from './cpuid-r';
import { writeCpuidR } from './write-cpuid-r';

const corpus = join(__dirname, '../../test/fixtures/corpus');
/** etallen's printf: "   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x" */
const ETALLEN_LINE = /^ {3}0x[0-9a-f]{8} 0x[0-9a-f]{2,}: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8}$/;

describe('cpuid -r writer', () => {
  it('writes the exact etallen raw format, CPU by CPU', () => {
    const d = parseAida64(readFileSync(join(corpus, 'aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt'), 'utf8'), 'adl');
    const out = writeCpuidR(d);
    const lines = out.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.filter((l) => /^CPU \d+:$/.test(l)).length).toBe(24);
    for (const l of lines) if (!/^CPU \d+:$/.test(l)) expect(l).toMatch(ETALLEN_LINE);
    // Leaf 1 of CPU 0: CPUID 00000001: 00090672-00800800-7FFAFBBF-BFEBFBFF; no sub-leaves -> 0x00
    expect(lines[2]).toBe('   0x00000001 0x00: eax=0x00090672 ebx=0x00800800 ecx=0x7ffafbbf edx=0xbfebfbff');
    expect(out).toContain('   0x00000004 0x03: eax=');
  });

  it('prints wide sub-leaves in full and selects CPUs', () => {
    const table = CpuidTable.fromEntries([
      { leaf: 0, subleaf: null, eax: 0xd, ebx: 0x68747541, ecx: 0x444d4163, edx: 0x69746e65 },
      { leaf: 0xd, subleaf: 0x100, eax: 1, ebx: 2, ecx: 3, edx: 0xffffffff },
    ]);
    const d = finishDump({ format: 't', name: 't', valueKind: 'values', cpus: [{ id: 0, table }, { id: 5, table }] });
    expect(writeCpuidR(d, { cpus: [5] })).toBe('CPU 5:\n   0x00000000 0x00: eax=0x0000000d ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\n   0x0000000d 0x100: eax=0x00000001 ebx=0x00000002 ecx=0x00000003 edx=0xffffffff\n');
    expect(writeCpuidR(d, { cpus: [9] })).toBe('');
  });

  it('reproduces a real cpuid -r file byte for byte (apart from the probe rows it drops)', () => {
    const text = readFileSync(join(corpus, 'etallen_cpuid/firecracker_c3_guest_cpuid-r.txt'), 'utf8');
    const d = parseCpuidR(text, 'c3');
    const kept = text.split('\n').filter((l) => !/^ {3}0x(80860000|c0000000) /.test(l));
    expect(writeCpuidR(d)).toBe(kept.join('\n'));
  });

  it.skipIf(!existsSync('/usr/bin/cpuid'))('is read back by cpuid -f', () => {
    const d = parseAida64(readFileSync(join(corpus, 'aida64_instlatx64/GenuineIntel00A06D1_GraniteRapids_03_CPUID.txt'), 'utf8'), 'gnr');
    const dir = mkdtempSync(join(tmpdir(), 'cpuid-r-'));
    try {
      const file = join(dir, 'gnr.txt');
      writeFileSync(file, writeCpuidR(d, { cpus: [0] }));
      const decoded = execFileSync('/usr/bin/cpuid', ['-f', file], { encoding: 'utf8' });
      expect(decoded).toMatch(/^CPU 0:$/m);
      expect(decoded).toMatch(/\(family synth\)\s*= 0x6 \(6\)/);
      expect(decoded).toMatch(/\(model synth\)\s*= 0xad \(173\)/);
      expect(decoded).toMatch(/brand = "Intel\(R\) Xeon\(R\) 658X\s*"/);
      expect(decoded).toMatch(/AVX512F: AVX-512 foundation instructions\s*= true/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
