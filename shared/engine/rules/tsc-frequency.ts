// tsc-frequency: the TSC frequency given for the TD (tsc-frequency= / --tsc-khz) is not a
// multiple of 25 MHz or lies outside 100 MHz .. 10 GHz; QEMU refuses the TD. The module
// reports the TD's TSC in CPUID 0x15.EBX in units of 25 MHz (crystal 25 MHz, ratio
// denominator 1), which is why (tdx-cpuid-model.md 2.1 "0x15", 4, 5).

import { preflightOf } from '../preflight';
import type { Rule, RuleResult } from './types';
import { predictionUsable } from './words';

export const tscFrequency: Rule = {
  meta: {
    id: 'tsc-frequency',
    severity: 'error',
    title: 'TSC frequency QEMU refuses',
    description:
      "A TD's TSC frequency must be a multiple of 25 MHz between 100 MHz and 10 GHz: the module reports it in CPUID 0x15 as a ratio to a 25 MHz crystal. QEMU refuses any other value given with tsc-frequency=.",
    source: 'tdx-cpuid-model.md 2.1 (0x15) and 4; QEMU target/i386/kvm/tdx.c tdx_pre_create_vcpu() ("Invalid TSC %ld KHz, must specify cpu_frequency between [...]", "it must be multiple of 25MHz")',
    layers: ['context'],
  },
  check(ctx) {
    const out: RuleResult[] = [];
    if (predictionUsable(ctx)) {
      for (const p of preflightOf(ctx.state)) {
        if (p.check !== 'tsc') continue;
        out.push({ bits: p.bits, message: `${p.outcome}: ${p.message} (${ctx.context.tscFrom}).` });
      }
    }
    for (const r of ctx.inputs.qemuLog?.rejections ?? []) {
      if (r.what !== 'tsc') continue;
      out.push({ bits: [{ leaf: 0x15, subleaf: null, reg: 'ebx', bit: 0 }], message: `${ctx.inputs.qemuLog!.name} line ${r.line}: QEMU refused the TSC frequency: "${r.text}".` });
    }
    return out;
  },
};
