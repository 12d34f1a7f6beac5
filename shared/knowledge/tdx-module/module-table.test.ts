import { describe, expect, it } from 'vitest';
import { REGS } from '../../model/address';
import { moduleTable, moduleVersions, resolveModuleTable } from './module-table';

describe('TDX module tables', () => {
  it('reads every version with its lookup and configurable tables', () => {
    for (const v of moduleVersions()) {
      const t = moduleTable(v)!;
      expect(t.version).toBe(v);
      expect(t.entries.length).toBe(t.info.lookupCount);
      expect(t.configSlots.length).toBe(t.info.configCount);
      t.configSlots.forEach((e, i) => expect(e.configIndex).toBe(i));
      // Lookup entries are sorted by leaf, then sub-leaf.
      for (let i = 1; i < t.entries.length; i++) {
        const a = t.entries[i - 1]!;
        const b = t.entries[i]!;
        expect(a.leaf < b.leaf || (a.leaf === b.leaf && (a.subleaf ?? -1) < (b.subleaf ?? -1))).toBe(true);
      }
    }
  });

  it('has 79 lookup entries and 28 configurable slots from 1.5.09 / 2.0.04 on (#VE reduction)', () => {
    for (const v of ['1.5.09', '1.5.34', '2.0.04', '2.0.18']) {
      const t = moduleTable(v)!;
      expect([t.info.lookupCount, t.info.configCount, t.info.veReduction]).toEqual([79, 28, true]);
      // Slot 18 is leaf 0x19, slots 19..27 are leaf 0x18 sub-leaves 0..8.
      expect(t.configSlots[18]).toMatchObject({ leaf: 0x19, subleaf: null });
      expect(t.configSlots.slice(19).map((e) => [e.leaf, e.subleaf])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((s) => [0x18, s]));
      expect(t.entries.some((e) => e.faulting)).toBe(false);
    }
    for (const v of ['1.5.06', '1.5.08', '2.0.02']) {
      const t = moduleTable(v)!;
      expect(t.info.veReduction).toBe(false);
      expect(t.get(6, null)!.faulting).toBe(true);
      expect(t.configSlots.length).toBe(18);
    }
  });

  it('recomputes the derived masks: masks disjoint, native = the rest, verified bits inside the verify mask', () => {
    for (const v of moduleVersions()) {
      for (const e of moduleTable(v)!.entries) {
        for (const r of REGS) {
          const m = e.regs[REGS.indexOf(r)];
          const fixedAndConfig = [m.fixed1, m.fixed0, m.configDirect, m.allowDirect];
          for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect((fixedAndConfig[i]! & fixedAndConfig[j]!) >>> 0).toBe(0);
          expect((m.native | m.fixed1 | m.fixed0 | m.configDirect | m.allowDirect) >>> 0).toBe(0xffffffff);
          expect((m.nativeVerified1 | m.nativeVerified0) >>> 0).toBe((m.native & m.verifyMask) >>> 0);
        }
      }
    }
  });

  it('knows facts a reader of the module sources can check', () => {
    const t = moduleTable('1.5.06')!;
    // 0.EAX max basic leaf: 0x21 in 1.0.x, 0x23 in 1.5.x/2.0.x.
    expect(moduleTable('1.0.00')!.maxBasicLeaf).toBe(0x21);
    expect(t.maxBasicLeaf).toBe(0x23);
    // Leaf 0x21: the TDX signature "IntelTDX    " is fixed1.
    const sig = t.get(0x21, 0)!;
    expect([sig.regs[1].fixed1, sig.regs[2].fixed1, sig.regs[3].fixed1]).toEqual([0x65746e49, 0x20202020, 0x5844546c]);
    // 1.ECX[31] HYPERVISOR is fixed1, 1.EDX[9] APIC native-verified-1 in 1.5.06.
    expect(t.get(1, null)!.regs[2].fixed1 & 0x80000000).not.toBe(0);
    // XFAM[5..7] gate AVX512F (7.0.EBX[16]).
    const l7 = t.get(7, 0)!;
    for (const x of [5, 6, 7]) expect(l7.xfamGating.get(x)![1] & (1 << 16)).not.toBe(0);
    // The CPUID_CONFIG order begins with leaf 1, then leaf 4 sub-leaves 0..3.
    expect(t.configSlots.slice(0, 5).map((e) => [e.leaf, e.subleaf])).toEqual([[1, null], [4, 0], [4, 1], [4, 2], [4, 3]]);
    // 1.0.x lacks leaves 2, 5, 0xB and 0x1A.
    const old = moduleTable('1.0.00')!;
    for (const leaf of [2, 5, 0xb, 0x1a]) expect(old.hasLeaf(leaf)).toBe(false);
    // LASS virtualization only from 1.5.05 on.
    expect(moduleTable('1.5.01')!.lassGating).toBe(false);
    expect(moduleTable('1.5.05')!.lassGating).toBe(true);
    // CPUID_FIXED0_BITMAP = 0x0380000508CFD308 in the #VE-reduction generation.
    expect([...moduleTable('2.0.18')!.fixed0BitmapLeaves].sort((a, b) => a - b)).toEqual([
      0x3, 0x8, 0x9, 0xc, 0xe, 0xf, 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x1b, 0x20, 0x22, 0x80000003, 0x80000004, 0x80000005,
    ]);
  });

  it('resolves a version without a table to the nearest older one of its line', () => {
    const r = resolveModuleTable('1.5.07')!;
    expect(r.table.version).toBe('1.5.06');
    expect(r.choice.exact).toBe(false);
    expect(resolveModuleTable('x')).toBeNull();
  });
});
