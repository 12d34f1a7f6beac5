// Pre-flight checks of a TD configuration: everything QEMU, KVM and the TDX module check
// before the TD exists, run offline against the TDX capabilities (C) and the module table,
// so a configuration can be judged before anything runs (tdx-cpuid-model.md 2.1, 3, 4):
//   QEMU   (target/i386/kvm/tdx.c): named CPU model, attributes within supported_attrs and
//          QEMU's own allow-list, XFAM within supported_xfam, TSC a multiple of 25 MHz in
//          100 MHz .. 10 GHz;
//   KVM    (arch/x86/kvm/vmx/tdx.c, 6.16 KVM_TDX_INIT_VM): attributes/XFAM within the
//          capabilities, every CPUID entry a configurable leaf, at most 256 entries, no
//          HLE/RTM/WAITPKG (the bits KVM removes from the capabilities), guest physical
//          address width 48 or 52 (52 needs 5-level EPT);
//   module (TDH.MNG.INIT): ATTRIBUTES/XFAM within the module's fixed masks, every configured
//          bit config_direct or allow_direct (else TDX_OPERAND_INVALID, operand CPUID_CONFIG
//          = 0xC000010000000045), FMS 0 or the platform FMS for a non-migratable TD,
//          HLE = RTM in the resulting TD.
// The rules attrs-or-xfam-unsupported, tsc-frequency, kvm-rejects-config,
// config-not-configurable, fms-min-stepping and named-cpu-model report these problems.

import type { BitAddress, LeafKey, Reg } from '../model/address';
import { REGS, bits64, formatLeafKey, leafKeyString } from '../model/address';
import type { ModuleTable } from '../knowledge/tdx-module/module-table';
import { attrBit } from '../knowledge/tdx-module/module-table';
import type { HostView } from './host';
import type { Bits, Layer } from './layer';
import { layerReg } from './layer';
import type { EngineState } from './pipeline';
import { TDX_OPERAND_INVALID_CPUID_CONFIG, hexStatus } from './tdx-errors';
import { attributeCpuidBit, attributeList, bitList, hex, maskBits, xfamCpuidBit, xfamList } from './rules/words';

export type PreflightStage = 'qemu' | 'kvm' | 'module';

export type PreflightCheck = 'cpu-model' | 'attributes' | 'xfam' | 'tsc' | 'cpuid-leaf' | 'cpuid-entries' | 'kvm-unsupported-bit' | 'gpaw' | 'cpuid-config' | 'fms' | 'hle-rtm';

export interface PreflightProblem {
  readonly stage: PreflightStage;
  readonly check: PreflightCheck;
  readonly bits: readonly BitAddress[];
  /** What the failing stage returns: "QEMU exits", "-EINVAL", "0xC000010000000045". */
  readonly outcome: string;
  /** Leaf the problem is in, for CPUID checks. */
  readonly leaf?: LeafKey;
  /** Register-level detail of CPUID checks. */
  readonly reg?: Reg;
  readonly message: string;
}

/** The TD configuration being checked. */
export interface TdConfiguration {
  readonly attributes: bigint;
  readonly xfam: bigint;
  /** TSC frequency set explicitly (kHz); null = the host's, which QEMU does not check. */
  readonly tscKhz: number | null;
  /** KVM_TDX_INIT_VM CPUID entries, keyed the module's way (null sub-leaf where the module has none). */
  readonly cpuid: Layer;
  /** Number of entries in the payload (KVM accepts at most 256). */
  readonly entryCount: number;
  /** QEMU builds the payload (its checks run first); false for a captured or hand-made payload. */
  readonly builtByQemu: boolean;
  /** `-cpu` model name when QEMU builds it ("host"). */
  readonly cpuModel: string | null;
}

/** What the configuration is checked against. */
export interface PreflightEnvironment {
  readonly module: ModuleTable;
  /** KVM_TDX_CAPABILITIES (C): supported attributes/XFAM and the configurable entries. */
  readonly caps: { readonly supportedAttrs: bigint; readonly supportedXfam: bigint; readonly layer: Layer };
  readonly kvmAbi: '6.16' | 'legacy';
  /** Bits KVM does not allow in a TD's CPUID configuration (leaf, sub-leaf, register, mask). */
  readonly kvmForbidden: readonly (readonly [number, number, Reg, number])[];
  /** QEMU's TDX_SUPPORTED_TD_ATTRS; null when QEMU is not involved. */
  readonly qemuAllowedAttrs: bigint | null;
  /** Host with 5-level EPT (needed for GPAW 52); null when unknown. */
  readonly ept5: boolean | null;
  /** The host, for checks that depend on native values (HLE = RTM, platform FMS); null when not given. */
  readonly host: HostView | null;
}

