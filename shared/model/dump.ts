// A CPUID dump as the workbench holds it: one register table per logical processor,
// metadata read from the registers (vendor, brand, family/model/stepping, hypervisor),
// the out-of-range probe rows that were dropped, and what the source format said itself.

import type { LeafKey } from './address';
import type { CpuidTable } from './cpuid-table';
import type { ParseWarning } from './errors';
import { decodeFms } from './fms';
import { leafRange } from './leaf-kinds';
import { regToAscii } from './text';

/**
 * What the register values mean:
 * - `values`: real CPUID output;
 * - `mask`: a bit set (libvirt `-enabled`/`-disabled` XML): 1 = the feature is in the set;
 * - `ternary`: some bits given, others "leave as is" (Firecracker templates): see `known`;
 * - `flags`: only bits that a `/proc/cpuinfo` flag names are known (see `known`).
 */
export type ValueKind = 'values' | 'mask' | 'ternary' | 'flags';

export interface CpuTopology {
  readonly package?: number;
  readonly die?: number;
  readonly core?: number;
  readonly thread?: number;
  readonly apicId?: number;
  /** Hybrid core type as the source names it ("Core", "Atom", "P-Core", "Lion Cove"...). */
  readonly coreType?: string;
}

export interface CpuRecord {
  /** OS CPU number (or the section number of the dump), 0-based. */
  readonly id: number;
  readonly table: CpuidTable;
  /**
   * For `ternary` and `flags` dumps: 1 where the bit is known. Absent = every bit of every
   * present leaf is known.
   */
  readonly known?: CpuidTable;
  readonly topology?: CpuTopology;
  /** Header or label the source gave this CPU, verbatim (shown in the UI). */
  readonly label?: string;
}

export interface DumpMeta {
  readonly vendor: string | null;
  readonly brand: string | null;
  readonly family: number | null;
  readonly model: number | null;
  readonly stepping: number | null;
  /** CPUID.1:EAX of CPU 0. */
  readonly signature: number | null;
  readonly cpuCount: number;
  /** Hypervisor signature from leaf 0x40000000 when CPUID.1:ECX[31] is set ("KVMKVMKVM", "IntelTDX" guests...). */
  readonly hypervisor: string | null;
  /** True when leaf 0x21 carries the TDX signature "IntelTDX    " (a TD guest's view). */
  readonly tdxGuest: boolean;
  readonly packages: number | null;
}

export interface ProbeEcho extends LeafKey {
  /** Why the row was not taken as a real leaf. */
  readonly reason: 'echo-of-max-basic-leaf' | 'zero-out-of-range';
}

