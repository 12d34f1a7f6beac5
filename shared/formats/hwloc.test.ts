import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CpuidDump } from '../model/dump';
import { FormatError } from '../model/errors';
import { registerDifferences } from '../model/heterogeneity';
import { hwlocCpuIdFromName, hwlocFormat } from './hwloc';
import { detectFormat } from './registry';

const corpus = join(__dirname, '../../test/fixtures/corpus/hwloc_gather_cpuid');
const read = (file: string): string => readFileSync(join(corpus, file), 'utf8');
const parse = (file: string): CpuidDump => hwlocFormat.parse(read(file), file);
const bit = (d: CpuidDump, cpu: number, leaf: number, subleaf: number | null, reg: 'eax' | 'ebx' | 'ecx' | 'edx', b: number): 0 | 1 | undefined =>
  d.cpus[cpu]!.table.bit({ leaf, subleaf, reg, bit: b });

describe('hwloc puN files from the corpus', () => {
  it('finds every puN file by content', () => {
    for (const f of readdirSync(corpus).filter((n) => n.endsWith('.txt'))) {
      expect(hwlocFormat.detect(read(f))?.confidence, f).toBeGreaterThanOrEqual(0.9);
      expect(detectFormat(read(f))?.format.id, f).toBe('hwloc');
    }
  });

  it('Xeon Max 9460 pu0/pu1: SPR 806F8 with AMX and AVX512F, APIC IDs 0 and 2', () => {
    for (const [file, id, apic] of [
      ['Intel-SapphireRapids-2xXeonMax9460__pu0.txt', 0, 0],
      ['Intel-SapphireRapids-2xXeonMax9460__pu1.txt', 1, 2],
    ] as const) {
      const d = parse(file);
      expect(d.format).toBe('hwloc');
      expect(d.valueKind).toBe('values');
      expect(d.meta.cpuCount).toBe(1);
      expect(d.cpus[0]!.id).toBe(id);
      expect(d.meta.vendor).toBe('GenuineIntel');
      expect([d.meta.family, d.meta.model, d.meta.stepping, d.meta.signature]).toEqual([6, 0x8f, 8, 0x806f8]);
      expect(d.meta.brand).toBe('Intel (R) Xeon (R) CPU Max 9460');
      expect(bit(d, 0, 7, 0, 'edx', 24)).toBe(1); // AMX-TILE
      expect(bit(d, 0, 7, 0, 'ebx', 16)).toBe(1); // AVX512F
      expect(bit(d, 0, 1, null, 'ecx', 31)).toBe(0); // bare metal
      expect(d.cpus[0]!.topology).toMatchObject({ apicId: apic, package: 0, thread: 0 });
      // `5 4 0 3 0 => ...`: leaf 4 sub-leaf 3 (mask 5 = sub-leaf significant)
      expect(d.cpus[0]!.table.get(4, 3)?.eax).toBe(0xfc1fc163);
      expect(d.probeEchoes).toEqual([]);
    }
  });

  it('Arrow Lake 225U: pu0 and pu1 are P-cores (0x1A 0x40000002), pu11 an E-core (0x20000002)', () => {
    for (const [file, hybrid, type] of [
      ['Intel-ArrowLake-CoreUltra5-225U__pu0.txt', 0x40000002, 'Core'],
      ['Intel-ArrowLake-CoreUltra5-225U__pu1.txt', 0x40000002, 'Core'],
      ['Intel-ArrowLake-CoreUltra5-225U__pu11.txt', 0x20000002, 'Atom'],
    ] as const) {
      const d = parse(file);
      expect(d.meta.vendor).toBe('GenuineIntel');
      expect([d.meta.family, d.meta.model, d.meta.stepping]).toEqual([6, 0xb5, 0]);
      expect(d.meta.brand).toBe('Intel(R) Core(TM) Ultra 5 225U');
      expect(d.cpus[0]!.table.get(0x1a, null)?.eax).toBe(hybrid);
      expect(d.cpus[0]!.topology?.coreType).toBe(type);
      expect(bit(d, 0, 7, 0, 'ebx', 16)).toBe(0); // no AVX512F on client hybrids
    }
    expect(parse('Intel-ArrowLake-CoreUltra5-225U__pu11.txt').cpus[0]!.id).toBe(11);
  });
});

