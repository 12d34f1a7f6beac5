// Captured layers: KVM ioctl dumps (kvm_cpuid_entry2 lists) and a guest's CPUID dump turned
// into engine layers. Sub-leaves follow the model: for KVM_GET_SUPPORTED_CPUID and
// KVM_SET_CPUID2, an entry has a sub-leaf when KVM flags the index significant or the leaf is
// indexed; for the TDX lists (capabilities, INIT_VM, GET_CPUID) the module's table decides
// (KVM reports leaves without sub-leaves with index 0; match on function/index, never flags).

import type { KvmCpuidEntry, KvmInput, TdxCapabilities } from '../model/inputs';
import { isIndexedLeaf } from '../model/leaf-kinds';
import type { ModuleTable } from '../knowledge/tdx-module/module-table';
import type { Layer } from './layer';
import { ALL, LayerBuilder, layerOf } from './layer';
import type { CpuidDump } from '../model/dump';

export function kvmEntriesLayer(entries: readonly KvmCpuidEntry[]): Layer {
  const b = new LayerBuilder();
  for (const e of entries) {
    const sub = (e.flags & 1) === 1 || isIndexedLeaf(e.function) ? e.index : null;
    b.setEntry(e.function, sub, [
      { v: e.eax, k: ALL },
      { v: e.ebx, k: ALL },
      { v: e.ecx, k: ALL },
      { v: e.edx, k: ALL },
    ]);
  }
  return b.build();
}

/** A TDX list keyed the module's way (null sub-leaf where the module's entry has none). */
export function tdxEntriesLayer(entries: readonly KvmCpuidEntry[], module: ModuleTable): Layer {
  const b = new LayerBuilder();
  for (const e of entries) {
    const sub = module.get(e.function, null) ? null : e.index === 0xffffffff ? 0 : e.index;
    b.setEntry(e.function, sub, [
      { v: e.eax, k: ALL },
      { v: e.ebx, k: ALL },
      { v: e.ecx, k: ALL },
      { v: e.edx, k: ALL },
    ]);
  }
  return b.build();
}

export interface CapturedLayers {
  readonly kvmSupported: Layer | null;
  readonly tdxCaps: { readonly layer: Layer; readonly caps: TdxCapabilities } | null;
  readonly initVm: { readonly layer: Layer; readonly attributes: bigint; readonly xfam: bigint } | null;
  readonly td: Layer | null;
  readonly setCpuid: Layer | null;
  readonly guest: Layer | null;
}

/** The first capture of each kind wins (inputs are in command-line order). */
export function capturedLayers(kvm: readonly KvmInput[], guest: CpuidDump | undefined, module: ModuleTable): CapturedLayers {
  const first = <T>(pick: (k: KvmInput) => T | undefined): T | undefined => {
    for (const k of kvm) {
      const v = pick(k);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const supported = first((k) => k.kvmSupported);
  const caps = first((k) => k.tdxCaps);
  const init = first((k) => k.initVm);
  const td = first((k) => k.tdCpuid);
  const set = first((k) => k.setCpuid);
  const g = guest?.cpus[0];
  return {
    kvmSupported: supported ? kvmEntriesLayer(supported) : null,
    tdxCaps: caps ? { layer: tdxEntriesLayer(caps.cpuid, module), caps } : null,
    initVm: init ? { layer: tdxEntriesLayer(init.cpuid, module), attributes: init.attributes, xfam: init.xfam } : null,
    td: td ? tdxEntriesLayer(td, module) : null,
    setCpuid: set ? kvmEntriesLayer(set) : null,
    guest: g ? layerOf(g.table, g.known) : null,
  };
}
