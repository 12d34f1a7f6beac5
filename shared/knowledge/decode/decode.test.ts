import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CpuidTableBuilder } from '../../model/cpuid-table';
import { finishDump } from '../../model/build-dump';
import type { CpuidDump } from '../../model/dump';
import { registerDifferences } from '../../model/heterogeneity';
import { detectFormat, parseInput } from '../../formats/registry';
import { layoutsOf } from '../bits/table';
import { decodeReport, decodeReportJson, fastRegisterDifferences, heterogeneousFields, renderDecodeText, writeDecodeReportJson } from './index';
import type { DecodeReport } from './index';

const corpus = join(__dirname, '../../../test/fixtures/corpus');

function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Every corpus file that is text; binary bundles are read by electron/bundle, not here. */
function corpusFiles(): string[] {
  const out: string[] = [];
  for (const d of readdirSync(corpus, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(corpus, d.name))) if (!/\.tar\.(bz2|gz)$|\.tgz$/.test(f)) out.push(join(d.name, f));
  }
  return out.sort();
}

const cache = new Map<string, CpuidDump | null>();
function load(rel: string): CpuidDump | null {
  if (cache.has(rel)) return cache.get(rel)!;
  const text = decodeText(readFileSync(join(corpus, rel)));
  let dump: CpuidDump | null = null;
  if (detectFormat(text)) {
    try {
      const { parsed } = parseInput(text, rel);
      if (parsed.kind === 'cpuid') dump = parsed;
    } catch {
      dump = null; // not a CPUID dump its reader accepts (decoded cpuid/kcpuid text, JSON schema)
    }
  }
  cache.set(rel, dump);
  return dump;
}
const aida = (f: string): CpuidDump => load(join('aida64_instlatx64', f))!;
const report = (d: CpuidDump, opts = {}): DecodeReport => decodeReport(d, { path: d.name, sha256: '0'.repeat(64) }, opts);
const feature = (r: DecodeReport, name: string) => r.features.find((f) => f.name === name);

