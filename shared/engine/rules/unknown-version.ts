// unknown-version: the module, kernel or QEMU version the inputs name is not in the knowledge
// base, so the analysis used the nearest table (tdx-cpuid-model.md 2.2 last paragraph: "a
// version newer than the newest known table is analysed with the nearest older table of the
// same major.minor line and flagged as such").

import type { Rule, RuleResult } from './types';

export const unknownVersion: Rule = {
  meta: {
    id: 'unknown-version',
    severity: 'warning',
    title: 'Version not in the knowledge base: nearest table used',
    description:
      'A TDX module, kernel or QEMU version that the knowledge base has no table for is analysed with the nearest older table of its line. Newer versions may have changed CPUID handling the analysis cannot know about (warning); older or in-between versions are noted (info).',
    source: 'tdx-cpuid-model.md 1.1 and 2.2 (nearest older table of the same line, flagged)',
    layers: ['context'],
  },
  check(ctx) {
    const out: RuleResult[] = [];
    const c = ctx.context;
    const m = c.moduleChoice;
    if (!m.exact && m.requested !== null) {
      const newer = /newer than every known/.test(c.moduleReason);
      out.push({
        bits: [],
        ...(newer ? {} : { severity: 'info' as const }),
        message: `TDX module ${m.requested} (from ${m.from === 'option' ? '--module' : m.from}) has no table in the knowledge base: ${c.moduleReason}. ${newer ? 'Newer modules may virtualize CPUID differently (new configurable bits, fixed bits); predictions for changed bits may be wrong.' : 'The nearest table is usually close, but check bits that changed between releases (tdx-cpuid module-diff).'}`,
      });
    }
    // A kernel of a known major.minor line uses that line's table: patch levels do not change KVM's TDX behaviour the tables model.
    const req = /^v?(\d+)\.(\d+)/.exec(c.kernelRequested);
    const sameLine = !!req && Number(req[1]) === c.kernel.kvm.parsed[0] && Number(req[2]) === c.kernel.kvm.parsed[1];
    if (!c.kernel.exact && !sameLine && c.kernelFrom !== 'default') {
      out.push({
        bits: [],
        ...(c.kernel.newer ? {} : { severity: 'info' as const }),
        message: `Kernel ${c.kernelRequested} (from ${c.kernelFrom}): ${c.kernel.reason}.${c.kernel.newer ? ' A newer KVM may report other supported CPUID bits or TDX capabilities.' : ''}`,
      });
    }
    if (!c.qemu.exact && c.qemuFrom !== 'default') {
      out.push({
        bits: [],
        ...(c.qemu.newer ? {} : { severity: 'info' as const }),
        message: `QEMU ${c.qemuRequested} (from ${c.qemuFrom}): ${c.qemu.reason}.${c.qemu.newer ? " A newer QEMU may have changed its TDX tables (fixed1 list, attribute and XFAM maps)." : ''}`,
      });
    }
    return out;
  },
};
