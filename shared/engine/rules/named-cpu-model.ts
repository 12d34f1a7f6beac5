// named-cpu-model: QEMU accepts only `-cpu host` (or max) for a TD; a named model such as
// `-cpu SapphireRapids` makes QEMU exit ("Named cpu model is not supported for TDX yet!")
// (tdx-cpuid-model.md 4; QEMU target/i386/kvm/tdx.c tdx_cpu_instance_init/tdx_pre_create_vcpu).

import { preflightOf } from '../preflight';
import type { Rule, RuleResult } from './types';
import { predictionUsable } from './words';

export const namedCpuModel: Rule = {
  meta: {
    id: 'named-cpu-model',
    severity: 'error',
    title: 'Named CPU model QEMU refuses for a TD',
    description: 'QEMU builds a TD only from -cpu host: named CPU models are rejected for TDX, so the TD is not created.',
    source: 'tdx-cpuid-model.md 4 ("Named CPU models are rejected for TDX"); QEMU target/i386/kvm/tdx.c',
    layers: ['requested', 'context'],
  },
  check(ctx) {
    const out: RuleResult[] = [];
    if (predictionUsable(ctx)) {
      for (const p of preflightOf(ctx.state)) if (p.check === 'cpu-model') out.push({ bits: [], message: `${p.outcome}: ${p.message}.` });
    }
    for (const r of ctx.inputs.qemuLog?.rejections ?? []) {
      if (r.what === 'cpu-model') out.push({ bits: [], message: `${ctx.inputs.qemuLog!.name} line ${r.line}: QEMU refused the CPU model: "${r.text}".` });
    }
    return out;
  },
};
