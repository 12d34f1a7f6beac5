// Two sources of the same layer kind compared (cli-contract `tdx-cpuid diff A B`, schema
// `tdx-cpuid/diff/v1`): two host dumps, two guest dumps, a host and a guest, or two KVM
// captures (KVM_GET_SUPPORTED_CPUID, KVM_TDX_CAPABILITIES, the KVM_TDX_INIT_VM payload,
// KVM_TDX_GET_CPUID, KVM_SET_CPUID2). Every named bit or field whose value differs is listed
// (unnamed bits too, with name null), per CPU where the CPUs of the dumps differ from each
// other: a difference that is the same on every compared CPU pair is listed once.
// Per-CPU identity fields (APIC IDs) are left out; bits a lossy source does not give
// (/proc/cpuinfo flags) are not compared.

import type { LeafKey, Reg } from '../model/address';
import { REGS, compareLeafKey, extractField } from '../model/address';
import type { CpuidDump } from '../model/dump';
import type { CpuidEntry } from '../model/cpuid-table';
import { CpuidTable } from '../model/cpuid-table';
import type { KvmCpuidEntry, KvmInput } from '../model/inputs';
import { isIndexedLeaf } from '../model/leaf-kinds';
import { layoutOf } from '../knowledge/bits';
import type { ParsedInput } from '../formats/types';

export const DIFF_SCHEMA = 'tdx-cpuid/diff/v1';

/** A bit (`bit`) or a field (`bits`, `[low, high]`) as the CLI contract writes it, with its name. */
export interface ComparedAddress {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly bit?: number;
  readonly bits?: readonly [number, number];
  readonly name: string | null;
}

export interface Difference extends ComparedAddress {
  /** Value in A / B; null where that source does not have the leaf. */
  readonly a: number | null;
  readonly b: number | null;
  /** CPU (A's CPU id) where the difference is not the same on every compared CPU pair. */
  readonly cpu?: number;
  /** KVM list the difference is in, for KVM captures with several lists. */
  readonly list?: KvmList;
}

export interface ScalarDifference {
  readonly name: string;
  readonly a: string | null;
  readonly b: string | null;
}

export type KvmList = 'kvmSupported' | 'tdxCaps' | 'initVm' | 'tdCpuid' | 'setCpuid';

export const KVM_LIST_TITLE: Readonly<Record<KvmList, string>> = {
  kvmSupported: 'KVM_GET_SUPPORTED_CPUID',
  tdxCaps: 'KVM_TDX_CAPABILITIES',
  initVm: 'KVM_TDX_INIT_VM payload',
  tdCpuid: 'KVM_TDX_GET_CPUID',
  setCpuid: 'KVM_SET_CPUID2',
};

export interface DiffResult {
  /** `cpuid` for two CPUID dumps, else the KVM lists compared. */
  readonly kind: 'cpuid' | 'kvm';
  readonly lists: readonly KvmList[];
  /** CPUs of each source and pairs compared (CPU i of A with CPU i of B). */
  readonly cpus: { readonly a: number; readonly b: number; readonly compared: number };
  /** Registers compared (per distinct CPU pair and list). */
  readonly registers: number;
  /** Named bits and fields in the registers compared. */
  readonly entries: number;
  readonly differences: readonly Difference[];
  readonly scalars: readonly ScalarDifference[];
  /** Things the reader should know ("A has 112 CPUs, B 64: CPUs 0-63 compared"). */
  readonly notes: readonly string[];
}

export class DiffError extends Error {
  override readonly name = 'DiffError';
}

interface Side {
  readonly table: CpuidTable;
  /** For lossy sources (/proc/cpuinfo flags, templates): the bits given. A leaf it lacks is unknown, not absent. */
  readonly known?: CpuidTable;
}

const FULL = 0xffffffff;

/** Known mask of register i of entry `at` (every bit when the source gives whole registers). */
function knownOf(s: Side, k: LeafKey, i: number): number {
  if (!s.known) return FULL;
  const kn = s.known.get(k.leaf, k.subleaf);
  return kn ? [kn.eax, kn.ebx, kn.ecx, kn.edx][i]! >>> 0 : 0;
}

