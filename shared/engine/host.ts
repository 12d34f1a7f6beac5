// H, the host's native CPUID, as the TDX module sees the platform: CPU 0's registers, with
// 1.EAX family/model/stepping replaced by the platform FMS (the minimum stepping over all
// packages, tdx-cpuid-model.md 2.1 "1.EAX ... 0 means platform FMS"). Register reads follow
// the CPU: a leaf above the maximum of its range reads 0 for the module ("0 for leaves above
// the CPU's maximum leaf"), a sub-leaf the dump does not list reads as an invalid sub-leaf.

import type { Reg } from '../model/address';
import type { CpuidDump } from '../model/dump';
import { CpuidTable } from '../model/cpuid-table';
import { decodeFms } from '../model/fms';
import type { Bits, Layer } from './layer';
import { ALL, LayerBuilder, UNKNOWN, ZERO, layerOf, layerReg } from './layer';

export interface HostView {
  readonly dump: CpuidDump;
  /** Platform view: CPU 0, with the platform FMS in 1.EAX. */
  readonly layer: Layer;
  /** 1.EAX with the minimum stepping over all CPUs, or null when unknown. */
  readonly platformFms: number | null;
  /** Why the platform FMS differs from CPU 0's, when it does. */
  readonly fmsNote: string | null;
  readonly maxBasic: number | null;
  readonly maxExtended: number | null;
  readonly vendor: string | null;
  /** Register as the module samples it (see file comment). */
  reg(leaf: number, subleaf: number | null, reg: Reg): Bits;
  /** Value of one bit, or null when unknown. */
  bit(leaf: number, subleaf: number | null, reg: Reg, bit: number): 0 | 1 | null;
}

function platformFms(dump: CpuidDump): { fms: number | null; note: string | null } {
  const sigs = dump.cpus.map((c) => c.table.regOf(1, null, 'eax')).filter((v): v is number => v !== undefined);
  if (sigs.length === 0) return { fms: null, note: null };
  const first = sigs[0]!;
  let min = first;
  let mixedModels = false;
  for (const s of sigs) {
    if ((s & ~0xf) !== (first & ~0xf)) mixedModels = true;
    else if ((s & 0xf) < (min & 0xf)) min = s;
  }
  if (mixedModels) return { fms: first, note: 'CPUs report different family/model values; CPU 0 taken as the platform' };
  if (min !== first) {
    const a = decodeFms(first);
    const b = decodeFms(min);
    return { fms: min, note: `CPU 0 has stepping ${a.stepping}, the platform minimum is stepping ${b.stepping}` };
  }
  return { fms: first, note: null };
}

export function hostView(dump: CpuidDump): HostView {
  const cpu0 = dump.cpus[0];
  const base = cpu0 ? layerOf(cpu0.table, cpu0.known) : layerOf(CpuidTable.empty);
  const { fms, note } = platformFms(dump);
  let layer = base;
  if (fms !== null && cpu0 && cpu0.table.regOf(1, null, 'eax') !== fms) {
    const b = new LayerBuilder();
    for (const k of base.keys) {
      for (const r of ['eax', 'ebx', 'ecx', 'edx'] as const) b.setReg(k.leaf, k.subleaf, r, layerReg(base, k.leaf, k.subleaf, r)!);
    }
    b.setReg(1, null, 'eax', { v: fms, k: ALL });
    layer = b.build();
  }
  const maxBasicBits = layerReg(layer, 0, null, 'eax');
  const maxBasic = maxBasicBits && maxBasicBits.k === ALL ? maxBasicBits.v : null;
  const extBits = layerReg(layer, 0x80000000, null, 'eax');
  const maxExtended = extBits && extBits.k === ALL && extBits.v >= 0x80000000 ? extBits.v : null;

  const reg = (leaf: number, subleaf: number | null, r: Reg): Bits => {
    const direct = layerReg(layer, leaf, subleaf, r) ?? (subleaf !== null ? layerReg(layer, leaf, null, r) : layerReg(layer, leaf, 0, r));
    if (direct) return direct;
    // Above the maximum leaf of its range: the module samples 0.
    if (leaf < 0x40000000 && maxBasic !== null && leaf > maxBasic) return ZERO;
    if (leaf >= 0x80000000 && leaf <= 0x8fffffff && maxExtended !== null && leaf > maxExtended) return ZERO;
    // A leaf with sub-leaves that the dump lists, but not this sub-leaf: an invalid sub-leaf.
    if (subleaf !== null && layer.hasLeaf(leaf)) {
      if (leaf === 0xb || leaf === 0x1f) {
        // Invalid topology level: ECX[7:0] echoes the sub-leaf, EDX is the x2APIC ID.
        if (r === 'ecx') return { v: subleaf & 0xff, k: ALL };
        if (r === 'edx') return layerReg(layer, leaf, 0, 'edx') ?? UNKNOWN;
      }
      return ZERO;
    }
    return UNKNOWN;
  };
  return {
    dump,
    layer,
    platformFms: fms,
    fmsNote: note,
    maxBasic,
    maxExtended,
    vendor: dump.meta.vendor,
    reg,
    bit(leaf, subleaf, r, bit) {
      const b = reg(leaf, subleaf, r);
      return ((b.k >>> bit) & 1) === 1 ? (((b.v >>> bit) & 1) as 0 | 1) : null;
    },
  };
}