const MIN_TSC_KHZ = 100_000;
const MAX_TSC_KHZ = 10_000_000;
const MAX_CPUID_ENTRIES = 256;
const CPUID_CONFIG_STATUS = hexStatus(TDX_OPERAND_INVALID_CPUID_CONFIG);

function attrBits(v: bigint): BitAddress[] {
  return bits64(v)
    .map(attributeCpuidBit)
    .filter((b): b is BitAddress => b !== null);
}

function xfamBits(v: bigint): BitAddress[] {
  return bits64(v)
    .map(xfamCpuidBit)
    .filter((b): b is BitAddress => b !== null);
}

function regOf(layer: Layer, leaf: number, subleaf: number | null, reg: Reg): Bits | undefined {
  return layerReg(layer, leaf, subleaf, reg);
}

/** Runs every check; problems are listed in the order the stages run (QEMU, KVM, module). */
export function preflight(config: TdConfiguration, env: PreflightEnvironment): PreflightProblem[] {
  const out: PreflightProblem[] = [];
  const { module, caps } = env;
  const qemuRefuses = 'QEMU refuses to create the TD';

  // --- QEMU -------------------------------------------------------------------------------
  if (config.builtByQemu) {
    if (config.cpuModel !== null && config.cpuModel !== 'host' && config.cpuModel !== 'max') {
      out.push({
        stage: 'qemu',
        check: 'cpu-model',
        bits: [],
        outcome: qemuRefuses,
        message: `-cpu ${config.cpuModel}: QEMU accepts only -cpu host for a TD ("Named cpu model is not supported for TDX yet!")`,
      });
    }
    const outside = config.attributes & ~caps.supportedAttrs;
    if (outside) {
      out.push({
        stage: 'qemu',
        check: 'attributes',
        bits: attrBits(outside),
        outcome: qemuRefuses,
        message: `TD attributes ${hex(config.attributes)} include ${attributeList(outside)}, which KVM_TDX_CAPABILITIES does not offer (supported_attrs ${hex(caps.supportedAttrs)})`,
      });
    }
    if (env.qemuAllowedAttrs !== null) {
      const notAllowed = config.attributes & ~env.qemuAllowedAttrs & ~outside;
      if (notAllowed) {
        out.push({
          stage: 'qemu',
          check: 'attributes',
          bits: attrBits(notAllowed),
          outcome: qemuRefuses,
          message: `TD attributes ${hex(config.attributes)} include ${attributeList(notAllowed)}, which QEMU does not allow (it allows ${attributeList(env.qemuAllowedAttrs)})`,
        });
      }
    }
    const xOut = config.xfam & ~caps.supportedXfam;
    if (xOut) {
      out.push({
        stage: 'qemu',
        check: 'xfam',
        bits: xfamBits(xOut),
        outcome: qemuRefuses,
        message: `XFAM ${hex(config.xfam)} includes ${xfamList(xOut)}, outside supported_xfam ${hex(caps.supportedXfam)}`,
      });
    }
    const tsc = config.tscKhz;
    if (tsc !== null) {
      const tscBits: BitAddress[] = [{ leaf: 0x15, subleaf: null, reg: 'ebx', bit: 0 }];
      if (tsc < MIN_TSC_KHZ || tsc > MAX_TSC_KHZ) {
        out.push({ stage: 'qemu', check: 'tsc', bits: tscBits, outcome: qemuRefuses, message: `TSC frequency ${tsc} kHz is outside the 100 MHz .. 10 GHz a TD accepts` });
      }
      if (tsc % 25_000 !== 0) {
        const lo = Math.floor(tsc / 25_000) * 25_000;
        out.push({
          stage: 'qemu',
          check: 'tsc',
          bits: tscBits,
          outcome: qemuRefuses,
          message: `TSC frequency ${tsc} kHz is not a multiple of 25 MHz (the TD's CPUID 0x15 reports it in 25 MHz units); use ${lo} or ${lo + 25_000} kHz`,
        });
      }
    }
  }

  // --- KVM (6.16 ABI) ---------------------------------------------------------------------
  const kvmFails = 'KVM_TDX_INIT_VM fails with -EINVAL';
  if (env.kvmAbi === '6.16') {
    if (!config.builtByQemu) {
      const outside = config.attributes & ~caps.supportedAttrs;
      if (outside) {
        out.push({
          stage: 'kvm',
          check: 'attributes',
          bits: attrBits(outside),
          outcome: kvmFails,
          message: `TD attributes ${hex(config.attributes)} include ${attributeList(outside)}, outside supported_attrs ${hex(caps.supportedAttrs)}`,
        });
      }
      const xOut = config.xfam & ~caps.supportedXfam;
      if (xOut) {
        out.push({ stage: 'kvm', check: 'xfam', bits: xfamBits(xOut), outcome: kvmFails, message: `XFAM ${hex(config.xfam)} includes ${xfamList(xOut)}, outside supported_xfam ${hex(caps.supportedXfam)}` });
      }
    }
    if (config.entryCount > MAX_CPUID_ENTRIES) {
      out.push({ stage: 'kvm', check: 'cpuid-entries', bits: [], outcome: kvmFails, message: `the payload has ${config.entryCount} CPUID entries; KVM accepts at most ${MAX_CPUID_ENTRIES}` });
    }
    for (const k of config.cpuid.keys) {
      const slot = module.get(k.leaf, k.subleaf)?.configIndex;
      if (caps.layer.has(k.leaf, k.subleaf) || (slot !== null && slot !== undefined)) continue;
      out.push({
        stage: 'kvm',
        check: 'cpuid-leaf',
        bits: [],
        leaf: k,
        outcome: kvmFails,
        message: `the payload has an entry for leaf ${formatLeafKey(k)}, which is not a configurable leaf of ${module.version} (KVM_TDX_CAPABILITIES lists none for it)`,
      });
    }
    for (const [leaf, sub, reg, m] of env.kvmForbidden) {
      const key = module.get(leaf, null) ? null : sub;
      const v = regOf(config.cpuid, leaf, key, reg);
      const set = v ? (v.v & v.k & m) >>> 0 : 0;
      if (!set) continue;
      const bits = maskBits(leaf, key, reg, set);
      out.push({
        stage: 'kvm',
        check: 'kvm-unsupported-bit',
        bits,
        leaf: { leaf, subleaf: key },
        reg,
        outcome: kvmFails,
        message: `the CPUID configuration sets ${bitList(bits, 8, true)}, which KVM does not allow for a TD`,
      });
    }
    const e8 = regOf(config.cpuid, 0x80000008, null, 'eax');
    const gpawBits = maskBits(0x80000008, null, 'eax', 0x00ff0000);
    if (!config.cpuid.has(0x80000008, null)) {
      out.push({ stage: 'kvm', check: 'gpaw', bits: [], outcome: kvmFails, message: 'the payload has no CPUID 0x80000008 entry: KVM takes the guest physical address width from 0x80000008.EAX[23:16]' });
    } else if (e8 && (e8.k & 0x00ff0000) === 0x00ff0000) {
      const gpaw = (e8.v >>> 16) & 0xff;
      if (gpaw !== 48 && gpaw !== 52) {
        out.push({ stage: 'kvm', check: 'gpaw', bits: gpawBits, outcome: kvmFails, message: `0x80000008.EAX[23:16] (guest physical address width) is ${gpaw}; KVM accepts only 48 or 52` });
      } else if (gpaw === 52 && env.ept5 === false) {
        out.push({ stage: 'kvm', check: 'gpaw', bits: gpawBits, outcome: kvmFails, message: '0x80000008.EAX[23:16] asks for a 52-bit guest physical address width, which needs 5-level EPT; the host has no LA57' });
      }
    }
  }

  // --- TDX module (TDH.MNG.INIT) ----------------------------------------------------------
  const initFails = `TDH.MNG.INIT fails with ${CPUID_CONFIG_STATUS} (TDX_OPERAND_INVALID, operand CPUID_CONFIG)`;
  const aOut = config.attributes & ~module.attributesFixed0;
  if (aOut && env.kvmAbi === 'legacy') {
    out.push({
      stage: 'module',
      check: 'attributes',
      bits: attrBits(aOut),
      outcome: 'TDH.MNG.INIT fails with 0xC000010000000040 (TDX_OPERAND_INVALID, operand ATTRIBUTES)',
      message: `TD attributes ${hex(config.attributes)} include ${attributeList(aOut)}, which module ${module.version} does not support (ATTRIBUTES_FIXED0 ${hex(module.attributesFixed0)})`,
    });
  }
  const xOutM = (config.xfam & ~module.xfamFixed0) | (module.xfamFixed1 & ~config.xfam);
  if (xOutM && env.kvmAbi === 'legacy') {
    out.push({
      stage: 'module',
      check: 'xfam',
      bits: xfamBits(xOutM),
      outcome: 'TDH.MNG.INIT fails with 0xC000010000000041 (TDX_OPERAND_INVALID, operand XFAM)',
      message: `XFAM ${hex(config.xfam)} does not fit module ${module.version}: XFAM_FIXED0 ${hex(module.xfamFixed0)}, XFAM_FIXED1 ${hex(module.xfamFixed1)} (${xfamList(xOutM)})`,
    });
  }
  const migratable = (config.attributes & attrBit('MIGRATABLE')) !== 0n;
  for (const e of module.configSlots) {
    if (!e) continue;
    const regs = REGS.map((r) => regOf(config.cpuid, e.leaf, e.subleaf, r));
    if (regs.every((r) => r === undefined)) continue;
    REGS.forEach((reg, i) => {
      const c = regs[i];
      if (!c) return;
      let v = (c.v & c.k) >>> 0;
      // KVM 6.16 takes the guest physical address width out of the entry before TDH.MNG.INIT.
      if (env.kvmAbi === '6.16' && e.leaf === 0x80000008 && reg === 'eax') v &= 0xff00ffff;
      const m = e.regs[i]!;
      const bad = (v & ~(m.configDirect | m.allowDirect)) >>> 0;
      if (!bad) return;
      const bits = maskBits(e.leaf, e.subleaf, reg, bad);
      out.push({
        stage: 'module',
        check: 'cpuid-config',
        bits,
        leaf: { leaf: e.leaf, subleaf: e.subleaf },
        reg,
        outcome: initFails,
        message: `the CPUID configuration sets ${bitList(bits, 8, true)}, which module ${module.version} does not let the VMM configure (neither config_direct nor allow_direct)`,
      });
    });
    // FMS: config_direct; a non-migratable TD takes only 0 or the platform FMS (minimum stepping).
    if (e.leaf === 1 && e.subleaf === null) {
      const cd = e.regs[0].configDirect;
      const c = regs[0];
      const fms = env.host?.platformFms ?? null;
      if (cd && c && (c.k & cd) === cd && (c.v & cd) !== 0 && fms !== null && (c.v & cd) !== (fms & cd) && !migratable) {
        out.push({
          stage: 'module',
          check: 'fms',
          bits: maskBits(1, null, 'eax', ((c.v ^ fms) & cd) >>> 0),
          leaf: { leaf: 1, subleaf: null },
          reg: 'eax',
          outcome: initFails,
          message: `the configured family/model/stepping 1.EAX = ${hex((c.v & cd) >>> 0)} is neither 0 nor the platform FMS ${hex((fms & cd) >>> 0)} (the minimum stepping of all packages); a non-migratable TD accepts only those`,
        });
      }
    }
    // HLE and RTM must come out equal (both allow_direct: TD value = native AND configured).
    if (e.leaf === 7 && e.subleaf === 0 && env.host) {
      const c = regs[1];
      const h = env.host.reg(7, 0, 'ebx');
      if (c && (c.k & 0x810) === 0x810 && (h.k & 0x810) === 0x810) {
        const m = e.regs[1];
        const td = (bit: number): number => {
          const b = 1 << bit;
          if (m.fixed1 & b) return 1;
          if (m.fixed0 & b) return 0;
          if (m.configDirect & b) return (c.v >>> bit) & 1;
          if (m.allowDirect & b) return (c.v >>> bit) & (h.v >>> bit) & 1;
          return (h.v >>> bit) & 1;
        };
        if (td(4) !== td(11)) {
          const bits = maskBits(7, 0, 'ebx', 0x810);
          out.push({
            stage: 'module',
            check: 'hle-rtm',
            bits,
            leaf: { leaf: 7, subleaf: 0 },
            reg: 'ebx',
            outcome: initFails,
            message: `the TD would get HLE (7.0.EBX[4]) = ${td(4)} but RTM (7.0.EBX[11]) = ${td(11)}; module ${module.version} requires them equal`,
          });
        }
      }
    }
  }
  return out;
}

