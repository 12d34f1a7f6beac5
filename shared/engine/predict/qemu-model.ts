// U and S: the CPU model QEMU builds for a TD from `-cpu host[,+f,-f...]` (tdx-cpuid-model.md 4).
// For `-cpu host` each feature word starts as everything supported that QEMU can migrate
// (named bits; x86_cpu_expand_features with migratable=on), then the user's flags apply in
// order. TDX forces pmu=off (unless pmu=on) and invtsc=on (tdx_cpu_instance_init). U is the
// model as requested; S (KVM_SET_CPUID2) is U with unsupported bits filtered out
// (x86_cpu_filter_features: "host doesn't support requested feature"). Registers that are not
// feature words get the values QEMU computes for `-cpu host` (topology from the host, see the
// assumptions). XFAM comes from the XSAVE components of enabled features
// (x86_cpu_enable_xsave_components), ATTRIBUTES from SEPT_VE_DISABLE | PKS | PERFMON
// (setup_td_guest_attributes).

import type { Reg } from '../../model/address';
import { REGS } from '../../model/address';
import { findBitByName } from '../../knowledge/bits';
import type { QemuTdxTables } from '../../knowledge/qemu/qemu-knowledge';
import { qemuFeatureByName, qemuFeatureWords } from '../../knowledge/qemu/qemu-knowledge';
import { attrBit } from '../../knowledge/tdx-module/module-table';
import type { Assumptions } from '../assumptions';
import type { CpuRequest } from '../cpu-option';
import type { HostView } from '../host';
import type { Bits, Layer } from '../layer';
import { LayerBuilder, UNKNOWN, ZERO, and, known, layerReg, mask } from '../layer';
import { xsaveSize } from '../xsave';
import { capsKey } from './tdx-caps';

export interface QemuModelInput {
  readonly host: HostView;
  readonly kvmSupported: Layer;
  readonly qemuSupported: Layer;
  readonly tables: QemuTdxTables;
  readonly cpu: CpuRequest;
  /** From --pmu / the command line; undefined = QEMU's TDX default (off). */
  readonly pmu: boolean | undefined;
  /** Explicit --attributes / tdx-guest attributes=; undefined = QEMU derives them. */
  readonly attributes: bigint | undefined;
  /** Explicit --xfam; undefined = QEMU derives it. */
  readonly xfam: bigint | undefined;
  readonly septVeDisable: boolean | undefined;
  readonly assumptions: Assumptions;
}

export interface QemuModel {
  readonly requested: Layer;
  readonly setCpuid: Layer;
  readonly pmu: boolean;
  readonly attributes: bigint;
  readonly attributesWhy: string;
  readonly xfam: bigint;
  readonly xfamWhy: string;
  /** Flag names neither QEMU nor the bit knowledge knows. */
  readonly unknownFlags: readonly string[];
  /** Named CPU models are rejected for TDX ("Named cpu model is not supported for TDX yet!"). */
  readonly namedModel: boolean;
  /** Bits the user switched on / off explicitly, per register (`leaf:sub:reg`). */
  readonly userOn: ReadonlyMap<string, number>;
  readonly userOff: ReadonlyMap<string, number>;
  /** Bits QEMU clears because pmu=off, per register. */
  readonly pmuCleared: ReadonlyMap<string, number>;
}

