// C: KVM_TDX_CAPABILITIES predicted from the host and the module table (tdx-cpuid-model.md 3).
// One entry per configurable slot in the module's CPUID_CONFIG order: config_direct |
// (allow_direct & native), as TDH.SYS.RD reports it (kvm_capabilities_value in the reference
// data). The 6.16 ABI then clears HLE/RTM/WAITPKG and reports 0x80000008.EAX[23:16] as 0xff
// (arch/x86/kvm/vmx/tdx.c td_init_cpuid_entry2()); supported_attrs = KVM's (SEPT_VE_DISABLE) ∩
// module ATTRIBUTES_FIXED0, supported_xfam = (supported XCR0 | XSS) ∩ module XFAM_FIXED0
// (tdx_get_supported_attrs/xfam()). The legacy ABI reports the module's values unchanged.

import type { Reg } from '../../model/address';
import { REGS, regIndex } from '../../model/address';
import type { KvmVersion } from '../../knowledge/kvm/kvm-knowledge';
import type { ModuleEntry, ModuleTable } from '../../knowledge/tdx-module/module-table';
import { attrBit } from '../../knowledge/tdx-module/module-table';
import type { HostView } from '../host';
import type { Bits, Layer } from '../layer';
import { LayerBuilder, and, known, or } from '../layer';
import { hostXcr0Supported, hostXssSupported } from '../xsave';

export interface CapsEntry {
  readonly entry: ModuleEntry;
  readonly regs: readonly [Bits, Bits, Bits, Bits];
}

export interface TdxCapsPrediction {
  readonly abi: '6.16' | 'legacy';
  readonly supportedAttrs: bigint;
  readonly supportedXfam: bigint;
  /** Per configurable slot, in module order. */
  readonly entries: readonly CapsEntry[];
  /** The same entries keyed by leaf/sub-leaf (module convention: null = no sub-leaves). */
  readonly layer: Layer;
  /** Bits KVM removed per slot (for the reason chain): `leaf:sub:reg` -> mask. */
  readonly kvmCleared: ReadonlyMap<string, number>;
  /** Module XFAM_FIXED0 as the platform reports it (0x6DBE7 ∩ host XSAVE components). */
  readonly moduleXfamFixed0: bigint;
  readonly moduleAttrsFixed0: bigint;
}

export function capsKey(leaf: number, subleaf: number | null, reg: Reg): string {
  return `${leaf}:${subleaf ?? '-'}:${reg}`;
}

/** config_direct | (allow_direct & native) for one slot. */
export function moduleConfigurable(entry: ModuleEntry, host: HostView): [Bits, Bits, Bits, Bits] {
  return REGS.map((reg) => {
    const m = entry.regs[regIndex(reg)];
    const h = host.reg(entry.leaf, entry.subleaf, reg);
    return or(known(m.configDirect), and(h, known(m.allowDirect)));
  }) as [Bits, Bits, Bits, Bits];
}

export function predictTdxCaps(host: HostView, module: ModuleTable, kvm: KvmVersion, supportedXcr0: bigint, supportedXss: bigint): TdxCapsPrediction {
  const abi = kvm.tdx.abi;
  const b = new LayerBuilder();
  const cleared = new Map<string, number>();
  const entries: CapsEntry[] = [];
  for (const e of module.configSlots) {
    const regs = moduleConfigurable(e, host);
    if (abi === '6.16') {
      for (const [leaf, sub, reg, m] of kvm.tdx.clears) {
        if (e.leaf !== leaf || (e.subleaf ?? 0) !== sub) continue;
        const i = regIndex(reg);
        const had = regs[i]!.v & m;
        regs[i] = { v: regs[i]!.v & ~m, k: regs[i]!.k | m };
        if (had) cleared.set(capsKey(e.leaf, e.subleaf, reg), had);
      }
      if (kvm.tdx.gpawField && e.leaf === 0x80000008) regs[0] = { v: (regs[0]!.v | 0x00ff0000) >>> 0, k: (regs[0]!.k | 0x00ff0000) >>> 0 };
    }
    b.setEntry(e.leaf, e.subleaf, regs);
    entries.push({ entry: e, regs });
  }

  // Module ATTRIBUTES_FIXED0: LASS only when the platform has it (1.5.06 tdh_sys_init).
  let attrsFixed0 = module.attributesFixed0;
  if (host.bit(7, 1, 'eax', 6) !== 1) attrsFixed0 &= ~attrBit('LASS');
  const platformXsave = (hostXcr0Supported(host) ?? 0n) | (hostXssSupported(host) ?? 0n);
  const xfamFixed0 = module.xfamFixed0 & platformXsave;
  let supportedAttrs: bigint;
  let supportedXfam: bigint;
  if (abi === '6.16') {
    const kvmAttrs = kvm.tdx.supportedAttrs ?? 0n;
    supportedAttrs = (kvmAttrs & module.attributesFixed1) !== module.attributesFixed1 ? 0n : kvmAttrs & attrsFixed0;
    const val = supportedXcr0 | supportedXss;
    supportedXfam = (val & module.xfamFixed1) !== module.xfamFixed1 ? 0n : val & xfamFixed0;
  } else {
    supportedAttrs = attrsFixed0;
    supportedXfam = xfamFixed0;
  }
  return {
    abi,
    supportedAttrs,
    supportedXfam,
    entries,
    layer: b.build(),
    kvmCleared: cleared,
    moduleXfamFixed0: xfamFixed0,
    moduleAttrsFixed0: attrsFixed0,
  };
}