const u32 = z.number().int().min(0).max(0xffffffff);
const sub = z.union([u32, z.null()]);
const reg = z.enum(['eax', 'ebx', 'ecx', 'edx']);
const bitsPair = z.tuple([z.number().int().min(0).max(31), z.number().int().min(0).max(31)]);
const leafRow = z.object({ leaf: u32, subleaf: sub, eax: u32, ebx: u32, ecx: u32, edx: u32 }).strict();
const featureRow = z.object({ leaf: u32, subleaf: sub, reg, bit: z.number().int().min(0).max(31), name: z.string().min(1), value: z.union([z.literal(0), z.literal(1), z.null()]) }).strict();
const contract = z
  .object({
    schema: z.literal('tdx-cpuid/decode/v1'),
    source: z
      .object({
        path: z.string(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        format: z.string(),
        cpuCount: z.number().int().min(1),
        vendor: z.string().nullable(),
        brand: z.string().nullable(),
        family: z.number().int().nullable(),
        model: z.number().int().nullable(),
        stepping: z.number().int().nullable(),
      })
      .strict(),
    cpu: z.number().int().min(0),
    leaves: z.array(leafRow),
    features: z.array(featureRow),
    fields: z.array(z.object({ leaf: u32, subleaf: sub, reg, bits: bitsPair, name: z.string().min(1), value: z.union([u32, z.null()]) }).strict()),
    heterogeneous: z.array(
      z.object({ leaf: u32, subleaf: sub, reg, bits: bitsPair, name: z.string().optional(), cpus: z.record(z.string().regex(/^\d+$/), z.union([u32, z.null()])) }).strict(),
    ),
    valueKind: z.enum(['values', 'mask', 'ternary', 'flags']),
    signatures: z.object({ hypervisor: z.string().nullable(), tdx: z.string().nullable() }).strict(),
    cpus: z.array(z.object({ cpu: z.number().int(), leaves: z.array(leafRow), features: z.array(featureRow) }).strict()).optional(),
  })
  .strict();

const order = (a: { leaf: number; subleaf: number | null; reg?: string; bit?: number }, b: typeof a): number =>
  a.leaf - b.leaf || (a.subleaf ?? -1) - (b.subleaf ?? -1) || ['eax', 'ebx', 'ecx', 'edx'].indexOf(a.reg ?? '') - ['eax', 'ebx', 'ecx', 'edx'].indexOf(b.reg ?? '') || (a.bit ?? 0) - (b.bit ?? 0);

describe('decode on every corpus CPUID dump', () => {
  for (const rel of corpusFiles()) {
    const dump = load(rel);
    it.skipIf(dump === null)(`${rel}${dump === null ? ' (no registered reader returns a CPUID dump for it)' : ''}`, () => {
      const r = report(dump!);
      contract.parse(JSON.parse(JSON.stringify(r)));
      expect(r.source.cpuCount).toBe(dump!.cpus.length);
      // Sorted as the contract says; features are every named bit of every present leaf, zeros included.
      expect([...r.features].sort(order)).toEqual(r.features);
      expect([...r.leaves].sort(order)).toEqual(r.leaves);
      const expected = r.leaves.reduce((n, l) => n + layoutsOf(l.leaf, l.subleaf).reduce((m, lay) => m + lay.features.length, 0), 0);
      expect(r.features).toHaveLength(expected);
      if (dump!.valueKind === 'values') {
        expect(r.features.some((f) => f.value === 0)).toBe(true);
        expect(r.features.every((f) => f.value !== null)).toBe(true);
      }
      // Same input, same bytes.
      expect(JSON.stringify(report(dump!))).toBe(JSON.stringify(r));
    });
  }
});

describe('decode facts a person can check in the dumps', () => {
  it('AVX512F and AMX are set on Sapphire Rapids, AVX512F is clear on Alder Lake', () => {
    for (const f of ['GenuineIntel00806F8_SapphireRapids_05_CPUID.txt', 'GenuineIntel00806F8_SapphireRapids_06_CPUID.txt']) {
      const r = report(aida(f));
      expect(feature(r, 'avx512f')).toMatchObject({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16, value: 1 });
      expect(feature(r, 'amx_tile')?.value).toBe(1);
      expect(feature(r, 'amx_int8')?.value).toBe(1);
      expect(r.source).toMatchObject({ vendor: 'GenuineIntel', family: 6, model: 143, stepping: 8 });
    }
    for (const f of ['GenuineIntel0090672_AlderLake_03_CPUID.txt', 'GenuineIntel0090675_AlderLake_00_CPUID.txt']) {
      const r = report(aida(f));
      expect(feature(r, 'avx512f')).toMatchObject({ bit: 16, value: 0 });
    }
    // The 24-thread part is hybrid (P+E cores); the 8-thread one has P-cores only.
    expect(feature(report(aida('GenuineIntel0090672_AlderLake_03_CPUID.txt')), 'hybrid_cpu')?.value).toBe(1);
    expect(feature(report(aida('GenuineIntel0090675_AlderLake_00_CPUID.txt')), 'hybrid_cpu')?.value).toBe(0);
  });

  it('names fields: family/model/stepping bits and the address widths', () => {
    const r = report(aida('GenuineIntel00806F8_SapphireRapids_05_CPUID.txt'));
    expect(r.fields.find((f) => f.leaf === 1 && f.name === 'model')).toEqual({ leaf: 1, subleaf: null, reg: 'eax', bits: [4, 7], name: 'model', value: 15 });
    expect(r.fields.find((f) => f.name === 'ext_model')?.value).toBe(8);
    // CPUID 80000008: 00003934 in the dump.
    expect(r.fields.find((f) => f.name === 'phys_addr_bits')?.value).toBe(52);
    expect(r.fields.find((f) => f.name === 'virt_addr_bits')?.value).toBe(57);
    expect(r.fields.find((f) => f.name === 'xsave_amx_tiledata_size')).toMatchObject({ subleaf: 18, value: 8192 });
  });

  it('reports hybrid leaf 0x1A as heterogeneous on the Alder Lake dump, not the APIC IDs', () => {
    const d = aida('GenuineIntel0090672_AlderLake_03_CPUID.txt');
    const het = heterogeneousFields(d);
    expect(het).toContainEqual({ leaf: 0x1a, subleaf: null, reg: 'eax', bits: [24, 31], name: 'core_type', cpus: { '0': 64, '16': 32 } });
    // Cache leaf 4 differs between P and E cores too.
    expect(het.some((h) => h.leaf === 4)).toBe(true);
    // APIC IDs do differ on every CPU ...
    const raw = fastRegisterDifferences(d);
    expect(raw.some((x) => x.leaf === 1 && x.reg === 'ebx' && x.diffMask >>> 24 !== 0)).toBe(true);
    expect(raw.some((x) => x.leaf === 0xb && x.reg === 'edx')).toBe(true);
    // ... and are left out.
    expect(het.filter((h) => (h.leaf === 1 && h.reg === 'ebx' && h.bits[1] >= 24) || ((h.leaf === 0xb || h.leaf === 0x1f) && h.reg === 'edx'))).toEqual([]);
    const text = renderDecodeText(report(d), { cpuIds: d.cpus.map((c) => c.id) });
    expect(text).toContain('0x1A.EAX[31:24] core_type: CPUs 0-15 = 0x40, CPUs 16-23 = 0x20');
  });

  it('finds nothing heterogeneous on the 112-CPU Emerald Rapids dump but the per-CPU IDs', () => {
    const d = aida('GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt');
    expect(d.cpus).toHaveLength(112);
    expect(fastRegisterDifferences(d).length).toBeGreaterThan(0);
    expect(heterogeneousFields(d)).toEqual([]);
    expect(heterogeneousFields(d, { includeIdentity: true }).some((h) => h.name === 'local_apic_id')).toBe(true);
  });

  it('computes the same register differences as the model does', () => {
    for (const f of ['GenuineIntel0090672_AlderLake_03_CPUID.txt', 'GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt', 'AuthenticAMD0A70F52_K19_HawkPoint_01_CPUID.txt']) {
      const d = aida(f);
      const norm = (xs: ReturnType<typeof registerDifferences>) => xs.map((x) => ({ ...x, byCpu: [...x.byCpu] }));
      expect(norm(fastRegisterDifferences(d))).toEqual(norm(registerDifferences(d)));
    }
  });

  it('reads the hypervisor signature of a guest dump', () => {
    const d = load('etallen_cpuid/local_bhyve-guest_AMD-Turin-like_cpuid-r.txt')!;
    const r = report(d);
    expect(r.signatures).toEqual({ hypervisor: 'bhyve bhyve ', tdx: null });
    expect(feature(r, 'hypervisor')?.value).toBe(1);
  });

  it('decodes every CPU with --all-cpus', () => {
    const d = aida('GenuineIntel0090675_AlderLake_00_CPUID.txt');
    const r = report(d, { allCpus: true });
    expect(r.cpus!.map((c) => c.cpu)).toEqual(d.cpus.map((c) => c.id).sort((a, b) => a - b));
    expect(r.cpus![0]!.features).toEqual(r.features);
    contract.parse(JSON.parse(JSON.stringify(r)));
    expect(report(d, { cpu: 4 }).cpu).toBe(4);
    expect(() => report(d, { cpu: 99 })).toThrow(/no CPU 99/);
  });

  it('shows bits a /proc/cpuinfo dump does not give as null', () => {
    const d = load('proc_cpuinfo/local_bhyve-guest_AMD-Turin-like_proc_cpuinfo.txt')!;
    const r = report(d);
    expect(feature(r, 'avx512f')?.value).toBe(1);
    expect(feature(r, 'osxsave')?.value).toBeNull();
    expect(r.fields.find((f) => f.name === 'phys_addr_bits')?.value).toBe(48);
    expect(r.fields.find((f) => f.name === 'cpu_type')?.value).toBeNull();
  });

  it('reads the TDX signature of leaf 0x21 inside a TD', () => {
    const b = new CpuidTableBuilder()
      .add({ leaf: 0, eax: 0x23, ebx: 0x756e6547, ecx: 0x6c65746e, edx: 0x49656e69 })
      .add({ leaf: 1, eax: 0x000806f8, ebx: 0, ecx: 0x80000000, edx: 0 })
      .add({ leaf: 0x21, subleaf: 0, eax: 0, ebx: 0x65746e49, ecx: 0x20202020, edx: 0x5844546c });
    const d = finishDump({ format: 'test', name: 'td', valueKind: 'values', cpus: [{ id: 0, table: b.build() }] });
    const r = report(d);
    expect(r.signatures.tdx).toBe('IntelTDX    ');
    expect(r.fields.filter((f) => f.leaf === 0x21).map((f) => f.name)).toEqual(['tdx_max_subleaf', 'tdx_vendorid_0', 'tdx_vendorid_2', 'tdx_vendorid_1']);
  });
});

describe('decodeReportJson', () => {
  it('writes the same bytes as JSON.stringify(decodeReport(...))', () => {
    for (const rel of ['aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt', 'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt', 'proc_cpuinfo/local_bhyve-guest_AMD-Turin-like_proc_cpuinfo.txt', 'firecracker/T2S.json', 'libvirt_cputestdata/x86_64-cpuid-Xeon-6788P-enabled.xml']) {
      const d = load(rel)!;
      const file = { path: rel, sha256: 'f'.repeat(64) };
      for (const opts of [{}, { allCpus: true }, { cpu: d.cpus[d.cpus.length - 1]!.id }]) {
        expect(decodeReportJson(d, file, opts)).toBe(JSON.stringify(decodeReport(d, file, opts)));
      }
    }
  });
});

describe('writeDecodeReportJson', () => {
  it('hands out pieces that add up to the same JSON, in text and in UTF-8 pieces', () => {
    const d = load('aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt')!;
    const file = { path: 'adl', sha256: 'f'.repeat(64) };
    const pieces: (string | Uint8Array)[] = [];
    writeDecodeReportJson(d, file, { allCpus: true }, (c) => pieces.push(c), (t) => new TextEncoder().encode(t));
    const text = pieces.map((p) => (typeof p === 'string' ? p : new TextDecoder().decode(p))).join('');
    expect(text).toBe(JSON.stringify(decodeReport(d, file, { allCpus: true })));
    // 24 CPUs, two core types: the features of P and E cores are each encoded once.
    const binary = pieces.filter((p): p is Uint8Array => typeof p !== 'string');
    expect(binary).toHaveLength(24);
    expect(new Set(binary).size).toBeLessThanOrEqual(3);
  });
});