/** Differences of one register, mapped onto the named bits and fields. */
function registerDifferences(k: LeafKey, reg: Reg, a: { v: number; k: number } | null, b: { v: number; k: number } | null, out: Difference[]): void {
  const layout = layoutOf(k.leaf, k.subleaf, reg);
  let mask: number;
  if (a && b) mask = (a.v ^ b.v) & a.k & b.k;
  else if (a) mask = a.v & a.k;
  else if (b) mask = b.v & b.k;
  else return;
  mask = (mask & ~layout.identityMask) >>> 0;
  if (!mask) return;
  const seenFields = new Set<number>();
  for (let bit = 0; bit < 32; bit++) {
    if (!((mask >>> bit) & 1)) continue;
    const e = layout.byBit[bit];
    if (e && e.kind === 'field') {
      if (seenFields.has(e.bits[0])) continue;
      seenFields.add(e.bits[0]);
      const fieldMask = e.bits[1] - e.bits[0] >= 31 ? FULL : (((1 << (e.bits[1] - e.bits[0] + 1)) - 1) << e.bits[0]) >>> 0;
      const val = (x: { v: number; k: number } | null): number | null => (x && (x.k & fieldMask) >>> 0 === fieldMask ? extractField(x.v, e.bits) : null);
      out.push({ leaf: k.leaf, subleaf: k.subleaf, reg, bits: [e.bits[0], e.bits[1]], name: e.displayName, a: val(a), b: val(b) });
      continue;
    }
    const name = e && e.kind === 'bit' ? e.displayName : null;
    const val = (x: { v: number; k: number } | null): number | null => (x && (x.k >>> bit) & 1 ? (x.v >>> bit) & 1 : null);
    out.push({ leaf: k.leaf, subleaf: k.subleaf, reg, bit, name, a: val(a), b: val(b) });
  }
}

/**
 * Differences between two tables (one CPU pair, or one KVM list): a merge walk over the two
 * sorted key lists and their packed registers, decoding only the registers that differ.
 */
function compareSides(a: Side, b: Side): { differences: Difference[]; registers: number; entries: number } {
  const ka = a.table.keys;
  const kb = b.table.keys;
  const ra = a.table.regs;
  const rb = b.table.regs;
  const out: Difference[] = [];
  let registers = 0;
  let entries = 0;
  let i = 0;
  let j = 0;
  while (i < ka.length || j < kb.length) {
    const c = i >= ka.length ? 1 : j >= kb.length ? -1 : compareLeafKey(ka[i]!, kb[j]!);
    const k = c <= 0 ? ka[i]! : kb[j]!;
    for (let r = 0; r < 4; r++) {
      registers++;
      const layout = layoutOf(k.leaf, k.subleaf, REGS[r]!);
      entries += layout.features.length + layout.fields.length;
      const va = c <= 0 ? { v: ra[4 * i + r]! >>> 0, k: knownOf(a, k, r) } : null;
      const vb = c >= 0 ? { v: rb[4 * j + r]! >>> 0, k: knownOf(b, k, r) } : null;
      // A lossy source that lacks a leaf does not say the leaf is absent: nothing to compare.
      if ((!va && a.known) || (!vb && b.known)) continue;
      if (va && vb && ((va.v ^ vb.v) & va.k & vb.k) === 0) continue;
      registerDifferences(k, REGS[r]!, va, vb, out);
    }
    if (c <= 0) i++;
    if (c >= 0) j++;
  }
  return { differences: out, registers, entries };
}

function diffKey(d: Difference): string {
  return `${d.list ?? ''}|${d.leaf}|${d.subleaf ?? '-'}|${d.reg}|${d.bit ?? `${d.bits![0]}-${d.bits![1]}`}|${d.a}|${d.b}`;
}

/** Distinct tables of a dump's CPUs: index per CPU into the list of distinct ones. */
function distinct(dump: CpuidDump, n: number): { tables: Side[]; of: number[] } {
  const tables: Side[] = [];
  const of: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = dump.cpus[i]!;
    let j = tables.findIndex((t) => t.table.equals(c.table) && (!!t.known === !!c.known) && (!c.known || t.known!.equals(c.known)));
    if (j < 0) {
      j = tables.length;
      tables.push({ table: c.table, ...(c.known ? { known: c.known } : {}) });
    }
    of.push(j);
  }
  return { tables, of };
}

