// K: KVM_GET_SUPPORTED_CPUID predicted from the host CPUID for one kernel version
// (kvm-supported.json; "prediction" in its schema: K[reg] = ((host & passthrough) | always),
// then the conditions in order, then the leaf-level rules). Enumeration follows
// arch/x86/kvm/cpuid.c: every basic leaf up to min(host 0.EAX, cap), 0x40000000-0x40000001,
// and the extended range up to the reported 0x80000000.EAX.

import type { Reg } from '../../model/address';
import { REGS, parseBitAddress } from '../../model/address';
import { isIndexedLeaf } from '../../model/leaf-kinds';
import type { KvmLeafRule, KvmOp, KvmVersion } from '../../knowledge/kvm/kvm-knowledge';
import { hexU32 } from '../../knowledge/tdx-module/hex';
import type { Assumptions } from '../assumptions';
import type { HostView } from '../host';
import type { Bits, Layer } from '../layer';
import { ALL, LayerBuilder, UNKNOWN, ZERO, and, known, mask } from '../layer';
import { hostXcr0Supported, hostXssSupported, xsaveCompactedSize, xsaveSize } from '../xsave';
import type { ConditionEnv, Tri } from './kvm-conditions';
import { evalWhen } from './kvm-conditions';

export interface KvmSupportedPrediction {
  readonly layer: Layer;
  /** kvm_caps.supported_xcr0 (host XCR0 & KVM_SUPPORTED_XCR0), with AMX permission granted. */
  readonly supportedXcr0: bigint;
  /** kvm_caps.supported_xss. */
  readonly supportedXss: bigint;
}

function vendorOf(host: HostView): 'intel' | 'amd' | 'other' {
  if (host.vendor === 'GenuineIntel') return 'intel';
  if (host.vendor === 'AuthenticAMD' || host.vendor === 'HygonGenuine') return 'amd';
  return 'other';
}

