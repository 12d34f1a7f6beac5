// TDH.SYS.INIT's CPUID check (tdx-cpuid-model.md 2: "at platform init the native value must
// satisfy (H & verify_mask) == verify_value, else the module refuses to initialize",
// TDX_INCORRECT_CPUID_VALUE) and TDH.SYS.LP.INIT's verify_same check across logical processors.

import { REGS } from '../model/address';
import type { ModuleTable } from '../knowledge/tdx-module/module-table';
import type { HostView } from './host';
import type { RegisterCheckFailure } from './types';

/**
 * Bits whose native value depends on how the dump was taken, not on the CPU: SYSCALL
 * (0x80000001.EDX[11]) reads 1 only in 64-bit mode, so a 32-bit dump tool sees 0 where the
 * module (64-bit) sees 1. They are not judged.
 */
export const MODE_DEPENDENT: readonly (readonly [number, string, number])[] = [[0x80000001, 'edx', 1 << 11]];

function modeDependent(leaf: number, reg: string): number {
  let m = 0;
  for (const [l, r, bits] of MODE_DEPENDENT) if (l === leaf && r === reg) m |= bits;
  return m;
}

/** Failing registers of the verify check; bits the dump does not give are not judged. */
export function verifyFailures(host: HostView, module: ModuleTable): RegisterCheckFailure[] {
  const out: RegisterCheckFailure[] = [];
  for (const e of module.entries) {
    REGS.forEach((reg, i) => {
      const m = e.regs[i]!;
      if (m.verifyMask === 0) return;
      const h = host.reg(e.leaf, e.subleaf, reg);
      const judged = (m.verifyMask & h.k & ~modeDependent(e.leaf, reg)) >>> 0;
      const bad = ((h.v ^ m.verifyValue) & judged) >>> 0;
      if (bad) out.push({ leaf: e.leaf, subleaf: e.subleaf, reg, bits: bad, expected: m.verifyValue, found: (h.v & m.verifyMask) >>> 0 });
    });
  }
  return out;
}

export interface LpDifference extends RegisterCheckFailure {
  /** CPU ids whose value differs from CPU 0's. */
  readonly cpus: readonly number[];
}

/** verify_same bits that differ between logical processors (per-LP init would fail). */
export function verifySameDifferences(host: HostView, module: ModuleTable): LpDifference[] {
  const cpus = host.dump.cpus;
  if (cpus.length < 2) return [];
  const out: LpDifference[] = [];
  const first = cpus[0]!.table;
  for (const e of module.entries) {
    REGS.forEach((reg, i) => {
      const same = e.regs[i]!.verifySame;
      if (same === 0) return;
      const base = first.regOf(e.leaf, e.subleaf, reg);
      if (base === undefined) return;
      let bits = 0;
      const differing: number[] = [];
      for (const c of cpus.slice(1)) {
        const v = c.table.regOf(e.leaf, e.subleaf, reg);
        if (v === undefined) continue;
        const d = ((v ^ base) & same) >>> 0;
        if (d) {
          bits |= d;
          differing.push(c.id);
        }
      }
      if (bits) out.push({ leaf: e.leaf, subleaf: e.subleaf, reg, bits: bits >>> 0, expected: (base & same) >>> 0, found: (base & same) >>> 0, cpus: differing });
    });
  }
  return out;
}
