// kvm-view-mismatch: the check KVM lacks, done offline. KVM emulates MSRs, the local APIC,
// MWAIT, the PMU and XSAVE state according to its own copy of the guest's CPUID (S, from
// KVM_SET_CPUID2), while the guest sees the module's CPUID (T). For every bit KVM depends on
// (tdx-cpuid-model.md 3: TSC_DEADLINE, X2APIC, MONITOR, MCE, MCA, MTRR, PDCM, leaf 0xA,
// ARCH_CAPABILITIES, CORE_CAPABILITIES, HLE/RTM, WAITPKG, XSAVES, XFD, MAXPA) S must equal T;
// a difference is the condition the KVM list discussed (Dec 2024) for KVM to WARN and refuse
// the TD.

import type { BitAddress, Reg } from '../../model/address';
import { bitsOf } from '../../model/address';
import { layerReg } from '../layer';
import type { Rule, RuleResult } from './types';
import { bitLabel, diffMask, moduleWords, tdExpected } from './words';

interface KvmRelevant {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly mask: number;
  /** What KVM does with it. */
  readonly kvm: string;
}

/** The bits KVM depends on (tdx-cpuid-model.md 3). */
export const KVM_RELEVANT: readonly KvmRelevant[] = [
  { leaf: 1, subleaf: null, reg: 'ecx', mask: 1 << 24, kvm: "KVM's local APIC timer offers TSC-deadline mode according to it" },
  { leaf: 1, subleaf: null, reg: 'ecx', mask: 1 << 21, kvm: "KVM's x2APIC MSR emulation follows it" },
  { leaf: 1, subleaf: null, reg: 'ecx', mask: 1 << 3, kvm: 'KVM decides on MONITOR/MWAIT exits and the MWAIT CPUID leaf from it' },
  { leaf: 1, subleaf: null, reg: 'ecx', mask: 1 << 15, kvm: 'KVM emulates IA32_PERF_CAPABILITIES according to it' },
  { leaf: 1, subleaf: null, reg: 'edx', mask: 1 << 7, kvm: "KVM's machine-check MSR emulation (MCG_CAP, MCi banks) follows it" },
  { leaf: 1, subleaf: null, reg: 'edx', mask: 1 << 14, kvm: "KVM's machine-check architecture MSRs follow it" },
  { leaf: 1, subleaf: null, reg: 'edx', mask: 1 << 12, kvm: 'KVM emulates the MTRR MSRs according to it' },
  { leaf: 0xa, subleaf: null, reg: 'eax', mask: 0xffffffff, kvm: "KVM's vPMU (counters, versions, MSRs) is set up from leaf 0xA" },
  { leaf: 0xa, subleaf: null, reg: 'edx', mask: 0xffffffff, kvm: "KVM's vPMU fixed counters are set up from leaf 0xA" },
  { leaf: 7, subleaf: 0, reg: 'edx', mask: 1 << 29, kvm: 'KVM emulates IA32_ARCH_CAPABILITIES according to it' },
  { leaf: 7, subleaf: 0, reg: 'edx', mask: 1 << 30, kvm: 'KVM emulates IA32_CORE_CAPABILITIES (split-lock detection) according to it' },
  { leaf: 7, subleaf: 0, reg: 'ebx', mask: (1 << 4) | (1 << 11), kvm: 'KVM allows the TSX_CTRL MSR according to it' },
  { leaf: 7, subleaf: 0, reg: 'ecx', mask: 1 << 5, kvm: 'KVM allows UMWAIT_CONTROL and TPAUSE/UMWAIT according to it' },
  { leaf: 0xd, subleaf: 1, reg: 'eax', mask: 1 << 3, kvm: 'KVM allows IA32_XSS according to it' },
  { leaf: 0xd, subleaf: 1, reg: 'eax', mask: 1 << 4, kvm: 'KVM allows the XFD MSRs according to it' },
  { leaf: 0x80000008, subleaf: null, reg: 'eax', mask: 0xff, kvm: 'KVM computes the guest physical address width (reserved bits, MMIO) from it' },
];

export const kvmViewMismatch: Rule = {
  meta: {
    id: 'kvm-view-mismatch',
    severity: 'warning',
    title: "KVM's view of the guest CPUID differs from the TD's on a bit KVM depends on",
    description:
      "KVM emulates MSRs, the APIC timer, MWAIT, the PMU and XSAVE state from the CPUID QEMU gives it (KVM_SET_CPUID2), but a TD runs with the CPUID the module computed. KVM 6.16 does not compare them; the workbench does, for every bit KVM depends on. A difference means KVM may emulate the wrong behaviour, the condition on which KVM should warn and refuse the TD.",
    source:
      'tdx-cpuid-model.md 3 ("for every KVM-relevant bit, S must equal T") and 5; KVM list thread "(Proposal) New TDX Global Metadata To Report FIXED0 and FIXED1 CPUID Bits" (Dec 2024); Linux arch/x86/kvm/cpuid.c',
    layers: ['setCpuid', 'td'],
  },
  check(ctx) {
    if (!tdExpected(ctx)) return [];
    const s = ctx.layers.setCpuid;
    const t = ctx.layers.td;
    if (!s || !t) return [];
    const sWords = ctx.origin.setCpuid === 'captured' ? 'the captured KVM_SET_CPUID2' : "KVM_SET_CPUID2 as QEMU would build it";
    const tWords = ctx.origin.td === 'captured' ? 'the captured TD CPUID' : `the TD (${moduleWords(ctx)})`;
    const out: RuleResult[] = [];
    for (const r of KVM_RELEVANT) {
      const sb = layerReg(s, r.leaf, r.subleaf, r.reg);
      const tb = layerReg(t, r.leaf, r.subleaf, r.reg);
      if (!sb || !tb) continue;
      const d = diffMask(sb, tb) & r.mask;
      if (!d) continue;
      if (r.mask === 0xff || r.mask === 0xffffffff) {
        // A field (MAXPA, leaf 0xA): one finding with its values.
        const bits: BitAddress[] = bitsOf(d).map((bit) => ({ leaf: r.leaf, subleaf: r.subleaf, reg: r.reg, bit }));
        const sv = (sb.v & r.mask) >>> 0;
        const tv = (tb.v & r.mask) >>> 0;
        out.push({
          bits,
          message: `${r.leaf === 0xa ? `CPUID 0xA.${r.reg.toUpperCase()} (PMU)` : '0x80000008.EAX[7:0] (physical address width)'}: ${sWords} has 0x${sv.toString(16)}, ${tWords} has 0x${tv.toString(16)}. ${r.kvm}, so KVM's emulation does not match what the guest sees.`,
        });
        continue;
      }
      for (const bit of bitsOf(d)) {
        const a: BitAddress = { leaf: r.leaf, subleaf: r.subleaf, reg: r.reg, bit };
        out.push({
          bits: [a],
          message: `${bitLabel(a, true)}: ${sWords} has ${(sb.v >>> bit) & 1}, ${tWords} has ${(tb.v >>> bit) & 1}. ${r.kvm}, so KVM's emulation does not match what the guest sees.`,
        });
      }
    }
    return out;
  },
};
