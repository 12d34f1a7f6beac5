import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reg } from '../model/address';
import type { CpuidDump } from '../model/dump';
import { FormatError } from '../model/errors';
import { libvirtCpudataFormat } from './libvirt-cpudata';
import { detectFormat } from './registry';

const corpus = join(__dirname, '../../test/fixtures/corpus/libvirt_cputestdata');
const files = readdirSync(corpus).filter((n) => n.endsWith('.xml'));
const read = (file: string): string => readFileSync(join(corpus, file), 'utf8');
const parse = (file: string): CpuidDump => libvirtCpudataFormat.parse(read(file), file);
const bit = (d: CpuidDump, leaf: number, subleaf: number | null, reg: Reg, b: number): 0 | 1 | undefined => d.cpus[0]!.table.bit({ leaf, subleaf, reg, bit: b });

function formatError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

interface HostFacts {
  readonly vendor: string;
  readonly fms: readonly [number, number, number];
  readonly brand: string;
  readonly avx512f: 0 | 1;
  readonly amx: 0 | 1;
}

const HOSTS: Readonly<Record<string, HostFacts>> = {
  'x86_64-cpuid-Xeon-6731E.xml': { vendor: 'GenuineIntel', fms: [6, 0xaf, 3], brand: 'Intel(R) Xeon(R) 6731E', avx512f: 0, amx: 0 },
  'x86_64-cpuid-Xeon-6788P.xml': { vendor: 'GenuineIntel', fms: [6, 0xad, 1], brand: 'Intel(R) Xeon(R) 6788P', avx512f: 1, amx: 1 },
  'x86_64-cpuid-Xeon-Gold-6530.xml': { vendor: 'GenuineIntel', fms: [6, 0xcf, 2], brand: 'INTEL(R) XEON(R) GOLD 6530', avx512f: 1, amx: 1 },
  // The Bronze SKU reports no AMX (7.0.EDX bits 22, 24, 25 clear: edx=0xfc9d4432).
  'x86_64-cpuid-Xeon-Bronze-3408U.xml': { vendor: 'GenuineIntel', fms: [6, 0x8f, 7], brand: 'Intel(R) Xeon(R) Bronze 3408U', avx512f: 1, amx: 0 },
  'x86_64-cpuid-Xeon-w7-3465X.xml': { vendor: 'GenuineIntel', fms: [6, 0x8f, 6], brand: 'Intel(R) Xeon(R) w7-3465X', avx512f: 1, amx: 1 },
  'x86_64-cpuid-EPYC-9334-32-Core.xml': { vendor: 'AuthenticAMD', fms: [0x19, 0x11, 1], brand: 'AMD EPYC 9334 32-Core Processor', avx512f: 1, amx: 0 },
  'x86_64-cpuid-Core-i7-1270P.xml': { vendor: 'GenuineIntel', fms: [6, 0x9a, 3], brand: '12th Gen Intel(R) Core(TM) i7-1270P', avx512f: 0, amx: 0 },
};