export function predictKvmSupported(host: HostView, kvm: KvmVersion, assumptions: Assumptions): KvmSupportedPrediction {
  const vendor = vendorOf(host);
  const xcr0Host = hostXcr0Supported(host) ?? 0n;
  // The host kernel enables every XCR0 component the CPU supports; KVM keeps KVM_SUPPORTED_XCR0.
  // QEMU asks for AMX guest permission (ARCH_REQ_XCOMP_GUEST_PERM), so XTILE stays.
  const supportedXcr0 = xcr0Host & kvm.supportedXcr0;
  assumptions.add('host kernel: XCR0 enables every XSAVE component the CPU supports; the VMM has AMX guest permission');
  const xssHost = hostXssSupported(host) ?? 0n;
  let supportedXss = kvm.supportedXss === null ? 0n : xssHost & kvm.supportedXss;

  const words = new Map<string, Bits>();
  const wordKey = (leaf: number, subleaf: number | null, reg: Reg): string => `${leaf}:${subleaf ?? '-'}:${reg}`;
  const kvmcap = (ref: string): Tri => {
    const a = parseBitAddress(ref);
    if (a) {
      const w = words.get(wordKey(a.leaf, a.subleaf, a.reg));
      if (!w) return false;
      return ((w.k >>> a.bit) & 1) === 0 ? null : ((w.v >>> a.bit) & 1) === 1;
    }
    const f = kvm.featureBit(ref);
    if (!f) return null;
    const w = words.get(wordKey(f.leaf, f.subleaf, f.reg));
    if (!w) return null;
    return ((w.k >>> f.bit) & 1) === 0 ? null : ((w.v >>> f.bit) & 1) === 1;
  };
  const env: ConditionEnv = { host, kvm, assumptions, vendor, permittedXcr0: supportedXcr0, permittedXss: supportedXss, kvmcap };

  for (const w of kvm.words) {
    const h = host.reg(w.leaf, w.subleaf, w.reg);
    let b: Bits = { v: ((h.v & w.passthrough) | w.alwaysSet) >>> 0, k: ((h.k & w.passthrough) | ~w.passthrough) >>> 0 };
    for (const c of w.conditions) {
      if (c.vendor !== 'any' && c.vendor !== vendor) continue;
      const t = evalWhen(c.when, env);
      const m = (1 << c.bit) >>> 0;
      if (t === null) b = { v: b.v & ~m, k: b.k & ~m };
      else if (t) b = c.effect === 'set' ? { v: (b.v | m) >>> 0, k: (b.k | m) >>> 0 } : { v: (b.v & ~m) >>> 0, k: (b.k | m) >>> 0 };
    }
    words.set(wordKey(w.leaf, w.subleaf, w.reg), { v: b.v >>> 0, k: b.k >>> 0 });
  }
  // "CET bits dropped unless both are present and SHSTK or IBT is advertised" (6.18+).
  if (supportedXss !== 0n) {
    const cet = 0x1800n;
    const shstk = kvmcap('0x7.0.ECX[7]') === true;
    const ibt = kvmcap('0x7.0.EDX[20]') === true;
    if ((supportedXss & cet) !== cet || !(shstk || ibt)) supportedXss &= ~cet;
  }

  const b = new LayerBuilder();
  const rulesByLeaf = new Map<number, KvmLeafRule[]>();
  for (const r of kvm.leaves) {
    const list = rulesByLeaf.get(r.leaf) ?? [];
    list.push(r);
    rulesByLeaf.set(r.leaf, list);
  }

  const hostMax = host.maxBasic;
  const maxBasic = hostMax === null ? null : Math.min(hostMax, kvm.maxBasic);
  if (maxBasic === null) assumptions.add('KVM_GET_SUPPORTED_CPUID: the host dump lacks leaf 0, so the basic range is unknown');

  const emitted = (leaf: number, subleaf: number | null): Bits => b.getReg(leaf, subleaf, 'eax') ?? UNKNOWN;

  const evalOp = (op: KvmOp, leaf: number, subleaf: number | null, reg: Reg): Bits => {
    const h = (): Bits => host.reg(leaf, subleaf, reg);
    if (op === 'h') return h();
    if (op === 'z') return ZERO;
    if (op === 'w') return words.get(wordKey(leaf, subleaf, reg)) ?? UNKNOWN;
    if (op === 'wh') return and(words.get(wordKey(leaf, subleaf, reg)) ?? UNKNOWN, h());
    const [kind, arg] = op;
    switch (kind) {
      case 'c':
        return known(hexU32(arg));
      case 'min': {
        const x = h();
        return x.k === ALL ? known(Math.min(x.v, hexU32(arg))) : UNKNOWN;
      }
      case 'and':
        return mask(h(), hexU32(arg));
      case 'clr':
        return mask(h(), ~hexU32(arg) >>> 0);
      case 'fn':
        return evalFn(arg, leaf, subleaf, reg);
    }
  };

  const evalFn = (name: string, leaf: number, subleaf: number | null, reg: Reg): Bits => {
    const h = host.reg(leaf, subleaf, reg);
    if (name.startsWith('ext-max:')) {
      if (h.k !== ALL) return UNKNOWN;
      let v = Math.min(h.v, Number.parseInt(name.slice('ext-max:'.length), 16));
      // Raised to 0x80000021 when KVM synthesizes that leaf (LFENCE_RDTSC is always set).
      if (v >= 0x8000001d) v = Math.max(v, 0x80000021);
      return known(v);
    }
    switch (name) {
      case 'xcr0-lo':
        return mask(h, Number(supportedXcr0 & 0xffffffffn));
      case 'xcr0-hi':
        return mask(h, Number(supportedXcr0 >> 32n));
      case 'xss-lo':
        return mask(h, Number(supportedXss & 0xffffffffn));
      case 'xss-hi':
        return mask(h, Number(supportedXss >> 32n));
      case 'xsave-size': {
        const s = xsaveSize(host, supportedXcr0);
        return s === null ? UNKNOWN : known(s);
      }
      case 'xsave-size-compacted': {
        const w = words.get(wordKey(0xd, 1, 'eax'));
        if (!w || (w.k & 0xa) !== 0xa) return UNKNOWN;
        if ((w.v & 0xa) === 0) return ZERO;
        const s = xsaveCompactedSize(host, supportedXcr0 | supportedXss);
        return s === null ? UNKNOWN : known(s);
      }
      case 'pmu-eax': {
        // perf_get_x86_pmu_capability() normally equals CPUID 0xA, capped: version <= 2, GP counters <= 8.
        if (h.k !== ALL) return UNKNOWN;
        const version = Math.min(h.v & 0xff, 2);
        const gp = Math.min((h.v >>> 8) & 0xff, vendor === 'amd' ? 6 : 8);
        return known((h.v & 0xffff0000) | (gp << 8) | version);
      }
      case 'pmu-ebx':
        return h;
      case 'pmu-edx': {
        if (h.k !== ALL) return UNKNOWN;
        const eax = host.reg(0xa, null, 'eax');
        const fixed = Math.min(h.v & 0x1f, 3);
        const anyThread = (eax.v & 0xff) !== 0 ? 0x8000 : 0;
        return known(fixed | (h.v & 0x1fe0) | anyThread);
      }
      case 'phys:guest-phys-bits': {
        if (h.k !== ALL) return UNKNOWN;
        const guest = (h.v >>> 16) & 0xff;
        const phys = guest !== 0 ? guest : h.v & 0xff;
        return known(phys | (Math.max((h.v >>> 8) & 0xff, 48) << 8));
      }
      case 'phys:no-guest': {
        if (h.k !== ALL) return UNKNOWN;
        return known((h.v & 0xff) | (Math.max((h.v >>> 8) & 0xff, 48) << 8));
      }
      case 'phys:guest-capped': {
        if (h.k !== ALL) return UNKNOWN;
        const phys = h.v & 0xff;
        // 5-level EPT is assumed where the CPU has LA57 (7.0.ECX[16]).
        const la57 = host.bit(7, 0, 'ecx', 16) === 1;
        assumptions.add('KVM: 5-level EPT available exactly when the CPU supports LA57');
        const gpa = la57 ? phys : Math.min(phys, 48);
        return known(phys | (Math.max((h.v >>> 8) & 0xff, 48) << 8) | (gpa << 16));
      }
      case 'kvm-features':
        assumptions.add('host kernel built with CONFIG_SCHED_INFO (KVM offers steal time)');
        return known(0x01007edb | 0x20);
      case 'amd-pmu2-eax':
      case 'amd-pmu2-ebx': {
        const w = words.get(wordKey(0x80000022, null, 'eax'));
        const v2 = w && (w.k & 1) === 1 ? (w.v & 1) === 1 : null;
        if (v2 === null) return UNKNOWN;
        if (!v2) return ZERO;
        return name === 'amd-pmu2-eax' ? w! : h.k === ALL ? known(Math.min(h.v & 0xf, 6)) : UNKNOWN;
      }
      case 'amd-pmu2-eax-bug':
      case 'amd-pmu2-ebx-bug': {
        const w = words.get(wordKey(0x80000022, null, 'eax'));
        const v2 = w && (w.k & 1) === 1 ? (w.v & 1) === 1 : null;
        if (v2 === null) return UNKNOWN;
        if (!v2) return host.reg(0x80000022, null, 'ebx');
        return name === 'amd-pmu2-eax-bug' ? w! : UNKNOWN;
      }
      case 'eraps-ebx': {
        const eraps = kvmcap('0x80000021.EAX[24]');
        if (eraps === null) return UNKNOWN;
        return eraps ? mask(h, 0x00ff0000) : ZERO;
      }
      default:
        if (name.startsWith('avx10-ebx:')) {
          const cap = Number(name.slice('avx10-ebx:'.length));
          const w = words.get(wordKey(leaf, subleaf, reg)) ?? UNKNOWN;
          if ((h.k & 0xff) !== 0xff) return UNKNOWN;
          const version = Math.min(h.v & 0xff, cap);
          return { v: ((w.v & ~0xff) | version) >>> 0, k: (w.k | 0xff) >>> 0 };
        }
        return UNKNOWN;
    }
  };

  const condition = (c: string): Tri => {
    if (c === 'pmu-off') {
      const hybrid = host.bit(7, 0, 'edx', 15);
      const eax = host.reg(0xa, null, 'eax');
      if (hybrid === 1) return true;
      if ((eax.k & 0xff) !== 0xff || hybrid === null) return null;
      return (eax.v & 0xff) === 0;
    }
    if (c === 'xcr0') return supportedXcr0 !== 0n;
    if (c === 'vendor-centaur') return host.vendor === 'CentaurHauls' || host.vendor === '  Shanghai  ';
    const ge = /^k:0x([0-9a-f]+)\.(\d+)\.EAX>=(\d+)$/.exec(c);
    if (ge) {
      const x = emitted(Number.parseInt(ge[1]!, 16), Number(ge[2]));
      return x.k === ALL ? x.v >= Number(ge[3]) : null;
    }
    const neg = c.startsWith('not:');
    const body = neg ? c.slice(4) : c;
    if (body.startsWith('kvmcap:')) {
      const t = kvmcap(body.slice('kvmcap:'.length));
      return t === null ? null : neg ? !t : t;
    }
    return null;
  };

  const emit = (rule: KvmLeafRule | undefined, leaf: number, subleaf: number | null, zero: Tri): void => {
    if (!rule || zero === true) {
      b.setEntry(leaf, subleaf, [ZERO, ZERO, ZERO, ZERO]);
      return;
    }
    const regs = REGS.map((reg) => (zero === null ? UNKNOWN : evalOp(rule.op[reg], leaf, subleaf, reg))) as [Bits, Bits, Bits, Bits];
    b.setEntry(leaf, subleaf, regs);
  };

  const subleavesOf = (rule: KvmLeafRule, leaf: number): number[] => {
    switch (rule.subleaves) {
      case 'cache': {
        const out: number[] = [];
        for (let n = 0; n < 64; n++) {
          const eax = host.reg(leaf, n, 'eax');
          out.push(n);
          if (eax.k === 0 || (eax.v & 0x1f) === 0) break;
        }
        return out;
      }
      case 'count-eax': {
        const eax = host.reg(leaf, 0, 'eax');
        const n = eax.k === ALL ? Math.min(eax.v, 63) : 0;
        return Array.from({ length: n + 1 }, (_, i) => i);
      }
      default:
        return [0];
    }
  };

  const emitLeaf = (leaf: number): void => {
    const rules = rulesByLeaf.get(leaf);
    const indexed = isIndexedLeaf(leaf);
    if (!rules) {
      b.setEntry(leaf, indexed ? 0 : null, [ZERO, ZERO, ZERO, ZERO]);
      return;
    }
    for (const rule of rules) {
      const zero = rule.zeroIf ? condition(rule.zeroIf) : false;
      if (rule.subleaf === null) {
        if (!indexed) {
          emit(rule, leaf, null, zero);
          continue;
        }
        const subs = zero === true ? [0] : subleavesOf(rule, leaf);
        for (const s of subs) emit(rule, leaf, s, zero);
        continue;
      }
      if (rule.presentIf) {
        const p = condition(rule.presentIf);
        if (p === false) continue;
      }
      emit(rule, leaf, rule.subleaf, zero);
      if (rule.subleaves === 'xsave-components') {
        for (let n = 2; n < 64; n++) {
          const inXcr0 = ((supportedXcr0 | supportedXss) >> BigInt(n)) & 1n;
          if (!inXcr0) continue;
          const xfd = words.get(wordKey(0xd, 1, 'eax'));
          const ecx = host.reg(0xd, n, 'ecx');
          const keepXfd = xfd && (xfd.k & 0x10) ? (xfd.v & 0x10) !== 0 : false;
          b.setEntry(0xd, n, [host.reg(0xd, n, 'eax'), host.reg(0xd, n, 'ebx'), keepXfd ? ecx : mask(ecx, ~4 >>> 0), ZERO]);
        }
      }
    }
  };

  if (maxBasic !== null) for (let leaf = 0; leaf <= maxBasic; leaf++) emitLeaf(leaf);
  emitLeaf(0x40000000);
  emitLeaf(0x40000001);
  if (host.maxExtended !== null) {
    emitLeaf(0x80000000);
    const reported = b.getReg(0x80000000, null, 'eax');
    if (reported && reported.k === ALL) for (let leaf = 0x80000001; leaf <= reported.v; leaf++) emitLeaf(leaf);
  }
  if (host.vendor === 'CentaurHauls') for (let leaf = 0xc0000000; leaf <= 0xc0000004; leaf++) emitLeaf(leaf);
  return { layer: b.build(), supportedXcr0, supportedXss };
}