describe('hwloc tarballs extracted with tar -xjf and combined per folder', () => {
  let tmp = '';
  const tarballs = readdirSync(corpus).filter((n) => n.endsWith('.tar.bz2'));
  const combined = new Map<string, CpuidDump>();
  const listed = new Map<string, number>();

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'hwloc-test-'));
    for (const t of tarballs) {
      const listing = execFileSync('tar', ['-tjf', join(corpus, t)], { encoding: 'utf8' }).split('\n');
      listed.set(t, listing.filter((l) => /\/pu\d+$/.test(l)).length);
      execFileSync('tar', ['-xjf', join(corpus, t), '-C', tmp]);
      const dir = t.replace(/\.tar\.bz2$/, '');
      const members = readdirSync(join(tmp, dir)).filter((n) => /^pu\d+$/.test(n) || n === 'hwloc-cpuid-info');
      const parts = members.map((n) => {
        const name = `${dir}/${n}`;
        const text = readFileSync(join(tmp, dir, n), 'utf8');
        expect(detectFormat(text)?.format.id, name).toBe('hwloc');
        return { name, parsed: hwlocFormat.parse(text, name) };
      });
      combined.set(dir, hwlocFormat.combine!(parts, t));
    }
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const get = (dir: string): CpuidDump => combined.get(dir)!;

  it('has one CPU per puN member, numbered as the file names, in numeric order', () => {
    expect(tarballs).toHaveLength(6);
    for (const t of tarballs) {
      const d = get(t.replace(/\.tar\.bz2$/, ''));
      expect(d.meta.cpuCount, t).toBe(listed.get(t));
      expect(d.cpus.map((c) => c.id)).toEqual(Array.from({ length: d.cpus.length }, (_, i) => i));
      expect(d.annotations['Architecture']).toBe('x86');
    }
    expect(listed.get('Intel-SapphireRapids-2xXeonMax9460.tar.bz2')).toBe(160);
    expect(listed.get('AMD-19h-Zen4-2xEpyc-9654.tar.bz2')).toBe(384);
  });

  it('Xeon Max 9460: 160 PUs in 2 packages, AMX and AVX512F on every CPU', () => {
    const d = get('Intel-SapphireRapids-2xXeonMax9460');
    expect(d.meta).toMatchObject({ vendor: 'GenuineIntel', family: 6, model: 0x8f, stepping: 8, cpuCount: 160, packages: 2 });
    for (let i = 0; i < d.cpus.length; i++) {
      expect(bit(d, i, 7, 0, 'edx', 24)).toBe(1);
      expect(bit(d, i, 7, 0, 'ebx', 16)).toBe(1);
    }
  });

  it('EPYC 9654: 384 PUs in 2 packages, AuthenticAMD family 0x19 model 0x11, AVX512F', () => {
    const d = get('AMD-19h-Zen4-2xEpyc-9654');
    expect(d.meta).toMatchObject({ vendor: 'AuthenticAMD', family: 0x19, model: 0x11, stepping: 1, cpuCount: 384, packages: 2 });
    expect(d.meta.brand).toBe('AMD EPYC 9654 96-Core Processor');
    expect(bit(d, 0, 7, 0, 'ebx', 16)).toBe(1);
    expect(bit(d, 0, 7, 0, 'edx', 24)).toBe(0);
  });

  it('Arrow Lake 225U: 4 P-cores and 10 E-cores; leaf 0x1A reported as differing', () => {
    const d = get('Intel-ArrowLake-CoreUltra5-225U');
    expect(d.meta).toMatchObject({ family: 6, model: 0xb5, cpuCount: 14, packages: 1 });
    const hybrid = registerDifferences(d).find((r) => r.leaf === 0x1a && r.reg === 'eax');
    expect(hybrid).toBeDefined();
    expect(hybrid!.byCpu.get(0)).toBe(0x40000002);
    expect(hybrid!.byCpu.get(11)).toBe(0x20000002);
    expect(hybrid!.diffMask).toBe(0x60000000);
    expect(d.cpus.filter((c) => c.topology?.coreType === 'Core')).toHaveLength(4);
    expect(d.cpus.filter((c) => c.topology?.coreType === 'Atom')).toHaveLength(10);
  });

  it('Raptor Lake 1370P: 20 threads, hybrid 0x1A differences, no AVX512F', () => {
    const d = get('Intel-RaptorLake-Corei7-1370P');
    expect(d.meta).toMatchObject({ family: 6, model: 0xba, stepping: 2, cpuCount: 20, packages: 1 });
    expect(registerDifferences(d).some((r) => r.leaf === 0x1a && r.reg === 'eax' && r.diffMask === 0x60000000)).toBe(true);
    expect(bit(d, 0, 7, 0, 'ebx', 16)).toBe(0);
  });

  it('Cascade Lake 2x6230: 80 PUs, 2 packages, AVX512F but no AMX; no hybrid leaf differences', () => {
    const d = get('Intel-CascadeLake-2xXeon6230');
    expect(d.meta).toMatchObject({ family: 6, model: 0x55, stepping: 7, cpuCount: 80, packages: 2 });
    expect(bit(d, 0, 7, 0, 'ebx', 16)).toBe(1);
    expect(bit(d, 0, 7, 0, 'edx', 24)).toBe(0);
    expect(registerDifferences(d).some((r) => r.leaf === 0x1a)).toBe(false);
  });

  it('QEMU guest 2p3d3c2t: 36 vCPUs, 2 packages x 3 dies x 3 cores x 2 threads from leaf 0x1F', () => {
    const d = get('Intel-CPUID.1F-Qemu-2p3d3c2t');
    expect(d.meta).toMatchObject({ family: 6, model: 6, stepping: 3, cpuCount: 36, packages: 2 });
    expect(d.meta.brand).toBe('QEMU Virtual CPU version 2.5+');
    expect(bit(d, 0, 1, null, 'ecx', 31)).toBe(1); // hypervisor present
    const t = d.cpus.map((c) => c.topology!);
    expect(new Set(t.map((x) => `${x.package}/${x.die}`)).size).toBe(6);
    expect(new Set(t.map((x) => `${x.package}/${x.die}/${x.core}`)).size).toBe(18);
    expect(new Set(t.map((x) => `${x.package}/${x.die}/${x.core}/${x.thread}`)).size).toBe(36);
    // pu35 has x2APIC ID 0x35: SMT shift 1, core shift 3, die shift 5 -> package 1, die 2, core 2, thread 1
    expect(d.cpus[35]!.topology).toMatchObject({ apicId: 0x35, package: 1, die: 2, core: 2, thread: 1 });
  });
});