describe('libvirt cpudata host dumps from the corpus', () => {
  it('covers every host file and detects each by content', () => {
    const hosts = files.filter((f) => !/-(enabled|disabled)\.xml$/.test(f));
    expect(hosts.sort()).toEqual(Object.keys(HOSTS).sort());
    for (const f of files) expect(detectFormat(read(f))?.format.id, f).toBe('libvirt-cpudata');
  });

  for (const [file, facts] of Object.entries(HOSTS)) {
    it(`${file}: ${facts.brand}`, () => {
      const d = parse(file);
      expect(d.valueKind).toBe('values');
      expect(d.meta.cpuCount).toBe(1);
      expect(d.meta.vendor).toBe(facts.vendor);
      expect([d.meta.family, d.meta.model, d.meta.stepping]).toEqual(facts.fms);
      // The comment is /proc/cpuinfo's model name; the registers carry the same brand.
      expect(d.annotations['brand']).toBe(facts.brand);
      expect(d.meta.brand).toBe(facts.brand);
      expect(bit(d, 7, 0, 'ebx', 16)).toBe(facts.avx512f);
      expect(bit(d, 7, 0, 'edx', 24)).toBe(facts.amx);
      expect(bit(d, 1, null, 'ecx', 31)).toBe(0); // host, not a guest
      // cpu-data.py zeroes the initial APIC ID; the reader says so.
      expect(d.cpus[0]!.table.field({ leaf: 1, subleaf: null, reg: 'ebx', bits: [24, 31] })).toBe(0);
      expect(d.annotations['apicIdNote']).toMatch(/cpu-data\.py/);
      expect(d.warnings.some((w) => /APIC ID/.test(w.message) && w.line === 4)).toBe(true);
      expect(d.annotations['msr.0x10a']).toMatch(/^0x[0-9a-f]{16}$/);
    });
  }

  it('drops the out-of-range probe rows that echo the highest basic leaf', () => {
    for (const [file, maxLeaf] of [
      ['x86_64-cpuid-Xeon-6731E.xml', 0x23],
      ['x86_64-cpuid-Xeon-6788P.xml', 0x24],
    ] as const) {
      const d = parse(file);
      expect(d.probeEchoes.map((p) => [p.leaf, p.reason])).toEqual([
        [0x20000000, 'echo-of-max-basic-leaf'],
        [0x80860000, 'echo-of-max-basic-leaf'],
        [0xc0000000, 'echo-of-max-basic-leaf'],
      ]);
      expect(d.cpus[0]!.table.hasLeaf(0x20000000)).toBe(false);
      expect(d.cpus[0]!.table.get(0, null)?.eax).toBe(maxLeaf);
    }
  });

  it('Granite Rapids 6788P has leaf 0x24 (AVX10); Emerald Rapids 6530 does not', () => {
    expect(parse('x86_64-cpuid-Xeon-6788P.xml').cpus[0]!.table.get(0x24, 0)?.ebx).toBe(0x00070001);
    expect(parse('x86_64-cpuid-Xeon-Gold-6530.xml').cpus[0]!.table.hasLeaf(0x24)).toBe(false);
  });

  it('Core i7-1270P holds only CPU 0, a P-core (0x1A.EAX 0x40000001)', () => {
    expect(parse('x86_64-cpuid-Core-i7-1270P.xml').cpus[0]!.table.get(0x1a, null)?.eax).toBe(0x40000001);
  });

  it('keeps MSRs as 64-bit annotations (edx:eax)', () => {
    expect(parse('x86_64-cpuid-Xeon-6731E.xml').annotations['msr.0x10a']).toBe('0x000000002da1fd6b');
    expect(parse('x86_64-cpuid-Xeon-6788P-enabled.xml').annotations['msr.0x10a']).toBe('0x400000000d00e0eb');
  });
});

describe('libvirt -enabled / -disabled masks from the corpus', () => {
  const models = ['Xeon-6731E', 'Xeon-6788P', 'Xeon-Gold-6530', 'Xeon-Bronze-3408U'];

  it('reads them as masks and says which set each is', () => {
    for (const m of models) {
      const en = parse(`x86_64-cpuid-${m}-enabled.xml`);
      const dis = parse(`x86_64-cpuid-${m}-disabled.xml`);
      expect([en.valueKind, dis.valueKind]).toEqual(['mask', 'mask']);
      expect(en.annotations['maskSet']).toBe('enabled');
      expect(en.annotations['maskMeaning']).toMatch(/enabled by QEMU\/KVM -cpu host/);
      expect(dis.annotations['maskSet']).toBe('disabled');
      expect(dis.annotations['maskMeaning']).toMatch(/host bits disabled by QEMU\/KVM/);
      expect(en.annotations['apicIdNote']).toBeUndefined();
    }
  });

  it('enabled bits the host also has: AVX512F on GNR/EMR/SPR, AMX-TILE on GNR/EMR, SSE3 and FSGSBASE on SRF', () => {
    for (const [m, withAmx] of [
      ['Xeon-6788P', true],
      ['Xeon-Gold-6530', true],
      ['Xeon-Bronze-3408U', false],
    ] as const) {
      const en = parse(`x86_64-cpuid-${m}-enabled.xml`);
      const host = parse(`x86_64-cpuid-${m}.xml`);
      for (const [leaf, reg, b] of [[7, 'ebx', 16] as const, ...(withAmx ? [[7, 'edx', 24] as const] : [])]) {
        expect(bit(en, leaf, 0, reg, b), `${m} ${reg}[${b}]`).toBe(1);
        expect(bit(host, leaf, 0, reg, b), `${m} ${reg}[${b}]`).toBe(1);
      }
    }
    const en = parse('x86_64-cpuid-Xeon-6731E-enabled.xml');
    const host = parse('x86_64-cpuid-Xeon-6731E.xml');
    expect([bit(en, 1, null, 'ecx', 0), bit(host, 1, null, 'ecx', 0)]).toEqual([1, 1]);
    expect([bit(en, 7, 0, 'ebx', 0), bit(host, 7, 0, 'ebx', 0)]).toEqual([1, 1]);
    // QEMU enables the hypervisor bit, which no host has.
    expect([bit(en, 1, null, 'ecx', 31), bit(host, 1, null, 'ecx', 31)]).toEqual([1, 0]);
  });

  it('disabled bits are host bits that are not enabled', () => {
    for (const m of models) {
      const en = parse(`x86_64-cpuid-${m}-enabled.xml`).cpus[0]!.table;
      const dis = parse(`x86_64-cpuid-${m}-disabled.xml`).cpus[0]!.table;
      const host = parse(`x86_64-cpuid-${m}.xml`).cpus[0]!.table;
      expect(dis.size).toBeGreaterThan(0);
      for (const e of dis.entries()) {
        for (const reg of ['eax', 'ebx', 'ecx', 'edx'] as const) {
          const h = host.regOf(e.leaf, e.subleaf, reg) ?? 0;
          const enabled = en.regOf(e.leaf, e.subleaf, reg) ?? 0;
          expect((e[reg] & ~h) >>> 0, `${m} 0x${e.leaf.toString(16)} ${reg}`).toBe(0);
          expect((e[reg] & enabled) >>> 0, `${m} 0x${e.leaf.toString(16)} ${reg}`).toBe(0);
        }
      }
    }
  });
});

