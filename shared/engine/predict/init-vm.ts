// I: the KVM_TDX_INIT_VM payload QEMU builds (tdx_pre_create_vcpu + tdx_filter_cpuid): every
// entry of the vCPU's CPUID that matches a capabilities entry, masked with it; entries for
// other leaves are dropped. Then what KVM hands the module as TD_PARAMS (6.16
// setup_tdparams_cpuids: entries in CPUID_CONFIG order, 0x80000008.EAX[23:16] cleared because
// KVM takes the guest physical address width from there), and KVM's own checks of the
// payload (tdx-cpuid-model.md 3, "KVM_TDX_INIT_VM checks").

import { REGS } from '../../model/address';
import type { ModuleEntry } from '../../knowledge/tdx-module/module-table';
import type { Bits, Layer } from '../layer';
import { LayerBuilder, and, layerReg } from '../layer';
import type { CapsEntry } from './tdx-caps';

export interface InitVmEntry {
  readonly entry: ModuleEntry;
  readonly regs: readonly [Bits, Bits, Bits, Bits];
}

export interface KvmInitCheck {
  readonly what: 'attributes' | 'xfam' | 'gpaw' | 'tsx-waitpkg' | 'entries';
  readonly message: string;
}

export interface InitVmPrediction {
  /** The payload entries keyed by leaf/sub-leaf (module convention). */
  readonly layer: Layer;
  /** Payload entries in CPUID_CONFIG order (slots QEMU gives a value). */
  readonly entries: readonly InitVmEntry[];
  /** Per config slot, what the module receives (absent slot = all zero). */
  readonly tdParams: ReadonlyMap<number, readonly [Bits, Bits, Bits, Bits]>;
  readonly attributes: bigint;
  readonly xfam: bigint;
  /** Guest physical address width from 0x80000008.EAX[23:16], if known. */
  readonly gpaw: number | null;
  /** Reasons KVM_TDX_INIT_VM would return -EINVAL (6.16 ABI). */
  readonly kvmRejects: readonly KvmInitCheck[];
}

export interface InitVmInput {
  /** QEMU's vCPU CPUID (S), or a captured KVM_TDX_INIT_VM payload used as-is. */
  readonly source: Layer;
  /** True when `source` already is the payload (captured I): no masking. */
  readonly captured: boolean;
  readonly caps: readonly CapsEntry[];
  readonly supportedAttrs: bigint;
  readonly supportedXfam: bigint;
  readonly attributes: bigint;
  readonly xfam: bigint;
  readonly abi: '6.16' | 'legacy';
  /** Host supports 5-level EPT (GPAW 52). */
  readonly ept5: boolean | null;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export function predictInitVm(input: InitVmInput): InitVmPrediction {
  const b = new LayerBuilder();
  const entries: InitVmEntry[] = [];
  const tdParams = new Map<number, readonly [Bits, Bits, Bits, Bits]>();
  let gpaw: number | null = null;
  const rejects: KvmInitCheck[] = [];
  for (const c of input.caps) {
    const e = c.entry;
    if (!input.source.has(e.leaf, e.subleaf)) continue;
    const regs = REGS.map((r, i) => {
      const v = layerReg(input.source, e.leaf, e.subleaf, r)!;
      return input.captured ? v : and(v, c.regs[i]!);
    }) as [Bits, Bits, Bits, Bits];
    b.setEntry(e.leaf, e.subleaf, regs);
    entries.push({ entry: e, regs });
    let params = regs;
    if (e.leaf === 0x80000008) {
      const eax = regs[0];
      if ((eax.k & 0x00ff0000) === 0x00ff0000) gpaw = (eax.v >>> 16) & 0xff;
      if (input.abi === '6.16') params = [{ v: eax.v & 0xff00ffff, k: eax.k | 0x00ff0000 }, regs[1], regs[2], regs[3]];
    }
    if (e.leaf === 7 && e.subleaf === 0 && input.abi === '6.16') {
      const ebx = regs[1];
      const ecx = regs[2];
      if ((ebx.v & 0x810) !== 0) rejects.push({ what: 'tsx-waitpkg', message: 'the CPUID configuration sets HLE/RTM (7.0.EBX[4]/[11]), which KVM does not allow for a TD' });
      if ((ecx.v & 0x20) !== 0) rejects.push({ what: 'tsx-waitpkg', message: 'the CPUID configuration sets WAITPKG (7.0.ECX[5]), which KVM does not allow for a TD' });
    }
    tdParams.set(e.configIndex!, params);
  }
  if (input.abi === '6.16') {
    if (input.attributes & ~input.supportedAttrs) {
      rejects.push({ what: 'attributes', message: `attributes ${hex(input.attributes)} include bits outside supported_attrs ${hex(input.supportedAttrs)}` });
    }
    if (input.xfam & ~input.supportedXfam) {
      rejects.push({ what: 'xfam', message: `XFAM ${hex(input.xfam)} includes components outside supported_xfam ${hex(input.supportedXfam)}` });
    }
    if (!input.source.has(0x80000008, null)) rejects.push({ what: 'gpaw', message: 'no CPUID 0x80000008 entry: KVM takes the guest physical address width from 0x80000008.EAX[23:16]' });
    else if (gpaw !== null && gpaw !== 48 && gpaw !== 52) rejects.push({ what: 'gpaw', message: `guest physical address width ${gpaw} in 0x80000008.EAX[23:16]; KVM accepts only 48 or 52` });
    else if (gpaw === 52 && input.ept5 === false) rejects.push({ what: 'gpaw', message: 'guest physical address width 52 needs 5-level EPT, which the host lacks' });
  }
  return { layer: b.build(), entries, tdParams, attributes: input.attributes, xfam: input.xfam, gpaw, kvmRejects: rejects };
}
