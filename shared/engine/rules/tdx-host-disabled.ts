// tdx-host-disabled: the host's dmesg says the TDX module did not initialize or kvm_intel did
// not enable TDX; no TD can be created on that host whatever its CPUID (model doc 1: dmesg
// carries the module version; ingestion issue: KVM TDX init messages).

import type { Rule, RuleResult } from './types';

export const tdxHostDisabled: Rule = {
  meta: {
    id: 'tdx-host-disabled',
    severity: 'error',
    title: 'TDX is not enabled on the host (dmesg)',
    description: 'The host dmesg reports that the TDX module failed to initialize or that kvm_intel disabled TDX. The CPUID analysis still shows what a TD would see once TDX works.',
    source: 'Linux arch/x86/virt/vmx/tdx/tdx.c ("module initialization failed"), arch/x86/kvm/vmx/tdx.c ("TDX is supported" / disabled); ingestion issue (dmesg)',
    layers: ['context'],
  },
  check(ctx) {
    const d = ctx.inputs.dmesg;
    if (!d) return [];
    const out: RuleResult[] = [];
    if (d.moduleInitialized === false) out.push({ bits: [], message: `${d.name}: the TDX module failed to initialize; the kernel does not enable TDX.` });
    if (d.kvmTdx === 'disabled' || d.kvmTdx === 'failed') out.push({ bits: [], message: `${d.name}: kvm_intel reports TDX ${d.kvmTdx === 'failed' ? 'initialization failed' : 'disabled'}; KVM cannot create TDs.` });
    return out;
  },
};
