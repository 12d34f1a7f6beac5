// Evaluates the conditions of the KVM knowledge (`when` predicates: kflag:, kbug:, raw:,
// param:, vmx:, perf:, xcr0:, ...) for a host, with the defaults a stock kernel has. Each
// default that matters is recorded as an assumption. An atom that cannot be decided from a
// CPUID dump (a kernel bug flag that depends on an MSR, say) evaluates to null and leaves the
// bit unknown rather than guessing.

import type { Reg } from '../../model/address';
import { isReg } from '../../model/address';
import type { KvmVersion, When } from '../../knowledge/kvm/kvm-knowledge';
import type { Assumptions } from '../assumptions';
import type { HostView } from '../host';

export type Tri = boolean | null;

export interface ConditionEnv {
  readonly host: HostView;
  readonly kvm: KvmVersion;
  readonly assumptions: Assumptions;
  readonly vendor: 'intel' | 'amd' | 'other';
  /** KVM's permitted XCR0 / XSS (computed before the words). */
  readonly permittedXcr0: bigint;
  readonly permittedXss: bigint;
  /** A KVM capability bit computed so far ("kvmcap:"), by X86_FEATURE name or address. */
  kvmcap(ref: string): Tri;
}

function not(t: Tri): Tri {
  return t === null ? null : !t;
}

export function evalWhen(w: When, env: ConditionEnv): Tri {
  if (typeof w === 'string') return evalAtom(w, env);
  if ('all' in w) {
    let r: Tri = true;
    for (const x of w.all) {
      const v = evalWhen(x, env);
      if (v === false) return false;
      if (v === null) r = null;
    }
    return r;
  }
  let r: Tri = false;
  for (const x of w.any) {
    const v = evalWhen(x, env);
    if (v === true) return true;
    if (v === null) r = null;
  }
  return r;
}

/** `raw:0x7.0.ECX[16]` style address. */
function rawBit(ref: string, host: HostView): Tri {
  const m = /^0x([0-9a-f]+)(?:\.(\d+))?\.([A-D]X|E[A-D]X)\[(\d+)\]$/i.exec(ref);
  if (!m) return null;
  const reg = m[3]!.toLowerCase().replace(/^([a-d]x)$/, 'e$1');
  if (!isReg(reg)) return null;
  const b = host.bit(Number.parseInt(m[1]!, 16), m[2] === undefined ? null : Number(m[2]), reg as Reg, Number(m[4]));
  return b === null ? null : b === 1;
}

function hostBit(host: HostView, leaf: number, subleaf: number | null, reg: Reg, bit: number): Tri {
  const b = host.bit(leaf, subleaf, reg, bit);
  return b === null ? null : b === 1;
}

function anyOf(...xs: Tri[]): Tri {
  if (xs.some((x) => x === true)) return true;
  if (xs.some((x) => x === null)) return null;
  return false;
}

/** Host kernel feature flags derived from several CPUID bits (kernel_flag_derivations). */
function kernelFlag(name: string, env: ConditionEnv): Tri {
  const h = env.host;
  switch (name) {
    case 'IBPB':
    case 'IBRS':
      // init_speculation_control(): SPEC_CTRL (7.0.EDX[26]) or AMD_IBPB / AMD_IBRS.
      return anyOf(hostBit(h, 7, 0, 'edx', 26), hostBit(h, 0x80000008, null, 'ebx', name === 'IBPB' ? 12 : 14));
    case 'STIBP':
      return anyOf(hostBit(h, 7, 0, 'edx', 27), hostBit(h, 0x80000008, null, 'ebx', 15));
    case 'SSBD':
      return anyOf(hostBit(h, 7, 0, 'edx', 31), hostBit(h, 0x80000008, null, 'ebx', 25), hostBit(h, 0x80000008, null, 'ebx', 24));
    case 'SPEC_CTRL_SSBD':
      return hostBit(h, 7, 0, 'edx', 31);
    case 'SPEC_CTRL':
      return hostBit(h, 7, 0, 'edx', 26);
    case 'LFENCE_RDTSC':
      // Set whenever SSE2 is present on Intel; effectively always on x86-64.
      return true;
    case 'LS_CFG_SSBD':
      return env.vendor === 'amd' ? null : false;
    case 'OSPKE':
      // The host kernel enables PKU (CR4.PKE) when the CPU has it.
      return hostBit(h, 7, 0, 'ecx', 3);
    case 'PEBS':
      // The Intel PMU driver sets PEBS on CPUs with DS (1.EDX[21]).
      return env.vendor === 'intel' ? hostBit(h, 1, null, 'edx', 21) : false;
    case 'ARCH_PERFMON': {
      const eax = h.reg(0xa, null, 'eax');
      return (eax.k & 0xff) === 0xff ? (eax.v & 0xff) > 0 : null;
    }
    default: {
      const a = env.kvm.featureBit(name);
      if (!a) return null;
      return hostBit(h, a.leaf, a.subleaf, a.reg, a.bit);
    }
  }
}

