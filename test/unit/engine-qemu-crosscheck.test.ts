// The QEMU-table cross-check reproduces the known result (tdx-cpuid-model.md 4): for 1.5.01 ..
// 2.0.02 QEMU's fixed1 list equals the module's fixed1 ∪ native-verified-1 minus XFAM-gated
// bits, except ARAT and SYSCALL (QEMU only) and PKS (module only, attribute-gated); against
// 1.0.x many bits are stale. The per-bit classes also agree with the reference file's own
// comparison, which was computed independently from the module sources.
import { describe, expect, it } from 'vitest';
import { qemuFixed1CrossCheck } from '../../shared/engine/qemu-crosscheck';
import { bitClass } from '../../shared/engine/classes';
import type { BitClass } from '../../shared/engine/types';
import { moduleTable, moduleVersions } from '../../shared/knowledge/tdx-module/module-table';
import { qemuReferenceCrossCheck, resolveQemu } from '../../shared/knowledge/qemu/qemu-knowledge';

const qemu = resolveQemu('10.1')!.tables;
const addr = (b: { leaf: number; subleaf: number | null; reg: string; bit: number }): string => `${b.leaf.toString(16)}.${b.subleaf ?? '-'}.${b.reg}[${b.bit}]`;

describe('QEMU fixed1 list vs the module tables', () => {
  it.each(['1.5-beta', '1.5.01', '1.5.05', '1.5.06', '1.5.08', '2.0.02'])('%s: equal except ARAT, SYSCALL (QEMU only) and PKS (module only)', (v) => {
    const c = qemuFixed1CrossCheck(moduleTable(v)!, qemu);
    expect(c.qemuOnly.map(addr)).toEqual(['6.-.eax[2]', '80000001.-.edx[11]']);
    expect(c.qemuOnly.map((b) => b.moduleClass)).toEqual(['FAULTING', 'DYNAMIC']);
    expect(c.moduleOnly.map(addr)).toEqual(['7.0.ecx[31]']);
    expect(c.moduleOnly[0]!.gates).toEqual(['ATTR:PKS']);
  });

  it('1.5.09+ / 2.0.04+: ARAT is fixed1 now, MCE/MTRR/MCA/CORE_CAPABILITIES became configurable (QEMU keeps them)', () => {
    for (const v of ['1.5.09', '1.5.34', '2.0.04', '2.0.18']) {
      const c = qemuFixed1CrossCheck(moduleTable(v)!, qemu);
      expect(c.qemuOnly.map(addr)).toEqual(['1.-.edx[7]', '1.-.edx[12]', '1.-.edx[14]', '7.0.edx[30]', '80000001.-.edx[11]']);
      expect(c.qemuOnly.slice(0, 4).every((b) => b.moduleClass === 'CONFIG_AND_NATIVE')).toBe(true);
    }
  });

  it('against 1.0.x many QEMU bits are not fixed by the module', () => {
    expect(qemuFixed1CrossCheck(moduleTable('1.0.00')!, qemu).qemuOnly.length).toBeGreaterThan(30);
    expect(qemuFixed1CrossCheck(moduleTable('1.0.3')!, qemu).qemuOnly.length).toBeGreaterThan(30);
  });

  it('agrees with the reference comparison on every QEMU fixed1 bit and version', () => {
    const toClass: Readonly<Record<string, readonly BitClass[]>> = {
      'native_derived+verify=1': ['NATIVE_VERIFIED_1'],
      native_derived: ['NATIVE'],
      fixed1: ['FIXED1'],
      'fixed1+verify=1': ['FIXED1'],
      'native_derived+faulting': ['FAULTING'],
      'native_derived+verify=1+faulting': ['FAULTING'],
      'fixed0_or_dynamic+verify=1': ['FIXED0', 'DYNAMIC'],
      'leaf-not-in-table(#VE)': ['ABSENT'],
    };
    let compared = 0;
    for (const [leaf, subleaf, reg, b, byVersion] of qemuReferenceCrossCheck().upstreamFixed1Rows) {
      for (const [v, cat] of Object.entries(byVersion)) {
        const t = moduleTable(v)!;
        expect(toClass[cat], `category ${cat}`).toBeDefined();
        expect(toClass[cat], `${v} ${leaf.toString(16)}.${subleaf}.${reg}[${b}]`).toContain(bitClass(t.get(leaf, subleaf), leaf, reg, b));
        compared++;
      }
    }
    expect(compared).toBe(79 * 7);
    // The module-only bits the reference lists are exactly the engine's.
    for (const [v, leaf, subleaf, reg, bits] of qemuReferenceCrossCheck().moduleOnly) {
      const c = qemuFixed1CrossCheck(moduleTable(v)!, qemu);
      expect(c.moduleOnly.filter((x) => x.leaf === leaf && x.subleaf === subleaf && x.reg === reg).map((x) => x.bit)).toEqual(bits);
    }
    expect(moduleVersions()).toContain('1.0.00');
  });
});
