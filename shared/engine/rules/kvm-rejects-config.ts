// kvm-rejects-config: KVM_TDX_INIT_VM returns -EINVAL before the module sees the
// configuration: an entry for a leaf that is not configurable, more than 256 entries,
// HLE/RTM/WAITPKG set (the bits KVM removes from the capabilities), or a guest physical
// address width other than 48/52 in 0x80000008.EAX[23:16] (tdx-cpuid-model.md 3,
// "KVM_TDX_INIT_VM checks"; Linux arch/x86/kvm/vmx/tdx.c, 6.16).

import { preflightOf } from '../preflight';
import type { Rule } from './types';
import { kvmUsesModule, predictionUsable } from './words';

export const kvmRejectsConfig: Rule = {
  meta: {
    id: 'kvm-rejects-config',
    severity: 'error',
    title: 'KVM_TDX_INIT_VM rejects the configuration (-EINVAL)',
    description:
      "KVM (6.16 ABI) refuses a KVM_TDX_INIT_VM payload with CPUID entries for leaves that are not configurable, more than 256 entries, HLE/RTM/WAITPKG set, or a guest physical address width (0x80000008.EAX[23:16]) other than 48 or 52 (52 only with 5-level EPT). The TD is not created and QEMU exits.",
    source: 'tdx-cpuid-model.md 3 (KVM_TDX_INIT_VM checks) and 5; Linux arch/x86/kvm/vmx/tdx.c tdx_td_init()/setup_tdparams_cpuids() (6.16)',
    layers: ['initVm', 'tdxCaps'],
  },
  check(ctx) {
    if (!predictionUsable(ctx) || !kvmUsesModule(ctx)) return [];
    return preflightOf(ctx.state)
      .filter((p) => p.stage === 'kvm' && (p.check === 'cpuid-leaf' || p.check === 'cpuid-entries' || p.check === 'kvm-unsupported-bit' || p.check === 'gpaw'))
      .map((p) => ({
        bits: p.bits,
        message: `${p.outcome}: ${p.message}${ctx.origin.initVm === 'captured' ? ' (captured KVM_TDX_INIT_VM payload)' : " (QEMU's configuration)"}.`,
      }));
  },
};
