// Where one logical processor sits (package, die, core, thread), read from its own CPUID.
// Sources: Intel SDM vol. 2A, CPUID leaves 0BH and 1FH "Extended Topology Enumeration"
// (per sub-leaf: EAX[4:0] = shift that turns the x2APIC ID into the ID of the next level up,
// ECX[15:8] = level type 1 SMT, 2 Core, 3 Module, 4 Tile, 5 Die, 6 Die group; EDX = x2APIC ID;
// the first sub-leaf with type 0 ends the list), leaf 01H (EBX[31:24] initial APIC ID,
// EBX[23:16] addressable logical IDs when EDX[28] HTT is set) and leaf 1AH (EAX[31:24] core
// type 20H Atom, 40H Core); AMD APM vol. 3, CPUID Fn8000_0008_ECX[15:12] ApicIdSize.
// Leaf 0x1F is preferred to 0xB because only it names the die level.

import type { CpuidTable } from '../model/cpuid-table';
import type { CpuTopology } from '../model/dump';

const LEVEL_SMT = 1;
const LEVEL_CORE = 2;
const LEVEL_DIE = 5;

interface TopologyLevel {
  readonly type: number;
  /** Bits of the x2APIC ID that this level and all below it use. */
  readonly shift: number;
}

function extendedLevels(table: CpuidTable, leaf: number): TopologyLevel[] | null {
  const levels: TopologyLevel[] = [];
  for (let sub = 0; sub < 32; sub++) {
    const e = table.get(leaf, sub);
    if (!e) break;
    const type = (e.ecx >>> 8) & 0xff;
    if (type === 0) break;
    levels.push({ type, shift: e.eax & 0x1f });
  }
  return levels.length > 0 ? levels : null;
}

/** `value >>> shift` that gives 0 for shifts of 32 or more (JS shifts count modulo 32). */
function shiftDown(value: number, shift: number): number {
  return shift >= 32 ? 0 : value >>> shift;
}

function bitsBetween(value: number, low: number, high: number): number {
  if (high <= low) return 0;
  const width = high - low;
  const v = shiftDown(value, low);
  return width >= 32 ? v : (v & ((1 << width) - 1)) >>> 0;
}

function coreType(table: CpuidTable): string | undefined {
  const hybrid = table.get(0x1a, null) ?? table.get(0x1a, 0);
  if (!hybrid || hybrid.eax === 0) return undefined;
  const type = hybrid.eax >>> 24;
  if (type === 0x20) return 'Atom';
  if (type === 0x40) return 'Core';
  return `core type 0x${type.toString(16)}`;
}

function ceilLog2(n: number): number {
  let bits = 0;
  while (bits < 32 && 2 ** bits < n) bits++;
  return bits;
}

/**
 * The topology of the CPU whose CPUID this is, or undefined when the table gives no APIC ID.
 * Core and die numbers count within the next level up (as the APIC ID encodes them).
 */
export function topologyFromCpuid(table: CpuidTable): CpuTopology | undefined {
  const type = coreType(table);
  const withType = (t: CpuTopology): CpuTopology => (type ? { ...t, coreType: type } : t);

  for (const leaf of [0x1f, 0xb]) {
    const levels = extendedLevels(table, leaf);
    const first = table.get(leaf, 0);
    if (!levels || !first) continue;
    const apicId = first.edx >>> 0;
    const shiftOf = (levelType: number): number | undefined => levels.find((l) => l.type === levelType)?.shift;
    const smtShift = shiftOf(LEVEL_SMT) ?? 0;
    const coreShift = shiftOf(LEVEL_CORE);
    const packageShift = levels[levels.length - 1]!.shift;
    const dieIndex = levels.findIndex((l) => l.type === LEVEL_DIE);
    const topology: CpuTopology = {
      apicId,
      package: shiftDown(apicId, packageShift),
      thread: bitsBetween(apicId, 0, smtShift),
      ...(coreShift !== undefined ? { core: bitsBetween(apicId, smtShift, coreShift) } : {}),
      ...(dieIndex > 0 ? { die: bitsBetween(apicId, levels[dieIndex - 1]!.shift, levels[dieIndex]!.shift) } : {}),
    };
    return withType(topology);
  }

  const l1 = table.get(1, null);
  if (!l1) return undefined;
  const apicId = l1.ebx >>> 24;
  const amdApicBits = ((table.get(0x80000008, null)?.ecx ?? 0) >>> 12) & 0xf;
  const htt = (l1.edx >>> 28) & 1;
  const packageShift = amdApicBits > 0 ? amdApicBits : htt ? ceilLog2((l1.ebx >>> 16) & 0xff) : 0;
  return withType({ apicId, package: shiftDown(apicId, packageShift) });
}
