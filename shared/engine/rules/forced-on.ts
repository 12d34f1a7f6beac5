// forced-on: bits the TD has that QEMU's CPU model does not ask for (T & ~requested per
// feature word present in T), QEMU's "TDX forcibly sets the feature": the module fixes or
// passes them through regardless of the VMM (tdx-cpuid-model.md 4, 5; QEMU tdx.c
// tdx_check_features(), cpu.c mark_forced_on_features()).

import type { Rule, RuleResult } from './types';
import { address, qemuCheckPrediction } from './qemu-check';
import { qemuMode, qemuWarningText } from './requested-unavailable';
import { bitLabel, tdExpected } from './words';

export const forcedOn: Rule = {
  meta: {
    id: 'forced-on',
    severity: 'info',
    title: 'Feature the TD has although not requested (QEMU: "TDX forcibly sets the feature")',
    description:
      "Bits that the TDX module sets in the TD (fixed1, native and verified, or native) while QEMU's CPU model does not ask for them. QEMU reports them as \"TDX forcibly sets the feature\" with check and refuses the TD with enforce; the guest has them either way.",
    source: "tdx-cpuid-model.md 4 (QEMU's check after KVM_TDX_INIT_VM) and 5; QEMU target/i386/kvm/tdx.c tdx_check_features(), target/i386/cpu.c mark_forced_on_features()",
    layers: ['td', 'setCpuid', 'module'],
  },
  check(ctx) {
    if (!tdExpected(ctx)) return [];
    const mode = qemuMode(ctx);
    const out: RuleResult[] = [];
    for (const w of qemuCheckPrediction(ctx.state).warnings) {
      if (w.kind !== 'forced-on') continue;
      const effect =
        mode === 'enforce'
          ? `QEMU prints ${qemuWarningText(w, 'TDX forcibly sets the feature')} and refuses to run the TD (enforce)`
          : mode === 'check'
            ? `QEMU prints ${qemuWarningText(w, 'TDX forcibly sets the feature')}`
            : 'the guest has it anyway (QEMU reports it only with -cpu ...,check)';
      out.push({
        bits: [address(w)],
        ...(mode === 'enforce' ? { severity: 'error' as const } : {}),
        message: `The TD has ${bitLabel(w, true)} = 1 although QEMU's CPU model does not ask for it: ${w.why}. ${effect[0]!.toUpperCase()}${effect.slice(1)}.`,
      });
    }
    return out;
  },
};
