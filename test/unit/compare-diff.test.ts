// `diff` of two sources of one layer kind (shared/compare/diff.ts) on real corpus dumps and
// KVM captures: facts a person can check in the dumps, per-CPU differences of hybrid parts,
// lossy sources compared only where they give bits, and refusals of mixed kinds.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiffError, diffSources } from '../../shared/compare/diff';
import type { Difference } from '../../shared/compare/diff';
import { parseInput } from '../../shared/formats/registry';
import type { KvmInput } from '../../shared/model/inputs';
import { corpusDump } from './engine-corpus';

function find(list: readonly Difference[], leaf: number, subleaf: number | null, reg: string, bitOrLow: number): Difference | undefined {
  return list.find((d) => d.leaf === leaf && d.subleaf === subleaf && d.reg === reg && (d.bit ?? d.bits![0]) === bitOrLow && d.cpu === undefined);
}

function kvm(file: string): KvmInput {
  const path = resolve(__dirname, '../fixtures/ingest', file);
  return parseInput(readFileSync(path, 'utf8'), path).parsed as KvmInput;
}

describe('diff of two host dumps', () => {
  it('Xeon Gold 5520+ (2 x 28C/56T) against Silver 4514Y (2 x 16C/32T): topology, TSC, brand; APIC IDs left out', async () => {
    const a = await corpusDump('aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt');
    const b = await corpusDump('aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt');
    const r = diffSources(a, b);
    expect(r.kind).toBe('cpuid');
    expect(r.cpus).toEqual({ a: 112, b: 64, compared: 64 });
    expect(r.notes).toEqual(['A has 112 CPUs, B 64: CPUs 0-63 (in dump order) compared pairwise']);
    // Logical processors per package at the core level of 0x1F: 56 vs 32.
    expect(find(r.differences, 0x1f, 1, 'ebx', 0)).toMatchObject({ bits: [0, 15], name: 'domain_lcpus_count', a: 56, b: 32 });
    // Base frequency in CPUID 0x16: 2200 vs 2000 MHz.
    expect(find(r.differences, 0x16, null, 'eax', 0)).toMatchObject({ a: 2200, b: 2000 });
    expect(r.scalars).toContainEqual({ name: 'brand', a: 'INTEL(R) XEON(R) GOLD 5520+', b: 'INTEL(R) XEON(R) SILVER 4514Y' });
    // The same CPU model: no feature flag of leaf 7 differs, and per-CPU identities (APIC IDs) are not differences.
    expect(r.differences.filter((d) => d.leaf === 7)).toEqual([]);
    expect(r.differences.some((d) => d.leaf === 1 && d.reg === 'ebx' && d.bits?.[0] === 24)).toBe(false);
    expect(r.differences.some((d) => d.cpu !== undefined)).toBe(false);
  });

  it('a dump against itself: no difference', async () => {
    const a = await corpusDump('aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt');
    expect(diffSources(a, a).differences).toEqual([]);
  });

  it('Sapphire Rapids Bronze 3408U against Emerald Rapids Gold 6530 (libvirt): features named, both values given', async () => {
    const a = await corpusDump('libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml');
    const b = await corpusDump('libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml');
    const r = diffSources(a, b);
    // 0x806f7 against 0xc06f2: extended model 8 (Sapphire) and 0xC (Emerald).
    expect(find(r.differences, 1, null, 'eax', 16)).toMatchObject({ bits: [16, 19], name: 'ext_model', a: 8, b: 0xc });
    // AMX on the Gold 6530, not on the Bronze 3408U.
    expect(find(r.differences, 7, 0, 'edx', 24)).toMatchObject({ bit: 24, name: 'amx_tile', a: 0, b: 1 });
    expect(find(r.differences, 1, null, 'eax', 0)).toMatchObject({ bits: [0, 3], name: 'stepping', a: 7, b: 2 });
  });

  it('hybrid parts differ per CPU: P-core and E-core differences carry the CPU', async () => {
    const a = await corpusDump('hwloc_gather_cpuid/Intel-ArrowLake-CoreUltra5-225U.tar.bz2');
    const b = await corpusDump('aida64_instlatx64/GenuineIntel00C0662_ArrowLake_07_CPUID.txt');
    const r = diffSources(a, b);
    const perCpu = r.differences.filter((d) => d.cpu !== undefined);
    expect(perCpu.length).toBeGreaterThan(0);
    // Every per-CPU difference names a CPU of A that exists.
    const ids = new Set(a.cpus.map((c) => c.id));
    expect(perCpu.every((d) => ids.has(d.cpu!))).toBe(true);
  });

  it('/proc/cpuinfo against a full dump of the same machine (i7-1370P): only the bits Linux prints are compared', async () => {
    const a = await corpusDump('proc_cpuinfo/hwloc_20em64t-hybrid-1p6c2t+2ca4co1t__proc_cpuinfo.txt');
    const b = await corpusDump('hwloc_gather_cpuid/Intel-RaptorLake-Corei7-1370P.tar.bz2');
    const r = diffSources(a, b);
    expect(r.notes).toContain('A holds flags, B values: only bits both give are compared');
    expect(r.differences.length).toBeLessThan(5);
    // The leaves /proc/cpuinfo does not cover (caches, topology) are not reported as missing.
    expect(r.differences.some((d) => d.leaf === 4 || d.leaf === 0xb)).toBe(false);
  });

  it('a host against a guest view (Firecracker on Sapphire Rapids): the hypervisor bit and the masked FMS', async () => {
    const a = await corpusDump('libvirt_cputestdata/x86_64-cpuid-Xeon-w7-3465X.xml');
    const b = await corpusDump('firecracker/fingerprint_INTEL_SAPPHIRE_RAPIDS_6.1host.json');
    const r = diffSources(a, b);
    expect(find(r.differences, 1, null, 'ecx', 31)).toMatchObject({ name: 'hypervisor', a: 0, b: 1 });
    expect(find(r.differences, 1, null, 'eax', 0)).toMatchObject({ name: 'stepping', a: 6, b: 8 });
  });
});

