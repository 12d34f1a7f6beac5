// requested-unavailable: bits QEMU's CPU model asks for that the TD does not get
// (requested & ~T per feature word present in T), QEMU's "TDX doesn't support requested
// feature" (tdx-cpuid-model.md 4, 5; QEMU target/i386/kvm/tdx.c tdx_check_features()).
// With `enforce` QEMU refuses to run the TD; with `check` it warns; otherwise the guest
// silently lacks the feature.

import type { Rule, RuleContext, RuleResult } from './types';
import type { PredictedQemuWarning } from './qemu-check';
import { address, qemuCheckPrediction, qemuWordText } from './qemu-check';
import { bitLabel, tdExpected } from './words';

export function qemuMode(ctx: RuleContext): 'enforce' | 'check' | 'silent' {
  const cpu = ctx.context.cpu;
  return cpu.enforce ? 'enforce' : cpu.check ? 'check' : 'silent';
}

function printed(w: PredictedQemuWarning, prefix: string): string {
  return `"${prefix}: ${qemuWordText(w.leaf, w.subleaf, w.reg)}${w.qemuName ? `.${w.qemuName}` : ''} [bit ${w.bit}]"`;
}

export const requestedUnavailable: Rule = {
  meta: {
    id: 'requested-unavailable',
    severity: 'warning',
    title: "Requested feature the TD does not get (QEMU: \"TDX doesn't support requested feature\")",
    description:
      "After KVM_TDX_INIT_VM QEMU reads the TD's CPUID back and compares it with its CPU model, per feature word: bits the model asks for that the TD lacks are reported as \"TDX doesn't support requested feature\" (with check), make QEMU refuse the TD (with enforce), or are silently missing in the guest (neither).",
    source: "tdx-cpuid-model.md 4 (QEMU's check after KVM_TDX_INIT_VM) and 5; QEMU target/i386/kvm/tdx.c tdx_check_features(), target/i386/cpu.c mark_unavailable_features()",
    layers: ['setCpuid', 'td'],
  },
  check(ctx) {
    if (!tdExpected(ctx)) return [];
    const mode = qemuMode(ctx);
    const out: RuleResult[] = [];
    for (const w of qemuCheckPrediction(ctx.state).warnings) {
      if (w.kind !== 'tdx-unsupported') continue;
      const effect =
        mode === 'enforce'
          ? `QEMU prints ${printed(w, "TDX doesn't support requested feature")} and refuses to run the TD (enforce)`
          : mode === 'check'
            ? `QEMU prints ${printed(w, "TDX doesn't support requested feature")}`
            : 'the guest silently lacks it (QEMU prints the warning only with -cpu ...,check)';
      out.push({
        bits: [address(w)],
        ...(mode === 'enforce' ? { severity: 'error' as const } : {}),
        message: `QEMU's CPU model asks for ${bitLabel(w, true)}, but the TD's CPUID has it 0: ${w.why}. ${effect[0]!.toUpperCase()}${effect.slice(1)}.`,
      });
    }
    return out;
  },
};

export { printed as qemuWarningText };
