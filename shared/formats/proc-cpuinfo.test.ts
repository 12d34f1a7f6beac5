import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BitAddress } from '../model/address';
import type { CpuRecord, CpuidDump } from '../model/dump';
import type { FormatError } from '../model/errors';
import { findBitByName } from '../knowledge/bits/index';
import { heterogeneousFields } from '../knowledge/decode/index';
import { detectFormat } from './registry';
import { detectProcCpuinfo, parseProcCpuinfo, procCpuinfoFormat } from './proc-cpuinfo';

const dir = join(__dirname, '../../test/fixtures/corpus/proc_cpuinfo');
const RAPTOR = 'hwloc_20em64t-hybrid-1p6c2t+2ca4co1t__proc_cpuinfo.txt';
const BHYVE = 'local_bhyve-guest_AMD-Turin-like_proc_cpuinfo.txt';
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
const parse = (f: string): CpuidDump => parseProcCpuinfo(read(f), f);

function at(name: string): BitAddress {
  const e = findBitByName(name)!;
  return { leaf: e.leaf, subleaf: e.subleaf as number | null, reg: e.reg, bit: e.bits[0] };
}
/** 1 / 0 where the flag list says so, null where the bit is not known. */
function flag(cpu: CpuRecord, name: string): 0 | 1 | null {
  const a = at(name);
  return cpu.known!.bit(a) === 1 ? cpu.table.bit(a)! : null;
}

describe('/proc/cpuinfo reader on the corpus', () => {
  it('is detected from content', () => {
    for (const f of [RAPTOR, BHYVE]) expect(detectFormat(read(f))?.format.id).toBe('proc-cpuinfo');
    expect(detectProcCpuinfo('CPU 0:\n   0x00000000 0x00: eax=0x00000016 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n')).toBeNull();
  });

  it('reads the 20-thread hybrid Raptor Lake (i7-1370P)', () => {
    const d = parse(RAPTOR);
    expect(d.valueKind).toBe('flags');
    expect(d.cpus.map((c) => c.id)).toEqual([...Array(20).keys()]);
    expect(d.meta).toMatchObject({ vendor: 'GenuineIntel', family: 6, model: 186, stepping: 2, brand: '13th Gen Intel(R) Core(TM) i7-1370P', cpuCount: 20, hypervisor: null, tdxGuest: false });
    const c0 = d.cpus[0]!;
    expect(flag(c0, 'avx2')).toBe(1);
    expect(flag(c0, 'avx_vnni')).toBe(1);
    expect(flag(c0, 'hfi')).toBe(1);
    expect(flag(c0, 'avx512f')).toBe(0); // Alder/Raptor Lake: no AVX-512
    expect(flag(c0, 'amx_tile')).toBe(0);
    expect(flag(c0, 'hypervisor')).toBe(0);
    expect(flag(c0, 'sev')).toBe(0);
    // Bits without a /proc name are unknown, not 0: OSXSAVE, HYBRID (7.0.EDX[15]).
    expect(flag(c0, 'osxsave')).toBeNull();
    expect(c0.known!.bit({ leaf: 7, subleaf: 0, reg: 'edx', bit: 15 })).toBe(0);
    // Metadata written back from the text, and marked as such.
    expect(c0.table.get(0, null)?.eax).toBe(32);
    expect(c0.table.field({ leaf: 0x80000008, subleaf: null, reg: 'eax', bits: [0, 7] })).toBe(46);
    expect(c0.table.field({ leaf: 0x80000008, subleaf: null, reg: 'eax', bits: [8, 15] })).toBe(48);
    expect(c0.table.field({ leaf: 1, subleaf: null, reg: 'ebx', bits: [8, 15] })).toBe(8);
    expect(d.annotations['synthesized']).toMatch(/rebuilt from the text/);
    expect(d.annotations['linuxFlags']!.split(' ')).toEqual(expect.arrayContaining(['constant_tsc', 'rep_good', 'nopl', 'ibrs_enhanced', 'ept']));
    expect(d.annotations['bugs']).toContain('spectre_v2');
    expect(d.annotations['vmxFlags']).toContain('ept_ad');
    expect(d.annotations['tdx_guest']).toBeUndefined();
    // All 20 flag lines are equal although P and E cores differ in raw CPUID (input-formats.md §5).
    expect(heterogeneousFields(d)).toEqual([]);
    expect(d.cpus.find((c) => c.id === 19)?.topology).toMatchObject({ package: 0 });
  });

  it('reads the bhyve AMD guest', () => {
    const d = parse(BHYVE);
    expect(d.meta).toMatchObject({ vendor: 'AuthenticAMD', family: 26, model: 2, stepping: 1, brand: 'AMD EPYC', cpuCount: 2 });
    const c0 = d.cpus[0]!;
    expect(flag(c0, 'hypervisor')).toBe(1); // a guest
    expect(flag(c0, 'avx512f')).toBe(1);
    expect(flag(c0, 'avx512_vp2intersect')).toBe(1);
    expect(flag(c0, 'svm')).toBe(0);
    expect(flag(c0, 'clzero')).toBe(1); // 0x80000008.EBX, an AMD word
    expect(c0.table.get(0, null)?.eax).toBe(13);
    // Leaves above `cpuid level` 13 are not made up.
    expect(c0.table.hasLeaf(0x10)).toBe(false);
    expect(c0.table.field({ leaf: 0x80000008, subleaf: null, reg: 'eax', bits: [0, 7] })).toBe(48);
    expect(d.annotations['linuxFlags']!.split(' ')).toEqual(expect.arrayContaining(['pti', 'vmmcall', 'constant_tsc']));
    expect(d.annotations['linuxFlags']).not.toMatch(/(?:^| )hypervisor(?: |$)/);
  });
});