export interface CpuidDump {
  readonly kind: 'cpuid';
  /** Format id from the registry (`cpuid-r`, `aida64`, ...). */
  readonly format: string;
  /** File name or path as given. */
  readonly name: string;
  readonly valueKind: ValueKind;
  readonly cpus: readonly CpuRecord[];
  readonly meta: DumpMeta;
  /** Rows dropped because they are out-of-range probes, not real leaves (CPU 0's). */
  readonly probeEchoes: readonly ProbeEcho[];
  /** Key/value facts the format states itself (tool version, kernel, hwloc arch, comment). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly warnings: readonly ParseWarning[];
}

const TDX_SIGNATURE = { ebx: 0x65746e49, ecx: 0x20202020, edx: 0x5844546c };

function asciiRegs(...values: number[]): string {
  return values.map(regToAscii).join('');
}

function cleanString(s: string): string {
  // Brand strings are NUL-padded and sometimes space-padded on either side.
  return s.replace(/\0+/g, '').trim();
}

/** Reads vendor, brand, FMS, hypervisor and TDX signature from one table. */
export function describeTable(table: CpuidTable): Omit<DumpMeta, 'cpuCount' | 'packages'> {
  const l0 = table.get(0, null);
  const l1 = table.get(1, null);
  const vendor = l0 ? cleanString(asciiRegs(l0.ebx, l0.edx, l0.ecx)) || null : null;
  const brandParts = [0x80000002, 0x80000003, 0x80000004].map((l) => table.get(l, null));
  const brand = brandParts.every((p) => p !== undefined)
    ? cleanString(brandParts.map((p) => asciiRegs(p!.eax, p!.ebx, p!.ecx, p!.edx)).join('')) || null
    : null;
  const fms = l1 ? decodeFms(l1.eax) : null;
  let hypervisor: string | null = null;
  if (l1 && (l1.ecx >>> 31) & 1) {
    const h = table.get(0x40000000, null);
    if (h) hypervisor = cleanString(asciiRegs(h.ebx, h.ecx, h.edx)) || null;
  }
  const sig = table.get(0x21, 0) ?? table.get(0x21, null);
  const tdxGuest = !!sig && sig.ebx === TDX_SIGNATURE.ebx && sig.ecx === TDX_SIGNATURE.ecx && sig.edx === TDX_SIGNATURE.edx;
  return {
    vendor,
    brand,
    family: fms?.family ?? null,
    model: fms?.model ?? null,
    stepping: fms?.stepping ?? null,
    signature: fms?.signature ?? null,
    hypervisor,
    tdxGuest,
  };
}

const NO_IDENTITY = { vendor: null, brand: null, family: null, model: null, stepping: null, signature: null, hypervisor: null, tdxGuest: false };

/** True when every bit of the registers is known (ternary/flags dumps say which bits they give). */
function fullyKnown(cpu: CpuRecord, leaf: number, regs: readonly ('eax' | 'ebx' | 'ecx' | 'edx')[], valueKind: ValueKind): boolean {
  // Flag lists (/proc/cpuinfo) synthesize identity leaves from their own fields.
  if (!cpu.known || valueKind !== 'ternary') return true;
  const k = cpu.known.get(leaf, null);
  return !!k && regs.every((r) => k[r] >>> 0 === 0xffffffff);
}

/**
 * Metadata of a dump. Bit masks (libvirt -enabled/-disabled) carry no identity, so vendor,
 * brand and FMS are null there; for ternary templates a value is read only where the
 * template gives every bit of the registers it comes from.
 */
export function describeDump(cpus: readonly CpuRecord[], valueKind: ValueKind = 'values'): DumpMeta {
  const first = cpus[0];
  let base: Omit<DumpMeta, 'cpuCount' | 'packages'> = NO_IDENTITY;
  if (first && valueKind !== 'mask') {
    const d = describeTable(first.table);
    base = {
      ...d,
      vendor: fullyKnown(first, 0, ['ebx', 'ecx', 'edx'], valueKind) ? d.vendor : null,
      brand: [0x80000002, 0x80000003, 0x80000004].every((l) => fullyKnown(first, l, ['eax', 'ebx', 'ecx', 'edx'], valueKind)) ? d.brand : null,
      ...(fullyKnown(first, 1, ['eax'], valueKind) ? {} : { family: null, model: null, stepping: null, signature: null }),
    };
  }
  const pkgs = new Set(cpus.map((c) => c.topology?.package).filter((p): p is number => p !== undefined));
  return { ...base, cpuCount: cpus.length, packages: pkgs.size > 0 ? pkgs.size : null };
}

/**
 * Finds rows of a table that are out-of-range probes rather than leaves. Tools such as
 * `cpuid` probe 0x20000000, 0x40000000, 0x80860000 and 0xc0000000; on Intel an input above
 * the highest basic or extended leaf returns the data of the highest basic leaf (SDM
 * vol. 2A, CPUID: "If a value entered for CPUID.EAX is higher than the maximum input value
 * ... the data for the highest basic information leaf is returned"), on AMD zeros.
 * Hypervisor leaves count as real only when CPUID.1:ECX[31] (hypervisor present) is set.
 */
export function findProbeEchoes(table: CpuidTable): ProbeEcho[] {
  const l0 = table.get(0, null);
  if (!l0) return [];
  const maxBasic = l0.eax >>> 0;
  const ext = table.get(0x80000000, null);
  const maxExt = ext && ext.eax >>> 0 >= 0x80000000 && ext.eax >>> 0 <= 0x8fffffff ? ext.eax >>> 0 : 0x80000000;
  const l1 = table.get(1, null);
  const hypervisorPresent = !!l1 && ((l1.ecx >>> 31) & 1) === 1;
  const hv = table.get(0x40000000, null);
  const maxHv = hypervisorPresent && hv && hv.eax >>> 0 >= 0x40000000 && hv.eax >>> 0 <= 0x4fffffff ? hv.eax >>> 0 : 0x40000000;

  const out: ProbeEcho[] = [];
  const { keys, regs } = table;
  for (let i = 0; i < keys.length; i++) {
    const leaf = keys[i]!.leaf;
    const range = leafRange(leaf);
    let inRange: boolean;
    if (range === 'basic') inRange = leaf <= maxBasic;
    else if (range === 'extended') inRange = leaf <= maxExt;
    else if (range === 'hypervisor') inRange = hypervisorPresent && leaf <= maxHv;
    else inRange = false;
    if (inRange) continue;
    const subleaf = keys[i]!.subleaf;
    const eax = regs[4 * i]!;
    const ebx = regs[4 * i + 1]!;
    const ecx = regs[4 * i + 2]!;
    const edx = regs[4 * i + 3]!;
    const echoSource = table.get(maxBasic, subleaf ?? null) ?? table.get(maxBasic, subleaf ?? 0) ?? table.get(maxBasic, null);
    const isEcho = !!echoSource && echoSource.eax === eax && echoSource.ebx === ebx && echoSource.ecx === ecx && echoSource.edx === edx;
    const isZero = eax === 0 && ebx === 0 && ecx === 0 && edx === 0;
    if (isEcho) out.push({ leaf, subleaf, reason: 'echo-of-max-basic-leaf' });
    else if (isZero) out.push({ leaf, subleaf, reason: 'zero-out-of-range' });
    // A non-zero, non-echo row outside the ranges is kept: it may be a real vendor range
    // (Transmeta 0x80860000, Centaur 0xC0000000).
  }
  return out;
}