function isHybrid(host: HostView): Tri {
  return hostBit(host, 7, 0, 'edx', 15);
}

function evalAtom(atom: string, env: ConditionEnv): Tri {
  if (atom.startsWith('not:')) return not(evalAtom(atom.slice(4), env));
  const [kind, ...restParts] = atom.split(':');
  const rest = restParts.join(':');
  const a = env.assumptions;
  switch (kind) {
    case 'always':
      return true;
    case 'tdp':
      a.add('KVM: two-dimensional paging (EPT) enabled, the default on TDX-capable hosts');
      return true;
    case 'config':
      return rest === 'X86_64' ? true : null;
    case 'enable_pmu': {
      a.add('KVM: kvm.enable_pmu=1 (default); the vPMU is off only on hybrid CPUs');
      return not(isHybrid(env.host));
    }
    case 'enable_sgx':
      a.add('KVM: SGX virtualization not enabled (kvm_intel.sgx off or no SGX KVM support)');
      return false;
    case 'allow_smaller_maxphyaddr':
      return false;
    case 'tsc_aux_uret_msr':
      return true;
    case 'sev_enabled':
    case 'sev_es_enabled':
    case 'sev_snp_enabled':
      return false;
    case 'param': {
      if (rest === 'kvm_intel.nested') {
        a.add('KVM: kvm_intel.nested=1 (default)');
        return true;
      }
      if (rest === 'kvm_intel.pt_mode==1') {
        a.add('KVM: kvm_intel.pt_mode=0 (default; Intel PT not offered to guests)');
        return false;
      }
      if (rest === 'kvm_intel.unrestricted_guest') return true;
      if (rest === 'kvm_intel.enable_mediated_pmu') return false;
      if (rest.startsWith('kvm_amd.')) return env.vendor === 'amd' ? true : false;
      return null;
    }
    case 'vmx':
      a.add('KVM: the host VMX capabilities include the optional controls KVM uses (server CPU)');
      return env.vendor === 'intel';
    case 'perf': {
      if (rest === 'pebs_ept') {
        a.add('KVM: PEBS via EPT available on Ice Lake server and later non-hybrid Intel CPUs');
        const fam = env.host.dump.meta.family;
        const model = env.host.dump.meta.model;
        if (fam === null || model === null) return null;
        return env.vendor === 'intel' && isHybrid(env.host) === false && (fam > 6 || (fam === 6 && model >= 0x6a));
      }
      if (rest === 'num_counters_gp>=6') {
        const eax = env.host.reg(0xa, null, 'eax');
        return (eax.k & 0xff00) === 0xff00 ? ((eax.v >>> 8) & 0xff) >= 6 : null;
      }
      if (rest === 'version==2') {
        const eax = env.host.reg(0xa, null, 'eax');
        return (eax.k & 0xff) === 0xff ? (eax.v & 0xff) === 2 : null;
      }
      return null;
    }
    case 'xcr0':
      return componentsIn(rest, env.permittedXcr0);
    case 'xss':
      return componentsIn(rest, env.permittedXss);
    case 'kflag':
      return kernelFlag(rest, env);
    case 'kbug':
      // Intel hosts never have NULL_SEG. SPEC_STORE_BYPASS is set on every Intel core CPU (the
      // kernel's no-SSB list holds only old Atoms; ARCH_CAPABILITIES.SSB_NO is not set on Xeons).
      // Other bug flags depend on MSRs a CPUID dump lacks: unknown.
      if (rest === 'NULL_SEG') return env.vendor === 'amd' ? null : false;
      if (rest === 'SPEC_STORE_BYPASS' && env.vendor === 'intel' && env.host.dump.meta.family === 6) {
        env.assumptions.add('host kernel: X86_BUG_SPEC_STORE_BYPASS set (Intel core CPU without SSB_NO)');
        return true;
      }
      return null;
    case 'raw':
      return rawBit(rest, env.host);
    case 'kvmcap':
      return env.kvmcap(rest);
    default:
      return null;
  }
}

const XSTATE: Readonly<Record<string, number>> = {
  FP: 0,
  SSE: 1,
  YMM: 2,
  BNDREGS: 3,
  BNDCSR: 4,
  OPMASK: 5,
  ZMM_Hi256: 6,
  Hi16_ZMM: 7,
  PT: 8,
  PKRU: 9,
  PASID: 10,
  CET_USER: 11,
  CET_KERNEL: 12,
  LBR: 15,
  XTILE_CFG: 17,
  XTILE_DATA: 18,
  APX: 19,
};

function componentsIn(list: string, mask: bigint): Tri {
  for (const name of list.split('|')) {
    const bit = XSTATE[name];
    if (bit === undefined) return null;
    if (((mask >> BigInt(bit)) & 1n) === 0n) return false;
  }
  return true;
}