/** KVM's forbidden bits: the bits this kernel clears from the capabilities (6.16: HLE, RTM, WAITPKG). */
function kvmForbidden(state: EngineState): readonly (readonly [number, number, Reg, number])[] {
  const clears = state.context.kernel.kvm.tdx.clears;
  if (clears.length) return clears;
  return state.context.kernel.kvm.tdx.abi === '6.16'
    ? [
        [7, 0, 'ebx', 0x810],
        [7, 0, 'ecx', 0x20],
      ]
    : [];
}

/** The configuration and environment of a reconciliation (captured payload, else QEMU's). */
export function preflightInputs(state: EngineState): { config: TdConfiguration; env: PreflightEnvironment } {
  const captured = state.captured.initVm;
  const payload = state.inputs.kvm.find((k) => k.initVm)?.initVm;
  const tscGiven = state.context.tscFrom.startsWith('given') || state.context.tscFrom.startsWith('from -cpu');
  const config: TdConfiguration = {
    attributes: state.predicted.initVm.attributes,
    xfam: state.predicted.initVm.xfam,
    tscKhz: tscGiven ? state.context.tscKhz : null,
    cpuid: captured?.layer ?? state.predicted.initVm.layer,
    entryCount: payload ? payload.cpuid.length : state.predicted.initVm.entries.length,
    builtByQemu: !captured,
    cpuModel: captured ? null : state.context.cpu.model,
  };
  const env: PreflightEnvironment = {
    module: state.module,
    caps: { supportedAttrs: state.caps.supportedAttrs, supportedXfam: state.caps.supportedXfam, layer: state.caps.layer },
    kvmAbi: state.context.kernel.kvm.tdx.abi,
    kvmForbidden: kvmForbidden(state),
    qemuAllowedAttrs: captured ? null : state.context.qemu.tables.supportedTdAttrs,
    ept5: state.hasHost ? state.host.bit(7, 0, 'ecx', 16) === 1 : null,
    host: state.hasHost ? state.host : null,
  };
  return { config, env };
}

