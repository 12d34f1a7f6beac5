// attrs-or-xfam-unsupported: the TD's ATTRIBUTES or XFAM include bits that
// KVM_TDX_CAPABILITIES does not offer (supported_attrs / supported_xfam) or that QEMU does not
// allow (SEPT_VE_DISABLE | PKS | PERFMON), so QEMU (or, for a hand-made payload, KVM; for the
// legacy ABI, the module) refuses the TD (tdx-cpuid-model.md 3, 4, 5). Also reports what a
// QEMU log shows ("Invalid attributes ... for TDX VM", "Invalid XFAM ...").

import { preflightOf } from '../preflight';
import type { Rule, RuleResult } from './types';
import { predictionUsable } from './words';

export const attrsOrXfamUnsupported: Rule = {
  meta: {
    id: 'attrs-or-xfam-unsupported',
    severity: 'error',
    title: 'TD attributes or XFAM outside what KVM, QEMU or the module support',
    description:
      "QEMU checks the TD's ATTRIBUTES against supported_attrs and its own allow-list (SEPT_VE_DISABLE, PKS, PERFMON) and the XFAM against supported_xfam before KVM_TDX_INIT_VM; KVM checks both again (6.16), and the legacy ABI leaves the check to TDH.MNG.INIT. Any bit outside stops the TD from being created.",
    source: 'tdx-cpuid-model.md 3 and 4; QEMU target/i386/kvm/tdx.c setup_td_guest_attributes()/tdx_pre_create_vcpu(); Linux arch/x86/kvm/vmx/tdx.c tdx_td_init() (6.16)',
    layers: ['initVm', 'tdxCaps', 'context'],
  },
  check(ctx) {
    const out: RuleResult[] = [];
    if (predictionUsable(ctx)) {
      for (const p of preflightOf(ctx.state)) {
        if (p.check !== 'attributes' && p.check !== 'xfam') continue;
        const why = ctx.state.predicted.qemuModel.attributesWhy;
        out.push({
          bits: p.bits,
          message: `${p.outcome}: ${p.message}.${p.check === 'attributes' && p.stage === 'qemu' ? ` The attributes come from ${why}.` : ''}`,
        });
      }
    }
    for (const r of ctx.inputs.qemuLog?.rejections ?? []) {
      if (r.what !== 'attributes' && r.what !== 'xfam') continue;
      out.push({ bits: [], layers: ['context'], message: `${ctx.inputs.qemuLog!.name} line ${r.line}: QEMU refused the TD: "${r.text}".` });
    }
    return out;
  },
};
