import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../model/errors';
import { detectLibcpuid, parseLibcpuid } from './libcpuid';
import { detectFormat, parseInput } from './registry';

const dir = join(__dirname, '../../test/fixtures/corpus/libcpuid_tests');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

describe('libcpuid reader on the corpus', () => {
  it('AMD A8-7680 (Carrizo) .test: 4 CPUs, padding dropped, expected results ignored', () => {
    const text = read('amd-a8-7680-radeon-r7-10-compute-cores-4c+6g.test');
    expect(detectFormat(text)?.format.id).toBe('libcpuid');
    const d = parseLibcpuid(text, 'a8.test');
    const headers = text.split('\n').filter((l) => /^_+ Logical CPU #\d+ _+$/.test(l)).length;
    expect(d.cpus.length).toBe(headers);
    expect(d.cpus.map((c) => c.id)).toEqual([0, 1, 2, 3]);
    // basic_cpuid[1]=00660f01 ...: family 0x15, model 0x60, stepping 1
    expect(d.meta).toMatchObject({ vendor: 'AuthenticAMD', family: 0x15, model: 0x60, stepping: 1, brand: 'AMD A8-7680 Radeon R7, 10 Compute Cores 4C+6G' });
    const t = d.cpus[0]!.table;
    // basic_cpuid[0] says max leaf 0xd: rows 0xe..0x1f are zero padding; ext max 0x8000001e.
    expect(t.hasLeaf(0xe)).toBe(false);
    expect(t.hasLeaf(0x1f)).toBe(false);
    expect(t.hasLeaf(0x8000001f)).toBe(false);
    expect(t.get(0xd, 0)).toMatchObject({ eax: 7, ebx: 0x340, ecx: 0x3c0, edx: 0x40000000 });
    // amd_fn8000001dh[i] are the cache sub-leaves; the all-zero tail is padding.
    expect(t.subleavesOf(0x8000001d).length).toBeGreaterThan(1);
    for (const s of t.subleavesOf(0x8000001d)) expect(t.get(0x8000001d, s)!.eax).not.toBe(0);
    // intel_fn4 rows are all zero on AMD: leaf 4 is basic_cpuid[4] (zero, as the CPU answers).
    expect(t.subleavesOf(4)).toEqual([0]);
    expect(d.annotations['padding']).toMatch(/all-zero rows/);
    expect(d.annotations['trailer']).toMatch(/expected results/);
    // The expected results in the same file list `avx avx2 ... bmi2`, no AVX-512:
    // AVX 1.ECX[28], AVX2 7.0.EBX[5] set; AVX512F 7.0.EBX[16] clear.
    expect(text).toMatch(/ avx2 bmi1 bmi2/);
    expect(t.bit({ leaf: 1, subleaf: null, reg: 'ecx', bit: 28 })).toBe(1);
    expect(t.bit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 5 })).toBe(1);
    expect(t.bit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 })).toBe(0);
  });

  it('a .test file that wraps an AIDA64 dump is read (AIDA64 reader, or delegated when forced)', () => {
    const text = read('intel-core-ultra-7-265k.test');
    expect(detectLibcpuid(text)).toBeNull();
    const viaRegistry = parseInput(text, 'arl.test');
    expect(viaRegistry.format.id).toBe('aida64');
    const forced = parseInput(text, 'arl.test', 'libcpuid').parsed;
    if (forced.kind !== 'cpuid') throw new Error('not a CPUID dump');
    expect(forced.cpus.length).toBe(text.split('\n').filter((l) => /^------\[ CPUID Registers \/ Logical CPU #\d+ \]------$/.test(l)).length);
    expect(forced.meta).toMatchObject({ vendor: 'GenuineIntel', family: 6, model: 0xc6, stepping: 2, brand: 'Intel(R) Core(TM) Ultra 7 265K' });
    expect(forced.annotations['wrapper']).toMatch(/AIDA64/);
  });
});

describe('libcpuid dump variants', () => {
  it('an old single-CPU dump without header, with version=', () => {
    const d = parseLibcpuid(
      'version=0.4.1\nbasic_cpuid[0]=00000001 756e6547 6c65746e 49656e69\nbasic_cpuid[1]=00000f29 00010800 00004400 bfebfbff\nbasic_cpuid[2]=00000000 00000000 00000000 00000000\next_cpuid[0]=80000004 00000000 00000000 00000000\nintel_fn4[0]=00000000 00000000 00000000 00000000\n',
      'p4.txt',
    );
    expect(d.cpus.length).toBe(1);
    expect(d.meta).toMatchObject({ vendor: 'GenuineIntel', family: 0xf, model: 2, stepping: 9 });
    expect(d.annotations['libcpuidVersion']).toBe('0.4.1');
    // basic_cpuid[2] is beyond max leaf 1 and zero: padding.
    expect(d.cpus[0]!.table.hasLeaf(2)).toBe(false);
  });

  it('intel_fn4 sub-leaves replace basic_cpuid[4]', () => {
    const d = parseLibcpuid(
      'basic_cpuid[0]=0000000b 756e6547 6c65746e 49656e69\nbasic_cpuid[4]=1c004121 01c0003f 0000003f 00000000\nintel_fn4[0]=1c004121 01c0003f 0000003f 00000000\nintel_fn4[1]=1c004122 01c0003f 0000003f 00000000\nintel_fn4[2]=00000000 00000000 00000000 00000000\n',
      'x',
    );
    expect(d.cpus[0]!.table.subleavesOf(4)).toEqual([0, 1]);
  });

  it('errors name the line', () => {
    let err: unknown;
    try {
      parseLibcpuid('basic_cpuid[0]=0000000b 756e6547 6c65746e\n', 'x.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).line).toBe(1);
    expect((err as FormatError).message).toMatch(/four 32-bit hex values/);
    expect(() => parseLibcpuid('', 'x')).toThrow(/empty file/);
  });
});