function diffDumps(a: CpuidDump, b: CpuidDump): DiffResult {
  const n = Math.min(a.cpus.length, b.cpus.length);
  const notes: string[] = [];
  if (n === 0) throw new DiffError(`${a.cpus.length === 0 ? 'A' : 'B'} has no CPU records to compare`);
  if (a.cpus.length !== b.cpus.length) notes.push(`A has ${a.cpus.length} CPUs, B ${b.cpus.length}: CPUs ${n === 1 ? '0' : `0-${n - 1}`} (in dump order) compared pairwise`);
  if (a.valueKind !== b.valueKind) notes.push(`A holds ${a.valueKind}, B ${b.valueKind}: only bits both give are compared`);
  const da = distinct(a, n);
  const db = distinct(b, n);
  const pairCache = new Map<string, Difference[]>();
  let registers = 0;
  let entries = 0;
  const occurrences = new Map<string, { d: Difference; cpus: number[] }>();
  for (let i = 0; i < n; i++) {
    const key = `${da.of[i]}:${db.of[i]}`;
    let diffs = pairCache.get(key);
    if (!diffs) {
      const r = compareSides(da.tables[da.of[i]!]!, db.tables[db.of[i]!]!);
      diffs = r.differences;
      registers += r.registers;
      entries += r.entries;
      pairCache.set(key, diffs);
    }
    for (const d of diffs) {
      const k = diffKey(d);
      const o = occurrences.get(k);
      if (o) o.cpus.push(a.cpus[i]!.id);
      else occurrences.set(k, { d, cpus: [a.cpus[i]!.id] });
    }
  }
  const differences: Difference[] = [];
  for (const { d, cpus } of occurrences.values()) {
    if (cpus.length === n) differences.push(d);
    else for (const cpu of cpus) differences.push({ ...d, cpu });
  }
  const scalars: ScalarDifference[] = [];
  const meta = (name: string, x: unknown, y: unknown): void => {
    const sx = x === null || x === undefined ? null : String(x);
    const sy = y === null || y === undefined ? null : String(y);
    if (sx !== sy) scalars.push({ name, a: sx, b: sy });
  };
  meta('vendor', a.meta.vendor, b.meta.vendor);
  meta('brand', a.meta.brand, b.meta.brand);
  meta('cpuCount', a.meta.cpuCount, b.meta.cpuCount);
  meta('packages', a.meta.packages, b.meta.packages);
  return { kind: 'cpuid', lists: [], cpus: { a: a.cpus.length, b: b.cpus.length, compared: n }, registers, entries, differences: sortDifferences(differences), scalars, notes };
}

/**
 * A KVM list as a table. The TDX lists are matched on function/index, never on flags (the
 * flags are not meaningful there, and the legacy ABI writes sub-leaf 0xFFFFFFFF for "none"):
 * a sub-leaf only for leaves that have sub-leaves. KVM_GET_SUPPORTED_CPUID and
 * KVM_SET_CPUID2 also honour KVM_CPUID_FLAG_SIGNIFCANT_INDEX.
 */
function kvmTable(entries: readonly KvmCpuidEntry[], list: KvmList): CpuidTable {
  const flagsCount = list === 'kvmSupported' || list === 'setCpuid';
  const rows: CpuidEntry[] = entries.map((e) => {
    const indexed = isIndexedLeaf(e.function) || (flagsCount && (e.flags & 1) === 1);
    const subleaf = !indexed ? null : e.index === 0xffffffff ? 0 : e.index;
    return { leaf: e.function, subleaf, eax: e.eax >>> 0, ebx: e.ebx >>> 0, ecx: e.ecx >>> 0, edx: e.edx >>> 0 };
  });
  return CpuidTable.fromEntries(rows);
}

function kvmLists(k: KvmInput): Partial<Record<KvmList, readonly KvmCpuidEntry[]>> {
  return {
    ...(k.kvmSupported ? { kvmSupported: k.kvmSupported } : {}),
    ...(k.tdxCaps ? { tdxCaps: k.tdxCaps.cpuid } : {}),
    ...(k.initVm ? { initVm: k.initVm.cpuid } : {}),
    ...(k.tdCpuid ? { tdCpuid: k.tdCpuid } : {}),
    ...(k.setCpuid ? { setCpuid: k.setCpuid } : {}),
  };
}

