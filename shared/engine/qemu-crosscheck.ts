// The QEMU-table cross-check (tdx-cpuid-model.md 4, last paragraph): QEMU hard-codes a fixed1
// list "grabbed from the TDX 1.5.06 spec"; the module's effectively fixed bits are fixed1 ∪
// native-verified-1 (a platform where a verified bit differs is rejected at init), minus the
// XFAM-gated bits, which a TD only has when the XFAM component is enabled. Comparing the two,
// per register of QEMU's list, tells which QEMU table entries are stale for the module a
// report names (rule qemu-table-stale uses this).

import type { BitAddress, Reg } from '../model/address';
import { bitsOf, regIndex } from '../model/address';
import type { QemuTdxTables } from '../knowledge/qemu/qemu-knowledge';
import type { ModuleTable } from '../knowledge/tdx-module/module-table';
import { bitClass, bitGates } from './classes';
import type { BitClass, Gate } from './types';

export interface CrossCheckBit extends BitAddress {
  /** The module's class of the bit (ABSENT when the module has no such leaf). */
  readonly moduleClass: BitClass;
  readonly gates: readonly Gate[];
}

export interface QemuCrossCheck {
  readonly module: string;
  readonly qemu: string;
  /** Registers compared: those of QEMU's fixed1 list. */
  readonly registers: readonly { readonly leaf: number; readonly subleaf: number | null; readonly reg: Reg }[];
  /** In QEMU's fixed1 list but not effectively fixed to 1 by the module. */
  readonly qemuOnly: readonly CrossCheckBit[];
  /** Effectively fixed to 1 by the module but missing from QEMU's list. */
  readonly moduleOnly: readonly CrossCheckBit[];
}

/** fixed1 | native-verified-1, minus XFAM-gated bits, for one register. */
export function moduleEffectiveFixed1(module: ModuleTable, leaf: number, subleaf: number | null, reg: Reg): number {
  const e = module.get(leaf, subleaf);
  if (!e) return 0;
  const m = e.regs[regIndex(reg)];
  let gated = 0;
  for (const masks of e.xfamGating.values()) gated |= masks[regIndex(reg)]!;
  return ((m.fixed1 | m.nativeVerified1) & ~gated) >>> 0;
}

export function qemuFixed1CrossCheck(module: ModuleTable, tables: QemuTdxTables): QemuCrossCheck {
  const qemuOnly: CrossCheckBit[] = [];
  const moduleOnly: CrossCheckBit[] = [];
  const registers = tables.fixed1.map((f) => ({ leaf: f.leaf, subleaf: f.subleaf, reg: f.reg }));
  for (const f of tables.fixed1) {
    const eff = moduleEffectiveFixed1(module, f.leaf, f.subleaf, f.reg);
    const entry = module.get(f.leaf, f.subleaf);
    const describe = (bit: number): CrossCheckBit => ({
      leaf: f.leaf,
      subleaf: f.subleaf,
      reg: f.reg,
      bit,
      moduleClass: bitClass(entry, f.leaf, f.reg, bit),
      gates: entry ? bitGates(module, entry, f.reg, bit) : [],
    });
    for (const b of bitsOf((f.mask & ~eff) >>> 0)) qemuOnly.push(describe(b));
    for (const b of bitsOf((eff & ~f.mask) >>> 0)) moduleOnly.push(describe(b));
  }
  return { module: module.version, qemu: tables.version.version, registers, qemuOnly, moduleOnly };
}
