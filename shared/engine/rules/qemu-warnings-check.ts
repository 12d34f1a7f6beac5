// qemu-warnings-check: the feature warnings a QEMU log shows ("host doesn't support requested
// feature", "TDX doesn't support requested feature", "TDX forcibly sets the feature") against
// the warnings the engine predicts for the same configuration (host-lacks / filtered
// requests, requested-unavailable, forced-on). Agreement confirms the assumed module, kernel
// and QEMU versions; a disagreement names the bits on each side (ingestion issue: "checks
// QEMU's warnings against the engine's predicted requested-unavailable / forced-on findings").

import type { BitAddress } from '../../model/address';
import { bitKey, compareBitAddress } from '../../model/address';
import type { QemuFeatureWarning } from '../../model/inputs';
import type { Rule, RuleResult } from './types';
import type { QemuWarningKind } from './qemu-check';
import { address, qemuCheckPrediction } from './qemu-check';
import { bitList, moduleWords, predictionUsable, tdExpected } from './words';

const KIND_TEXT: Readonly<Record<QemuWarningKind, string>> = {
  'host-unsupported': "host doesn't support requested feature",
  'tdx-unsupported': "TDX doesn't support requested feature",
  'forced-on': 'TDX forcibly sets the feature',
};

const KINDS: readonly QemuWarningKind[] = ['host-unsupported', 'tdx-unsupported', 'forced-on'];

function sorted(list: readonly BitAddress[]): BitAddress[] {
  return list.map(address).sort(compareBitAddress);
}

export const qemuWarningsCheck: Rule = {
  meta: {
    id: 'qemu-warnings-check',
    severity: 'warning',
    title: "QEMU's logged feature warnings compared with the prediction",
    description:
      "A QEMU log with -cpu ...,check lists the features QEMU filtered (\"host doesn't support requested feature\") and the differences it found between its model and the TD (\"TDX doesn't support requested feature\", \"TDX forcibly sets the feature\"). The rule compares each list with the engine's prediction: agreement (info) confirms the assumed versions; a difference (warning) names the bits on each side.",
    source: 'tdx-cpuid-model.md 4 and 5 (requested-unavailable, forced-on, host-lacks); QEMU target/i386/cpu.c x86_cpu_filter_features(), target/i386/kvm/tdx.c tdx_check_features(); ingestion issue (QEMU log)',
    layers: ['requested', 'td', 'context'],
  },
  check(ctx) {
    const log = ctx.inputs.qemuLog;
    if (!log || !predictionUsable(ctx)) return [];
    const cpu = ctx.context.cpu;
    const observed = log.featureWarnings;
    if (observed.length === 0 && !cpu.check && !cpu.enforce) return [];
    const predicted = qemuCheckPrediction(ctx.state);
    const out: RuleResult[] = [];
    const versions = `${moduleWords(ctx)}, kernel ${ctx.context.kernelRequested}, QEMU ${ctx.context.qemuRequested}, -cpu ${cpu.text}`;
    for (const kind of KINDS) {
      // TDX warnings come only after a successful KVM_TDX_INIT_VM.
      if (kind !== 'host-unsupported' && !tdExpected(ctx)) continue;
      const seen = new Map<string, QemuFeatureWarning>();
      for (const w of observed) if (w.kind === kind) seen.set(bitKey(w), w);
      const expect = predicted.byKind[kind];
      const agree: BitAddress[] = [];
      const onlyLog: BitAddress[] = [];
      const onlyPredicted: BitAddress[] = [];
      for (const [k, w] of seen) (expect.has(k) ? agree : onlyLog).push(w);
      for (const [k, w] of expect) if (!seen.has(k)) onlyPredicted.push(w);
      const text = KIND_TEXT[kind];
      if (agree.length) {
        out.push({
          bits: sorted(agree),
          severity: 'info',
          message: `QEMU's "${text}" warnings agree with the prediction for ${bitList(sorted(agree), 10, true)}.`,
        });
      }
      if (onlyLog.length || onlyPredicted.length) {
        const parts: string[] = [];
        if (onlyLog.length) {
          const lines = onlyLog.map((b) => seen.get(bitKey(b))!.line);
          parts.push(`the log (line${lines.length > 1 ? 's' : ''} ${lines.slice(0, 6).join(', ')}) reports ${bitList(sorted(onlyLog), 8, true)}, which the prediction does not`);
        }
        if (onlyPredicted.length) {
          parts.push(`the prediction expects ${bitList(sorted(onlyPredicted), 8, true)}, which the log does not show${cpu.check || cpu.enforce ? '' : ' (and -cpu has no check, so QEMU may have printed nothing)'}`);
        }
        out.push({
          bits: sorted([...onlyLog, ...onlyPredicted]),
          message: `QEMU's "${text}" warnings differ from the prediction: ${parts.join('; ')}. The prediction assumed ${versions}: a different module, kernel or QEMU version, a different command line, or a module/KVM bug explains the difference.`,
        });
      }
    }
    return out;
  },
};
