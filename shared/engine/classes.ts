// Per-bit virtualization class and gates of a module version (tdx-cpuid-model.md section 2):
// FIXED1, FIXED0, DYNAMIC, CONFIG_DIRECT, CONFIG_AND_NATIVE, NATIVE_VERIFIED_1/0, NATIVE,
// leaf-level FAULTING / ABSENT, and KVM_PV for the 0x40000000 range; gates XFAM:n, ATTR:name,
// CPUID:leaf.sub.reg.bit and CALCULATED from the special handling.

import type { Reg } from '../model/address';
import { regIndex } from '../model/address';
import type { ModuleEntry, ModuleTable } from '../knowledge/tdx-module/module-table';
import type { BitClass, Gate } from './types';

/** Run-time computed bits (special_handling stage "runtime"): stored as 0, recomputed per CPUID. */
const DYNAMIC: readonly (readonly [number, number | null | 'any', Reg, number])[] = [
  [1, null, 'ebx', 0xff000000], // initial APIC ID
  [1, null, 'ecx', 1 << 27], // OSXSAVE
  [7, 0, 'ecx', 1 << 4], // OSPKE
  [0x80000001, null, 'edx', 1 << 11], // SYSCALL (64-bit mode)
  [0xd, 0, 'ebx', 0xffffffff], // XSAVE size for the current XCR0
  [0xd, 1, 'ebx', 0xffffffff], // XSAVE size for XCR0 | IA32_XSS
  [0xb, 'any', 'edx', 0xffffffff], // x2APIC ID
  [0x1f, 'any', 'edx', 0xffffffff], // x2APIC ID
];

export function dynamicMask(leaf: number, subleaf: number | null, reg: Reg): number {
  if (leaf !== 1 && leaf !== 7 && leaf !== 0xb && leaf !== 0xd && leaf !== 0x1f && leaf !== 0x80000001) return 0;
  let m = 0;
  // An index loop: destructuring each entry runs the iterator protocol, slow before optimisation.
  for (let i = 0; i < DYNAMIC.length; i++) {
    const d = DYNAMIC[i]!;
    if (d[0] === leaf && d[2] === reg && (d[1] === 'any' || d[1] === subleaf)) m |= d[3];
  }
  return m >>> 0;
}

export function isKvmPvLeaf(leaf: number): boolean {
  return leaf >= 0x40000000 && leaf <= 0x4fffffff;
}

const allBits = (cls: BitClass): readonly BitClass[] => Object.freeze(Array.from({ length: 32 }, () => cls));
const KVM_PV_BITS = allBits('KVM_PV');
const ABSENT_BITS = allBits('ABSENT');
const FAULTING_BITS = allBits('FAULTING');

function computeRegisterClasses(entry: ModuleEntry, reg: Reg): readonly BitClass[] {
  const m = entry.regs[regIndex(reg)];
  const dynamic = dynamicMask(entry.leaf, entry.subleaf, reg);
  const out: BitClass[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const b = (1 << bit) >>> 0;
    if (m.fixed1 & b) out.push('FIXED1');
    else if (m.fixed0 & b) out.push(dynamic & b ? 'DYNAMIC' : 'FIXED0');
    else if (m.configDirect & b) out.push('CONFIG_DIRECT');
    else if (m.allowDirect & b) out.push('CONFIG_AND_NATIVE');
    else if (m.nativeVerified1 & b) out.push('NATIVE_VERIFIED_1');
    else if (m.nativeVerified0 & b) out.push('NATIVE_VERIFIED_0');
    else out.push('NATIVE');
  }
  return Object.freeze(out);
}

/** Per module entry: each register's 32 classes (module tables do not change). */
const REGISTER_CLASSES = new WeakMap<ModuleEntry, (readonly BitClass[] | undefined)[]>();

/** Classes of the 32 bits of a register in one module version (`entry` is the module's entry for the leaf). */
export function registerClasses(entry: ModuleEntry | undefined, leaf: number, reg: Reg): readonly BitClass[] {
  if (isKvmPvLeaf(leaf)) return KVM_PV_BITS;
  if (!entry) return ABSENT_BITS;
  if (entry.faulting) return FAULTING_BITS;
  let regs = REGISTER_CLASSES.get(entry);
  if (!regs) REGISTER_CLASSES.set(entry, (regs = [undefined, undefined, undefined, undefined]));
  return (regs[regIndex(reg)] ??= computeRegisterClasses(entry, reg));
}

/** Class of one bit in one module version. */
export function bitClass(entry: ModuleEntry | undefined, leaf: number, reg: Reg, bit: number): BitClass {
  return registerClasses(entry, leaf, reg)[bit]!;
}

function cpuidGate(leaf: number, subleaf: number | null, reg: Reg, bit: number): Gate {
  const l = leaf < 10 ? String(leaf) : `0x${leaf.toString(16)}`;
  return `CPUID:${l}${subleaf === null ? '' : `.${subleaf}`}.${reg}.${bit}`;
}

const NO_GATES: readonly Gate[] = Object.freeze([]);
const CPUID_1_ECX_3 = cpuidGate(1, null, 'ecx', 3);
const CPUID_7_1_EAX_8 = cpuidGate(7, 1, 'eax', 8);
const CPUID_7_0_ECX_16 = cpuidGate(7, 0, 'ecx', 16);

