// Q: what QEMU considers "supported" for a TD (tdx-cpuid-model.md 4, QEMU target/i386/kvm/tdx.c
// tdx_setup_supported_cpuid()): S_tdx is the union of the capabilities' configurable CPUID,
// QEMU's fixed1 list, the ATTRIBUTES and XFAM maps for supported attributes/XFAM components,
// the XSAVE component bits of leaf 0xD and the KVM PV features allowed for TDX. For each QEMU
// feature word, supported = (K | fixed1) & S_tdx where S_tdx has an entry for that register,
// K | fixed1 otherwise. K here is KVM_GET_SUPPORTED_CPUID as QEMU adjusts it
// (kvm_arch_get_supported_cpuid: KVM_FEATURE_MSI_EXT_DEST_ID with the split irqchip TDX uses).

import type { Reg } from '../../model/address';
import type { QemuTdxTables } from '../../knowledge/qemu/qemu-knowledge';
import { qemuFeatureWords } from '../../knowledge/qemu/qemu-knowledge';
import type { Assumptions } from '../assumptions';
import type { Bits, Layer } from '../layer';
import { LayerBuilder, UNKNOWN, known, layerReg, mask, or, set } from '../layer';
import { capsKey } from './tdx-caps';

export interface CapsForQemu {
  readonly supportedAttrs: bigint;
  readonly supportedXfam: bigint;
  readonly layer: Layer;
}

export interface QemuSupportedPrediction {
  /** Supported bits of every QEMU feature word (other registers absent). */
  readonly layer: Layer;
  /** S_tdx per register (`leaf:sub:reg`). */
  readonly sTdx: ReadonlyMap<string, number>;
  /** QEMU's fixed1 list per register. */
  readonly fixed1: ReadonlyMap<string, number>;
  /** Where S_tdx bits came from, for the reason chain: `leaf:sub:reg` -> [mask, words] in order. */
  readonly sTdxWhy: ReadonlyMap<string, readonly (readonly [number, string])[]>;
}

function addBits(map: Map<string, number>, key: string, bits: number): void {
  map.set(key, ((map.get(key) ?? 0) | bits) >>> 0);
}

/**
 * KVM_GET_SUPPORTED_CPUID as QEMU uses it (target/i386/kvm/kvm.c kvm_arch_get_supported_cpuid):
 * QEMU adds HYPERVISOR and, with the in-kernel irqchip, TSC_DEADLINE to leaf 1 ECX, and
 * KVM_FEATURE_MSI_EXT_DEST_ID to 0x40000001.EAX with the split irqchip (which TDX requires).
 */
export function qemuKvmView(kvmSupported: Layer, leaf: number, subleaf: number | null, reg: Reg): Bits {
  // A leaf KVM does not return at all reads as 0 to QEMU (unknown only when K itself is unknown).
  let k: Bits = layerReg(kvmSupported, leaf, subleaf, reg) ?? (kvmSupported.hasLeaf(leaf) || kvmSupported.hasLeaf(0) ? { v: 0, k: 0xffffffff } : UNKNOWN);
  if (leaf === 1 && reg === 'ecx') k = set(k, (1 << 31) | (1 << 24));
  if (leaf === 0x40000001 && reg === 'eax') k = set(k, 1 << 15);
  return k;
}

export function predictQemuSupported(kvmSupported: Layer, caps: CapsForQemu, tables: QemuTdxTables, assumptions: Assumptions): QemuSupportedPrediction {
  const sTdx = new Map<string, number>();
  const why = new Map<string, [number, string][]>();
  const note = (leaf: number, subleaf: number | null, reg: Reg, bits: number, text: string): void => {
    if (!bits) return;
    const k = capsKey(leaf, subleaf, reg);
    const list = why.get(k) ?? [];
    list.push([bits >>> 0, text]);
    why.set(k, list);
  };
  for (const key of caps.layer.keys) {
    for (const reg of ['eax', 'ebx', 'ecx', 'edx'] as const) {
      const b = layerReg(caps.layer, key.leaf, key.subleaf, reg);
      if (!b) continue;
      addBits(sTdx, capsKey(key.leaf, key.subleaf, reg), b.v);
      note(key.leaf, key.subleaf, reg, b.v, 'configurable in the TDX capabilities');
    }
  }
  const fixed1 = new Map<string, number>();
  for (const f of tables.fixed1) {
    addBits(sTdx, capsKey(f.leaf, f.subleaf, f.reg), f.mask);
    addBits(fixed1, capsKey(f.leaf, f.subleaf, f.reg), f.mask);
    note(f.leaf, f.subleaf, f.reg, f.mask, "in QEMU's TDX fixed1 list");
  }
  for (const a of tables.attrsMap) {
    if ((caps.supportedAttrs >> BigInt(a.attrBit)) & 1n) {
      addBits(sTdx, capsKey(a.leaf, a.subleaf, a.reg), 1 << a.bit);
      note(a.leaf, a.subleaf, a.reg, 1 << a.bit, `ATTRIBUTES.${a.name} is supported`);
    }
  }
  for (const x of tables.xfamDeps) {
    if ((caps.supportedXfam >> BigInt(x.xfamBit)) & 1n) {
      addBits(sTdx, capsKey(x.leaf, x.subleaf, x.reg), 1 << x.bit);
      note(x.leaf, x.subleaf, x.reg, 1 << x.bit, `XFAM[${x.xfamBit}] (${x.xstate}) is supported`);
    }
  }
  const xcr0 = caps.supportedXfam & tables.version.xcr0Mask;
  const xss = caps.supportedXfam & tables.version.xssMask;
  const xsaveRows: [number, Reg, number][] = [
    [0, 'eax', Number(xcr0 & 0xffffffffn)],
    [0, 'edx', Number(xcr0 >> 32n)],
    [1, 'eax', tables.xsave1EaxAlways],
    [1, 'ecx', Number(xss & 0xffffffffn)],
    [1, 'edx', Number(xss >> 32n)],
  ];
  for (const [sub, reg, bits] of xsaveRows) {
    addBits(sTdx, capsKey(0xd, sub, reg), bits);
    note(0xd, sub, reg, bits, 'XSAVE component in supported_xfam');
  }
  sTdx.set(capsKey(0x40000001, null, 'eax'), tables.pvFeatures);
  note(0x40000001, null, 'eax', tables.pvFeatures, 'KVM PV feature allowed for TDX by QEMU');

  assumptions.add('QEMU: the TD uses the split irqchip TDX requires (QEMU adds KVM_FEATURE_MSI_EXT_DEST_ID)');
  const b = new LayerBuilder();
  for (const w of qemuFeatureWords()) {
    const k = qemuKvmView(kvmSupported, w.leaf, w.subleaf, w.reg);
    const key = capsKey(w.leaf, w.subleaf, w.reg);
    const f1 = fixed1.get(key) ?? 0;
    const base = or(k, known(f1));
    const s = sTdx.get(key);
    b.setReg(w.leaf, w.subleaf, w.reg, s === undefined ? base : mask(base, s));
  }
  return { layer: b.build(), sTdx, fixed1, sTdxWhy: why };
}