describe('hwloc reader details', () => {
  const header = '# mask e[abcd]x => e[abcd]x\n';

  it('reads CRLF, upper-case hex, 0x prefixes and quoted pastes', () => {
    const text = '> # mask e[abcd]x => e[abcd]x\r\n> 1 0 0 0 0 => 0x1F 756E6547 6C65746E 49656E69\r\n> 5 B 0 1 0 => 5 6 201 3\r\n';
    const d = hwlocFormat.parse(text, 'pu3');
    expect(d.meta.vendor).toBe('GenuineIntel');
    expect(d.cpus[0]!.table.get(0xb, 1)?.ecx).toBe(0x201);
    expect(d.cpus[0]!.id).toBe(3);
  });

  it('takes the sub-leaf only when the mask says ECX was an input', () => {
    const d = hwlocFormat.parse(`${header}1 0 0 0 0 => d 0 0 0\n1 6 0 7 0 => 4 0 0 0\n5 d 0 1 0 => f 0 0 0\n`, 'pu0');
    expect(d.cpus[0]!.table.get(6, null)?.eax).toBe(4); // mask 1: ECX 7 is not an input
    expect(d.cpus[0]!.table.get(0xd, 1)?.eax).toBe(0xf);
  });

  it('names the line and what was expected', () => {
    const bad = (text: string): FormatError => {
      try {
        hwlocFormat.parse(text, 'pu0');
      } catch (e) {
        if (e instanceof FormatError) return e;
      }
      throw new Error('no FormatError');
    };
    expect(bad(`${header}1 0 0 0 0 => d 0 0 0\n1 1 0 0 0 => 1 2 3\n`)).toMatchObject({ line: 3, file: 'pu0' });
    expect(bad(`${header}2 1 0 0 0 => 1 2 3 4\n`).line).toBe(2); // mask without EAX
    expect(bad(`${header}1 123456789 0 0 0 => 1 2 3 4\n`).line).toBe(2); // wider than 32 bits
    expect(bad(`${header}\n`).line).toBe(1);
    expect(bad('').line).toBe(0);
  });

  it('reads hwloc-cpuid-info as annotations without CPUs, and rejects other key: value text', () => {
    const info = hwlocFormat.parse('Architecture: x86\n', 'dir/hwloc-cpuid-info');
    expect(info.cpus).toHaveLength(0);
    expect(info.annotations).toEqual({ Architecture: 'x86' });
    expect(hwlocFormat.detect('Architecture: x86\n')?.confidence).toBe(0.5);
    expect(() => hwlocFormat.parse('Model: foo\n', 'x')).toThrow(FormatError);
  });

  it('combine refuses two files for one CPU and an empty folder', () => {
    const text = read('Intel-ArrowLake-CoreUltra5-225U__pu0.txt');
    const a = { name: 'a/pu0', parsed: hwlocFormat.parse(text, 'a/pu0') };
    const b = { name: 'b/pu0', parsed: hwlocFormat.parse(text, 'b/pu0') };
    expect(() => hwlocFormat.combine!([a, b], 'x')).toThrow(FormatError);
    expect(() => hwlocFormat.combine!([], 'x')).toThrow(FormatError);
  });

  it('sorts CPUs numerically (pu10 after pu9) and takes ids from names', () => {
    expect(['dir/pu10', 'pu9', 'X__pu11.txt', 'pux', 'cpu3'].map(hwlocCpuIdFromName)).toEqual([10, 9, 11, undefined, undefined]);
    const text = read('Intel-ArrowLake-CoreUltra5-225U__pu0.txt');
    const parts = ['d/pu10', 'd/pu9', 'd/pu1'].map((name) => ({ name, parsed: hwlocFormat.parse(text, name) }));
    expect(hwlocFormat.combine!(parts, 'd').cpus.map((c) => c.id)).toEqual([1, 9, 10]);
  });

  it('detects header-less rows with less confidence and leaves other formats alone', () => {
    const rows = read('Intel-ArrowLake-CoreUltra5-225U__pu0.txt').split('\n').slice(1).join('\n');
    expect(hwlocFormat.detect(rows)?.confidence).toBe(0.75);
    expect(hwlocFormat.detect("<cpudata arch='x86'>")).toBeNull();
    expect(hwlocFormat.detect('{"cpuid_modifiers": []}')).toBeNull();
    expect(hwlocFormat.detect('CPU 0:\n   0x00000000 0x00: eax=0x00000020 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n')).toBeNull();
  });
});