describe('libvirt cpudata XML handling', () => {
  const row = (attrs: string): string => `<!-- Test CPU -->\n<cpudata arch='x86'>\n  <cpuid ${attrs}/>\n</cpudata>\n`;

  it('accepts any attribute order, both quote styles, extra whitespace, CRLF and a declaration', () => {
    const text = `<?xml version="1.0"?>\r\n<!-- Test CPU -->\r\n<cpudata  arch="x86" >\r\n  <cpuid edx = "0x49656e69" ecx='0x6c65746e'\r\n     ebx="0x756e6547" eax='0x0000000d' ecx_in="0x00" eax_in='0x00000000' />\r\n  <cpuid eax_in='0x7' ecx_in='0x1' eax='0x10'/>\r\n</cpudata>\r\n`;
    const d = libvirtCpudataFormat.parse(text, 't.xml');
    expect(d.meta.vendor).toBe('GenuineIntel');
    expect(d.cpus[0]!.table.get(7, 1)?.eax).toBe(0x10);
    expect(d.warnings.some((w) => w.line === 6 && /ebx, ecx, edx/.test(w.message))).toBe(true);
  });

  it('reports the line of a malformed element and what was expected', () => {
    expect(formatError(() => libvirtCpudataFormat.parse(row("eax_in='0x1' eax='0x1"), 'a.xml')).line).toBe(3);
    expect(formatError(() => libvirtCpudataFormat.parse(row("eax_in='0x1' eax='zz'"), 'a.xml')).line).toBe(3);
    expect(formatError(() => libvirtCpudataFormat.parse(row("ecx_in='0x1'"), 'a.xml')).expected).toMatch(/eax_in/);
    expect(formatError(() => libvirtCpudataFormat.parse(row("eax_in='0x1' eax='0x1' eax='0x2'"), 'a.xml')).line).toBe(3);
    expect(formatError(() => libvirtCpudataFormat.parse("<cpudata arch='x86'>\n  <cpuid eax_in='0x1'/>\n", 'a.xml')).line).toBe(2);
    expect(formatError(() => libvirtCpudataFormat.parse("<cpudata arch='x86'>\n<cpuid eax_in='0x1'>\n</cpudata>\n", 'a.xml')).line).toBe(3);
    expect(formatError(() => libvirtCpudataFormat.parse("<cpudata arch='ppc64'>\n</cpudata>\n", 'a.xml')).line).toBe(1);
    expect(formatError(() => libvirtCpudataFormat.parse("<cpus>\n</cpus>\n", 'a.xml')).line).toBe(1);
    expect(formatError(() => libvirtCpudataFormat.parse("<!-- x\n\n<cpudata>", 'a.xml')).line).toBe(1);
    expect(formatError(() => libvirtCpudataFormat.parse('', 'a.xml')).line).toBe(0);
  });

  it('does not take a feature map or other XML for cpudata', () => {
    expect(libvirtCpudataFormat.detect("<cpus>\n  <feature name='fpu'>\n    <cpuid eax_in='0x01' edx='0x00000001'/>\n  </feature>\n</cpus>\n")).toBeNull();
    expect(libvirtCpudataFormat.detect('{"cpuid_modifiers": []}')).toBeNull();
    expect(libvirtCpudataFormat.detect('# mask e[abcd]x => e[abcd]x\n1 0 0 0 0 => d 0 0 0\n')).toBeNull();
  });
});