describe('diff of two KVM captures', () => {
  it('KVM_TDX_CAPABILITIES of the 6.16 ABI against the legacy ABI: lists and scalars', () => {
    const r = diffSources(kvm('kvm-selftest-6.16.log'), kvm('kvm-selftest-legacy.log'));
    expect(r.kind).toBe('kvm');
    expect(r.lists).toEqual(['tdxCaps']);
    expect(r.scalars).toContainEqual({ name: 'tdxCaps.abi', a: '6.16', b: 'legacy' });
    expect(r.scalars).toContainEqual({ name: 'tdxCaps.supportedAttrs', a: '0x10000000', b: '0xd0000001' });
    // Leaves without sub-leaves match whatever index/flags each ABI wrote.
    expect(r.differences.every((d) => d.subleaf === null || [4, 7, 0xd, 0xb, 0x14, 0x1d, 0x1e, 0x1f, 0x18, 0x23, 0x24].includes(d.leaf))).toBe(true);
  });

  it('a capture against itself: nothing', () => {
    const k = kvm('kvm-capture-6.16.json');
    const r = diffSources(k, k);
    expect(r.differences).toEqual([]);
    expect(r.scalars).toEqual([]);
  });
});

describe('diff refuses sources of different kinds', () => {
  it('a CPUID dump against a KVM capture', async () => {
    const a = await corpusDump('libvirt_cputestdata/x86_64-cpuid-Xeon-w7-3465X.xml');
    expect(() => diffSources(a, kvm('kvm-capture-6.16.json'))).toThrow(DiffError);
    expect(() => diffSources(a, kvm('kvm-capture-6.16.json'))).toThrow(/A is a CPUID dump, B is a KVM capture/);
  });

  it('two KVM captures without a list in common', () => {
    const caps = kvm('kvm-selftest-6.16.log');
    const set: KvmInput = { kind: 'kvm', format: 'test', name: 'set.json', warnings: [], setCpuid: [{ function: 1, index: 0, flags: 0, eax: 0x806f8, ebx: 0, ecx: 0, edx: 0 }] };
    expect(() => diffSources(caps, set)).toThrow(/no CPUID list in common \(A: KVM_TDX_CAPABILITIES; B: KVM_SET_CPUID2\)/);
  });
});