/** XSAVE state components and the feature bits that enable them (QEMU x86_ext_save_areas). */
const XSAVE_COMPONENTS: readonly { readonly bit: number; readonly needs: readonly (readonly [number, number | null, Reg, number])[]; readonly since?: string }[] = [
  { bit: 0, needs: [[1, null, 'ecx', 26]] },
  { bit: 1, needs: [[1, null, 'ecx', 26]] },
  { bit: 2, needs: [[1, null, 'ecx', 28]] },
  { bit: 3, needs: [[7, 0, 'ebx', 14]] },
  { bit: 4, needs: [[7, 0, 'ebx', 14]] },
  { bit: 5, needs: [[7, 0, 'ebx', 16]] },
  { bit: 6, needs: [[7, 0, 'ebx', 16]] },
  { bit: 7, needs: [[7, 0, 'ebx', 16]] },
  { bit: 9, needs: [[7, 0, 'ecx', 3]] },
  { bit: 11, needs: [[7, 0, 'ecx', 7], [7, 0, 'edx', 20]] },
  { bit: 12, needs: [[7, 0, 'ecx', 7], [7, 0, 'edx', 20]] },
  { bit: 15, needs: [[7, 0, 'edx', 19]] },
  { bit: 17, needs: [[7, 0, 'edx', 24]] },
  { bit: 18, needs: [[7, 0, 'edx', 24]] },
];

/** Bits QEMU removes with pmu=off: PDCM (leaf 1) and Arch LBR; leaves 0xA, 0x1C, 0x23 read 0. */
const PMU_BITS: readonly (readonly [number, number | null, Reg, number])[] = [
  [1, null, 'ecx', 1 << 15],
  [7, 0, 'edx', 1 << 19],
];

function resolveFlag(name: string): { leaf: number; subleaf: number | null; reg: Reg; bit: number } | undefined {
  const q = qemuFeatureByName(name);
  if (q) return q;
  const e = findBitByName(name);
  if (!e || e.bits[0] !== e.bits[1]) return undefined;
  const subleaf = Array.isArray(e.subleaf) ? (e.subleaf as readonly [number, number])[0] : (e.subleaf as number | null);
  return { leaf: e.leaf, subleaf, reg: e.reg, bit: e.bits[0] };
}

function addBits(map: Map<string, number>, key: string, bits: number): void {
  map.set(key, ((map.get(key) ?? 0) | bits) >>> 0);
}