const CACHE = new WeakMap<EngineState, readonly PreflightProblem[]>();

/** Pre-flight problems of a reconciliation's configuration (computed once per state). */
export function preflightOf(state: EngineState): readonly PreflightProblem[] {
  let p = CACHE.get(state);
  if (!p && state.status.tdCreated && !state.captured.initVm && state.context.kernel.kvm.tdx.abi === '6.16') {
    // The pipeline already ran the same QEMU, KVM and TDH.MNG.INIT checks on QEMU's own
    // configuration and found nothing; the checks only preflight makes (payload leaves and
    // size, legacy-ABI module checks) do not apply. (Tests hold the two to the same verdict.)
    p = [];
    CACHE.set(state, p);
  }
  if (!p) {
    const { config, env } = preflightInputs(state);
    let list = preflight(config, env);
    // Without a host (and without captured capabilities) supported_attrs/xfam and QEMU's
    // payload are not known, only guessed as empty: checks against them would be artefacts.
    if (!state.hasHost && !state.captured.tdxCaps) list = list.filter((x) => x.stage === 'module' || (x.check !== 'attributes' && x.check !== 'xfam'));
    if (!state.hasHost && !state.captured.initVm) list = list.filter((x) => x.check !== 'gpaw');
    p = list;
    CACHE.set(state, p);
  }
  return p;
}

/** Keys of the leaves a set of problems touches (for attributing an observed failure). */
export function problemLeaves(problems: readonly PreflightProblem[]): Set<string> {
  return new Set(problems.filter((p) => p.leaf).map((p) => leafKeyString(p.leaf!)));
}