const LIST_ORDER: readonly KvmList[] = ['kvmSupported', 'tdxCaps', 'initVm', 'tdCpuid', 'setCpuid'];

function hex(v: bigint | number | undefined): string | null {
  return v === undefined ? null : `0x${v.toString(16)}`;
}

function diffKvm(a: KvmInput, b: KvmInput): DiffResult {
  const la = kvmLists(a);
  const lb = kvmLists(b);
  const common = LIST_ORDER.filter((l) => la[l] && lb[l]);
  if (common.length === 0) {
    const names = (x: typeof la): string => LIST_ORDER.filter((l) => x[l]).map((l) => KVM_LIST_TITLE[l]).join(', ') || 'no CPUID list';
    throw new DiffError(`the two KVM captures have no CPUID list in common (A: ${names(la)}; B: ${names(lb)})`);
  }
  const notes: string[] = [];
  for (const l of LIST_ORDER) if (!common.includes(l) && (la[l] || lb[l])) notes.push(`${KVM_LIST_TITLE[l]} only in ${la[l] ? 'A' : 'B'}: not compared`);
  const differences: Difference[] = [];
  let registers = 0;
  let entries = 0;
  const multi = common.length > 1;
  for (const l of common) {
    const r = compareSides({ table: kvmTable(la[l]!, l) }, { table: kvmTable(lb[l]!, l) });
    registers += r.registers;
    entries += r.entries;
    for (const d of r.differences) differences.push(multi ? { ...d, list: l } : d);
  }
  const scalars: ScalarDifference[] = [];
  const s = (name: string, x: string | null, y: string | null): void => {
    if (x !== y) scalars.push({ name, a: x, b: y });
  };
  if (common.includes('tdxCaps')) {
    s('tdxCaps.abi', a.tdxCaps!.abi, b.tdxCaps!.abi);
    s('tdxCaps.supportedAttrs', hex(a.tdxCaps!.supportedAttrs), hex(b.tdxCaps!.supportedAttrs));
    s('tdxCaps.supportedXfam', hex(a.tdxCaps!.supportedXfam), hex(b.tdxCaps!.supportedXfam));
  }
  if (common.includes('initVm')) {
    s('initVm.attributes', hex(a.initVm!.attributes), hex(b.initVm!.attributes));
    s('initVm.xfam', hex(a.initVm!.xfam), hex(b.initVm!.xfam));
  }
  s('kernel', a.kernel ?? null, b.kernel ?? null);
  s('tdxModule', a.tdxModule?.version ?? null, b.tdxModule?.version ?? null);
  return { kind: 'kvm', lists: common, cpus: { a: 1, b: 1, compared: 1 }, registers, entries, differences: sortDifferences(differences), scalars, notes };
}

export function sortDifferences(list: readonly Difference[]): Difference[] {
  const order = (l: KvmList | undefined): number => (l ? LIST_ORDER.indexOf(l) : -1);
  return [...list].sort(
    (x, y) =>
      order(x.list) - order(y.list) ||
      compareLeafKey(x, y) ||
      REGS.indexOf(x.reg) - REGS.indexOf(y.reg) ||
      (x.bit ?? x.bits![0]) - (y.bit ?? y.bits![0]) ||
      (x.cpu ?? -1) - (y.cpu ?? -1),
  );
}

function kindWords(p: ParsedInput): string {
  switch (p.kind) {
    case 'cpuid':
      return 'a CPUID dump';
    case 'kvm':
      return 'a KVM capture';
    case 'dmesg':
      return 'a dmesg';
    case 'qemu-log':
      return 'a QEMU log';
    case 'qemu-cmdline':
      return 'a QEMU command line';
  }
}

/** Compares two parsed inputs of the same kind. Throws DiffError for inputs that cannot be compared. */
export function diffSources(a: ParsedInput, b: ParsedInput): DiffResult {
  if (a.kind === 'cpuid' && b.kind === 'cpuid') return diffDumps(a, b);
  if (a.kind === 'kvm' && b.kind === 'kvm') return diffKvm(a, b);
  throw new DiffError(`A is ${kindWords(a)}, B is ${kindWords(b)}: diff compares two sources of the same layer kind (two CPUID dumps, or two KVM captures)`);
}