export function buildQemuModel(input: QemuModelInput): QemuModel {
  const { host, kvmSupported, qemuSupported, tables, cpu, assumptions } = input;
  const pmu = input.pmu ?? cpu.pmu ?? tables.forced.pmu;
  if (input.pmu === undefined && cpu.pmu === undefined) assumptions.add('QEMU: pmu=off (the TDX default; no pmu=on given)');
  const namedModel = cpu.model !== 'host' && cpu.model !== 'max';

  const userOn = new Map<string, number>();
  const userOff = new Map<string, number>();
  const unknownFlags: string[] = [];
  // invtsc is forced on when the CPU object is created (tdx_cpu_instance_init); the user's
  // flags are applied after that and can still switch it off.
  if (tables.forced.invtsc) addBits(userOn, capsKey(0x80000007, null, 'edx'), 1 << 8);
  for (const f of cpu.flags) {
    const a = resolveFlag(f.name);
    if (!a) {
      unknownFlags.push(f.name);
      continue;
    }
    const key = capsKey(a.leaf, a.subleaf, a.reg);
    const bit = (1 << a.bit) >>> 0;
    if (f.on) {
      addBits(userOn, key, bit);
      userOff.set(key, (userOff.get(key) ?? 0) & ~bit);
    } else {
      addBits(userOff, key, bit);
      userOn.set(key, (userOn.get(key) ?? 0) & ~bit);
    }
  }
  const pmuCleared = new Map<string, number>();
  if (!pmu) for (const [l, s, r, m] of PMU_BITS) addBits(pmuCleared, capsKey(l, s, r), m);

  const u = new LayerBuilder();
  const s = new LayerBuilder();
  // Feature words.
  for (const w of qemuFeatureWords()) {
    const key = capsKey(w.leaf, w.subleaf, w.reg);
    const supported = layerReg(qemuSupported, w.leaf, w.subleaf, w.reg) ?? UNKNOWN;
    const auto = mask(supported, (w.migratable & ~w.noAutoenable) >>> 0);
    const on = userOn.get(key) ?? 0;
    const off = (userOff.get(key) ?? 0) | (pmuCleared.get(key) ?? 0);
    const requested: Bits = { v: ((auto.v | on) & ~off) >>> 0, k: (auto.k | on | off) >>> 0 };
    u.setReg(w.leaf, w.subleaf, w.reg, requested);
    s.setReg(w.leaf, w.subleaf, w.reg, and(requested, supported));
  }
  // XSAVE components: enabled features, limited to what QEMU's supported words allow.
  const feature = (l: number, sub: number | null, r: Reg, bit: number): boolean | null => {
    const b = s.getReg(l, sub, r);
    if (!b || ((b.k >>> bit) & 1) === 0) return null;
    return ((b.v >>> bit) & 1) === 1;
  };
  let components = 0n;
  let componentsKnown = true;
  for (const c of XSAVE_COMPONENTS) {
    const vals = c.needs.map(([l, sub, r, bit]) => feature(l, sub, r, bit));
    if (vals.some((v) => v === true)) components |= 1n << BigInt(c.bit);
    else if (vals.some((v) => v === null)) componentsKnown = false;
  }
  const supportedWord = (sub: number, r: Reg): bigint => BigInt((layerReg(qemuSupported, 0xd, sub, r)?.v ?? 0) >>> 0);
  const supportedXcr0 = supportedWord(0, 'eax') | (supportedWord(0, 'edx') << 32n);
  const supportedXss = supportedWord(1, 'ecx') | (supportedWord(1, 'edx') << 32n);
  const xcr0 = components & supportedXcr0 & tables.version.xcr0Mask;
  const xss = components & supportedXss & tables.version.xssMask;
  const setWord = (sub: number, r: Reg, v: bigint): void => {
    const b = known(Number(v & 0xffffffffn));
    u.setReg(0xd, sub, r, b);
    s.setReg(0xd, sub, r, b);
  };
  setWord(0, 'eax', xcr0);
  setWord(0, 'edx', xcr0 >> 32n);
  setWord(1, 'ecx', xss);
  setWord(1, 'edx', xss >> 32n);
  const derivedXfam = xcr0 | xss;
  const xfam = input.xfam ?? derivedXfam;
  const xfamWhy =
    input.xfam !== undefined
      ? 'given on the command line (--xfam)'
      : `QEMU: the XSAVE components of the enabled features${componentsKnown ? '' : ' (some feature bits unknown)'}`;

  // Registers that are not feature words: what QEMU computes for -cpu host.
  assumptions.add('QEMU -cpu host: family/model/stepping from CPU 0, cache (leaf 4) and topology (leaves 0xB, 0x1F, 1.EBX[23:16]) as on the host (they depend on -smp)');
  const k = (l: number, sub: number | null, r: Reg): Bits => layerReg(kvmSupported, l, sub, r) ?? UNKNOWN;
  const both = (l: number, sub: number | null, r: Reg, b: Bits): void => {
    u.setReg(l, sub, r, b);
    s.setReg(l, sub, r, b);
  };
  const cpu0 = host.dump.cpus[0]?.table;
  both(0, null, 'eax', k(0, null, 'eax'));
  for (const r of ['ebx', 'ecx', 'edx'] as const) both(0, null, r, host.reg(0, null, r));
  const fms = cpu0?.regOf(1, null, 'eax');
  both(1, null, 'eax', fms === undefined ? UNKNOWN : known(fms));
  const ebx1 = host.reg(1, null, 'ebx');
  both(1, null, 'ebx', mask(ebx1, 0x00ffff00));
  // cpu_x86_cpuid(): HTT (1.EDX[28]) is set when the topology has more than one thread per package.
  if ((ebx1.k & 0x00ff0000) === 0x00ff0000 && ((ebx1.v >>> 16) & 0xff) > 1) {
    for (const l of [u, s]) l.setReg(1, null, 'edx', { v: (l.getReg(1, null, 'edx')!.v | (1 << 28)) >>> 0, k: (l.getReg(1, null, 'edx')!.k | (1 << 28)) >>> 0 });
  }
  for (let n = 0; n < 16; n++) {
    if (!host.dump.cpus[0]?.table.has(4, n)) break;
    for (const r of REGS) both(4, n, r, host.reg(4, n, r));
  }
  both(7, 0, 'eax', k(7, 0, 'eax'));
  for (const leaf of [0xb, 0x1f]) {
    for (let n = 0; n < 8; n++) {
      if (!host.dump.cpus[0]?.table.has(leaf, n)) break;
      for (const r of ['eax', 'ebx', 'ecx'] as const) both(leaf, n, r, host.reg(leaf, n, r));
      both(leaf, n, 'edx', ZERO);
    }
  }
  if (pmu) for (const r of REGS) both(0xa, null, r, k(0xa, null, r));
  else {
    for (const r of REGS) both(0xa, null, r, ZERO);
    for (const r of REGS) both(0x1c, null, r, ZERO);
    for (let n = 0; n < 4; n++) for (const r of REGS) both(0x23, n, r, ZERO);
  }
  // 0x80000008.EAX: host physical address bits (host-phys-bits), linear address width, and the
  // guest physical address width KVM_TDX_INIT_VM takes from [23:16] (48 or 52).
  const e8 = host.reg(0x80000008, null, 'eax');
  if ((e8.k & 0xff) === 0xff) {
    const phys = e8.v & 0xff;
    const la57 = feature(7, 0, 'ecx', 16) === true;
    const gpaw = phys > 48 && host.bit(7, 0, 'ecx', 16) === 1 ? 52 : 48;
    assumptions.add('QEMU: guest physical address width (0x80000008.EAX[23:16]) 52 when the host has more than 48 physical address bits and 5-level paging, else 48');
    both(0x80000008, null, 'eax', known(phys | ((la57 ? 57 : 48) << 8) | (gpaw << 16)));
  }
  // 0xD sizes for the enabled components.
  const size = xsaveSize(host, xcr0);
  if (size !== null) {
    both(0xd, 0, 'ebx', known(size));
    both(0xd, 0, 'ecx', known(size));
  }
  // KVM paravirtual leaves (QEMU's KVM signature).
  both(0x40000000, null, 'eax', known(0x40000001));
  both(0x40000000, null, 'ebx', known(0x4b4d564b));
  both(0x40000000, null, 'ecx', known(0x564b4d56));
  both(0x40000000, null, 'edx', known(0x4d));

  // ATTRIBUTES: SEPT_VE_DISABLE by default, PKS when the model has pks, PERFMON with pmu=on.
  let attributes: bigint;
  let attributesWhy: string;
  if (input.attributes !== undefined) {
    attributes = input.attributes;
    attributesWhy = 'given (--attributes or tdx-guest attributes=)';
  } else {
    attributes = input.septVeDisable === false ? 0n : tables.defaultAttributes;
    const parts = [input.septVeDisable === false ? 'sept-ve-disable=off' : 'SEPT_VE_DISABLE (QEMU default)'];
    if (feature(7, 0, 'ecx', 31) === true) {
      attributes |= attrBit('PKS');
      parts.push('PKS (the model has pks)');
    }
    if (pmu) {
      attributes |= attrBit('PERFMON');
      parts.push('PERFMON (pmu=on)');
    }
    attributesWhy = `QEMU: ${parts.join(', ')}`;
    if (input.septVeDisable === undefined) assumptions.add('QEMU: TD attributes = SEPT_VE_DISABLE, plus PKS/PERFMON only when requested');
  }

  return {
    requested: u.build(),
    setCpuid: s.build(),
    pmu,
    attributes,
    attributesWhy,
    xfam,
    xfamWhy,
    unknownFlags,
    namedModel,
    userOn,
    userOff,
    pmuCleared,
  };
}