describe('/proc/cpuinfo reader rules', () => {
  const record = (flags: string, extra = ''): string =>
    `processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\ncpuid level\t: 31\n${extra}flags\t\t: ${flags}\n\n`;

  it('marks a TD guest', () => {
    const d = parseProcCpuinfo(record('fpu hypervisor tdx_guest avx512f amx_tile'), 'td.txt');
    expect(d.annotations['tdx_guest']).toMatch(/^yes/);
    expect(flag(d.cpus[0]!, 'amx_tile')).toBe(1);
    expect(flag(d.cpus[0]!, 'hypervisor')).toBe(1);
    expect(parseProcCpuinfo(record('fpu hypervisor'), 'vm.txt').annotations['tdx_guest']).toBeUndefined();
  });

  it('splits flags on any run of blanks and picks the vendor bit for shared names', () => {
    const d = parseProcCpuinfo(record('fpu   pti\t\tmba   avx2'), 'x.txt');
    const c = d.cpus[0]!;
    expect(flag(c, 'avx2')).toBe(1);
    expect(c.table.bit({ leaf: 0x10, subleaf: 0, reg: 'ebx', bit: 3 })).toBe(1); // Intel: leaf 0x10
    expect(c.known!.bit({ leaf: 0x80000008, subleaf: null, reg: 'ebx', bit: 6 })).toBe(0);
  });

  it('keeps one CPU per record and CPU numbers as given', () => {
    const text = `${record('fpu')}${record('fpu sse').replace('processor\t: 0', 'processor\t: 5')}`;
    const d = parseProcCpuinfo(text, 'two.txt');
    expect(d.cpus.map((c) => c.id)).toEqual([0, 5]);
    expect(heterogeneousFields(d)).toEqual([expect.objectContaining({ leaf: 1, reg: 'edx', bits: [25, 25], name: 'sse', cpus: { '0': 0, '5': 1 } })]);
  });

  it('accepts CRLF and a BOM, and refuses what is not /proc/cpuinfo with a line number', () => {
    expect(parseProcCpuinfo(`\ufeff${record('fpu sse2')}`.replace(/\n/g, '\r\n'), 'crlf.txt').cpus).toHaveLength(1);
    const bad = (t: string) => {
      try {
        procCpuinfoFormat.parse(t, 'bad.txt');
      } catch (e) {
        return e as FormatError;
      }
      throw new Error('no error');
    };
    expect(bad('processor\t: 0\nthis line has no colon\n')).toMatchObject({ line: 2 });
    expect(bad('processor\t: 0\nvendor_id\t: GenuineIntel\n')).toMatchObject({ line: 1, expected: expect.stringContaining('flags') });
    expect(bad(`${record('fpu')}${record('fpu')}`)).toMatchObject({ line: 10 });
    expect(bad(record('fpu').replace('cpu family\t: 6', 'cpu family\t: six'))).toMatchObject({ line: 3, expected: expect.stringContaining('decimal') });
    expect(bad('   \n')).toMatchObject({ line: 0 });
  });
});
