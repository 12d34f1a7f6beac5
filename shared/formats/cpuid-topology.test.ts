import { describe, expect, it } from 'vitest';
import type { RawCpuidEntry } from '../model/cpuid-table';
import { CpuidTableBuilder } from '../model/cpuid-table';
import { topologyFromCpuid } from './cpuid-topology';

const table = (...entries: RawCpuidEntry[]) => {
  const b = new CpuidTableBuilder();
  for (const e of entries) b.add(e);
  return b.build();
};
const row = (leaf: number, subleaf: number | undefined, eax: number, ebx: number, ecx: number, edx: number): RawCpuidEntry => ({ leaf, subleaf, eax, ebx, ecx, edx });

describe('topology from CPUID', () => {
  it('uses leaf 0x1F levels (SMT, core, die) and its x2APIC ID', () => {
    // x2APIC 0x35 with shifts SMT 1, core 3, die 5 (the QEMU 2p3d3c2t guest's pu35)
    const t = table(row(0x1f, 0, 1, 2, 0x100, 0x35), row(0x1f, 1, 3, 6, 0x201, 0x35), row(0x1f, 2, 5, 0x12, 0x502, 0x35), row(0x1f, 3, 0, 0, 3, 0x35));
    expect(topologyFromCpuid(t)).toEqual({ apicId: 0x35, package: 1, die: 2, core: 2, thread: 1 });
  });

  it('prefers 0x1F to 0xB and falls back to 0xB (no die level there)', () => {
    const b = [row(0xb, 0, 1, 2, 0x100, 0x75), row(0xb, 1, 6, 0x28, 0x201, 0x75), row(0xb, 2, 0, 0, 2, 0x75)];
    expect(topologyFromCpuid(table(...b))).toEqual({ apicId: 0x75, package: 1, core: 0x1a, thread: 1 });
    const withDie = table(...b, row(0x1f, 0, 1, 2, 0x100, 0x75), row(0x1f, 1, 3, 2, 0x201, 0x75), row(0x1f, 2, 7, 2, 0x502, 0x75));
    expect(topologyFromCpuid(withDie)).toMatchObject({ package: 0, die: 0xe, core: 2 });
  });

  it('without leaf 0xB/0x1F uses 1.EBX[31:24] and the HTT logical count, or AMD ApicIdSize', () => {
    // APIC ID 0x13, 16 logical IDs per package (EBX[23:16] = 0x10), HTT set
    expect(topologyFromCpuid(table(row(1, undefined, 0x306f2, 0x13100800, 0, 1 << 28)))).toEqual({ apicId: 0x13, package: 1 });
    // no HTT: every APIC ID is its own package
    expect(topologyFromCpuid(table(row(1, undefined, 0x306f2, 0x13100800, 0, 0)))).toEqual({ apicId: 0x13, package: 0x13 });
    // AMD: 0x80000008.ECX[15:12] = 7 bits of core/thread ID
    expect(topologyFromCpuid(table(row(1, undefined, 0xa10f11, 0x9f400800, 0, 1 << 28), row(0x80000008, undefined, 0x3030, 0, 0x707f, 0)))).toEqual({ apicId: 0x9f, package: 1 });
  });

  it('names hybrid core types from leaf 0x1A and leaves non-hybrid parts alone', () => {
    const l1 = row(1, undefined, 0xb06a2, 0x3e800800, 0, 1 << 28);
    expect(topologyFromCpuid(table(l1, row(0x1a, 0, 0x20000001, 0, 0, 0)))?.coreType).toBe('Atom');
    expect(topologyFromCpuid(table(l1, row(0x1a, 0, 0x40000001, 0, 0, 0)))?.coreType).toBe('Core');
    expect(topologyFromCpuid(table(l1, row(0x1a, 0, 0, 0, 0, 0)))?.coreType).toBeUndefined();
    expect(topologyFromCpuid(table(row(0, undefined, 0x20, 0, 0, 0)))).toBeUndefined();
  });

  it('ignores a leaf 0xB whose first level is invalid (type 0) and falls back to leaf 1', () => {
    expect(topologyFromCpuid(table(row(1, undefined, 0x50657, 0x40400800, 0, 1 << 28), row(0xb, 0, 0, 0, 0, 0x99)))).toEqual({ apicId: 0x40, package: 1 });
  });
});
