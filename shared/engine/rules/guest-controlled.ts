// guest-controlled: with #VE reduction (module 1.5.09+/2.0.04+, TD_CTLS.REDUCE_VE) the guest
// itself may turn some CPUID bits off at run time through FEATURE_PARAVIRT_CTRL
// (TSC_DEADLINE, MCE/MCA, MTRR, EST, TM2, DCA, ACPI, RDT, TME, PCONFIG, CORE_CAPABILITIES...),
// so a guest's CPUID may legitimately differ from the TD's (tdx-cpuid-model.md 2.2, 5).

import type { BitAddress } from '../../model/address';
import { bitsOf } from '../../model/address';
import { layerReg } from '../layer';
import type { Rule } from './types';
import { bitList, kvmUsesModule, moduleWords, predictionUsable } from './words';

export const guestControlled: Rule = {
  meta: {
    id: 'guest-controlled',
    severity: 'info',
    title: 'Bits the guest may change at run time (#VE reduction)',
    description:
      'Modules with #VE reduction (1.5.09+, 2.0.04+) let a guest that sets TD_CTLS.REDUCE_VE clear some CPUID bits itself (FEATURE_PARAVIRT_CTRL). The TD has these bits set; expect them to differ between the TD and what such a guest reports.',
    source: 'tdx-cpuid-model.md 2.2 (REDUCE_VE, "guest-controlled") and 5; TDX module td_cpuid.c update_mutable_cpuid_flags() (2.0.08)',
    layers: ['td', 'guest'],
  },
  check(ctx) {
    if (!ctx.module.info.veReduction || !predictionUsable(ctx) || !kvmUsesModule(ctx)) return [];
    const t = ctx.layers.td;
    if (!t) return [];
    const bits: BitAddress[] = [];
    for (const [key, mask] of ctx.state.predicted.guest.guestControlled) {
      const [l, s, reg] = key.split(':') as [string, string, 'eax' | 'ebx' | 'ecx' | 'edx'];
      const leaf = Number(l);
      const subleaf = s === '-' ? null : Number(s);
      const b = layerReg(t, leaf, subleaf, reg);
      if (!b) continue;
      for (const bit of bitsOf((b.v & b.k & mask) >>> 0)) bits.push({ leaf, subleaf, reg, bit });
    }
    if (bits.length === 0) return [];
    const reduce = ctx.context.reduceVe ? 'The analysis assumes the guest enabled REDUCE_VE (with the paravirt controls 0), so its predicted view already has them cleared.' : 'The analysis assumes a guest without REDUCE_VE, which sees them as the TD has them.';
    return [
      {
        bits,
        message: `With ${moduleWords(ctx)} a guest that enables #VE reduction may clear these bits at run time: ${bitList(bits, 12)}. ${reduce}`,
      },
    ];
  },
};