/** One list object per distinct gate list (rows with equal lists then compare equal cheaply). */
const INTERNED = new Map<string, readonly Gate[]>();
function intern(list: readonly Gate[]): readonly Gate[] {
  if (list.length === 0) return NO_GATES;
  const key = list.length === 1 ? list[0]! : list.join(',');
  let g = INTERNED.get(key);
  if (!g) INTERNED.set(key, (g = Object.freeze([...list])));
  return g;
}

/** The gates of the 32 bits of one register (XFAM:n, ATTR:name, CPUID:..., CALCULATED). */
function computeRegisterGates(module: ModuleTable, entry: ModuleEntry, reg: Reg): readonly (readonly Gate[])[] {
  const { leaf, subleaf } = entry;
  const i = regIndex(reg);
  const lists: Gate[][] = [];
  for (let b = 0; b < 32; b++) lists.push([]);
  // XFAM gating first, in the table's order (as the module lists it for the bit).
  for (const [x, masks] of entry.xfamGating) {
    const m = masks[i]! >>> 0;
    if (m === 0) continue;
    const g: Gate = `XFAM:${x}`;
    for (let b = 0; b < 32; b++) if ((m >>> b) & 1) lists[b]!.push(g);
  }
  const all = (...gates: Gate[]): void => {
    for (const l of lists) l.push(...gates);
  };
  switch (leaf) {
    case 5:
      all(CPUID_1_ECX_3);
      break;
    case 7:
      if (subleaf === 0 && reg === 'ecx') lists[31]!.push('ATTR:PKS');
      if (subleaf === 1 && reg === 'eax' && module.lassGating) lists[6]!.push('ATTR:LASS');
      break;
    case 0xa:
      all('ATTR:PERFMON');
      break;
    case 0xb:
      if (reg !== 'edx') all('CALCULATED');
      break;
    case 0xd:
      if (subleaf !== null && subleaf >= 2) all(`XFAM:${subleaf}`);
      if (subleaf === 0 && reg === 'ecx') all('CALCULATED');
      if (subleaf === 1 && reg === 'eax') lists[4]!.push('CALCULATED');
      break;
    case 0x14:
      all('XFAM:8');
      break;
    case 0x15:
      if (reg === 'ebx') all('CALCULATED');
      break;
    case 0x1a:
      all('ATTR:MIGRATABLE');
      break;
    case 0x1c:
      all('XFAM:15');
      break;
    case 0x1d:
      all('XFAM:17', 'XFAM:18');
      break;
    case 0x23:
      all('ATTR:PERFMON', CPUID_7_1_EAX_8);
      break;
    case 0x80000008:
      if (reg === 'eax' && (module.info.parsed.major > 1 || module.info.parsed.minor >= 5)) for (let b = 8; b <= 15; b++) lists[b]!.push(CPUID_7_0_ECX_16, 'CALCULATED');
      break;
    default:
      break;
  }
  // Duplicates are possible only with two or more.
  return lists.map((l) => intern(l.length < 2 ? l : [...new Set(l)]));
}

/** The 32 gate lists of a register no module entry covers. */
const NO_GATE_LISTS: readonly (readonly Gate[])[] = Object.freeze(Array.from({ length: 32 }, (): readonly Gate[] => NO_GATES));

/** Per module entry: the module it was computed for and each register's 32 gate lists. */
const REGISTER_GATES = new WeakMap<ModuleEntry, { readonly module: ModuleTable; readonly regs: (readonly (readonly Gate[])[] | undefined)[] }>();

/**
 * Gates of every bit of a register, computed once per module entry and register (the rows,
 * the rules and the comparisons all ask): lists are shared, equal lists are one object.
 */
export function registerGates(module: ModuleTable, entry: ModuleEntry | undefined, reg: Reg): readonly (readonly Gate[])[] {
  if (!entry) return NO_GATE_LISTS;
  let cached = REGISTER_GATES.get(entry);
  if (!cached || cached.module !== module) REGISTER_GATES.set(entry, (cached = { module, regs: [undefined, undefined, undefined, undefined] }));
  const i = regIndex(reg);
  return (cached.regs[i] ??= computeRegisterGates(module, entry, reg));
}

/** Gates that apply on top of the class (XFAM:n, ATTR:name, CPUID:..., CALCULATED). */
export function bitGates(module: ModuleTable, entry: ModuleEntry | undefined, reg: Reg, bit: number): readonly Gate[] {
  return registerGates(module, entry, reg)[bit]!;
}

/** Words for a class, as the reason chain uses them. */
export const CLASS_WORDS: Readonly<Record<BitClass, string>> = {
  FIXED1: 'fixed1: always 1 in a TD',
  FIXED0: 'fixed0: always 0 in a TD',
  DYNAMIC: 'run-time: computed on every CPUID, stored as 0',
  CONFIG_DIRECT: 'configurable (config_direct): the TD gets exactly the configured value',
  CONFIG_AND_NATIVE: 'configurable and native (allow_direct): the TD gets host AND configured',
  NATIVE_VERIFIED_1: 'native, verified to be 1 at module initialization',
  NATIVE_VERIFIED_0: 'native, verified to be 0 at module initialization',
  NATIVE: "native: the host's value",
  FAULTING: 'the leaf is faulting: CPUID raises #VE',
  ABSENT: 'not in the module table: CPUID raises #VE',
  KVM_PV: 'KVM paravirtual range: not virtualized by the module, answered by KVM',
};
