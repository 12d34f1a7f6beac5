// Which named fields differ between the CPUs of a dump. The register differences come from
// shared/model/heterogeneity.ts (or, when every CPU has the same leaves, from an equivalent
// pass over the packed register arrays that only builds per-CPU maps for registers that
// differ: a 112-CPU dump then costs one XOR per register and CPU). Differences are mapped
// onto named bits/fields; per-CPU identity fields (APIC IDs, x2APIC IDs, AMD core/node IDs,
// the HFI row index) differ on every CPU by design and are left out.

import type { Reg } from '../../model/address';
import { REGS, extractField, regIndex } from '../../model/address';
import type { CpuRecord, CpuidDump } from '../../model/dump';
import type { RegisterDifference } from '../../model/heterogeneity';
import { registerDifferences } from '../../model/heterogeneity';
import { layoutsOf } from '../bits/table';
import type { BitEntry } from '../bits/types';
import type { HeterogeneousField } from './types';

function sameKeys(a: CpuRecord, b: CpuRecord): boolean {
  const ka = a.table.keys;
  const kb = b.table.keys;
  if (ka === kb) return true;
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i]!.leaf !== kb[i]!.leaf || ka[i]!.subleaf !== kb[i]!.subleaf) return false;
  return true;
}

/**
 * Same result as registerDifferences(), fast when all CPUs have the same leaves. `ignore`
 * gives, per register, bits whose differences do not matter to the caller: a register that
 * differs only there is left out (and its per-CPU map never built).
 */
export function fastRegisterDifferences(dump: CpuidDump, ignore?: (leaf: number, subleaf: number | null, reg: Reg) => number): RegisterDifference[] {
  const cpus = dump.cpus;
  if (cpus.length < 2) return [];
  const first = cpus[0]!;
  for (let c = 1; c < cpus.length; c++) {
    if (!sameKeys(first, cpus[c]!)) {
      const all = registerDifferences(dump);
      return ignore ? all.filter((d) => d.missingOn.length > 0 || (d.diffMask & ~ignore(d.leaf, d.subleaf, d.reg)) !== 0) : all;
    }
  }
  const ref = first.table.regs;
  const diff = new Uint32Array(ref.length);
  for (let c = 1; c < cpus.length; c++) {
    const other = cpus[c]!.table.regs;
    for (let j = 0; j < ref.length; j++) diff[j]! |= ref[j]! ^ other[j]!;
  }
  const out: RegisterDifference[] = [];
  const keys = first.table.keys;
  for (let j = 0; j < diff.length; j++) {
    if (diff[j] === 0) continue;
    const k = keys[j >> 2]!;
    if (ignore && (diff[j]! & ~ignore(k.leaf, k.subleaf, REGS[j & 3]!)) === 0) continue;
    const byCpu = new Map<number, number>();
    for (const cpu of cpus) byCpu.set(cpu.id, cpu.table.regs[j]!);
    out.push({ leaf: k.leaf, subleaf: k.subleaf, reg: REGS[j & 3]!, diffMask: diff[j]! >>> 0, byCpu, missingOn: [] });
  }
  return out;
}

/** `{ firstCpuOfRun: value }` over the CPUs in dump order. */
function runs(cpus: readonly CpuRecord[], valueOf: (cpuId: number) => number | null): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  let prev: number | null | undefined;
  for (const cpu of cpus) {
    const v = valueOf(cpu.id);
    if (v !== prev) out[String(cpu.id)] = v;
    prev = v;
  }
  return out;
}

/** Splits the differing bits of one register into named entries and unnamed runs. */
function groups(mask: number, byBit: readonly (BitEntry | undefined)[]): { bits: readonly [number, number]; entry?: BitEntry }[] {
  const out: { bits: readonly [number, number]; entry?: BitEntry }[] = [];
  let b = 0;
  while (b < 32) {
    if (!((mask >>> b) & 1)) {
      b++;
      continue;
    }
    const e = byBit[b];
    if (e && e.kind !== 'reserved') {
      out.push({ bits: e.bits, entry: e });
      b = e.bits[1] + 1;
      continue;
    }
    let hi = b;
    while (hi + 1 < 32 && (mask >>> (hi + 1)) & 1 && !(byBit[hi + 1] && byBit[hi + 1]!.kind !== 'reserved')) hi++;
    out.push({ bits: [b, hi] });
    b = hi + 1;
  }
  return out;
}

export interface HeterogeneityOptions {
  /** Keep identity fields (APIC IDs...) in the report. Default false. */
  readonly includeIdentity?: boolean;
}

/** Named heterogeneity of a dump, in contract order (leaf, sub-leaf, register, bits). */
export function heterogeneousFields(dump: CpuidDump, opts: HeterogeneityOptions = {}): HeterogeneousField[] {
  const cpus = [...dump.cpus].sort((a, b) => a.id - b.id);
  const out: HeterogeneousField[] = [];
  const identityOf = (leaf: number, subleaf: number | null, reg: Reg): number => layoutsOf(leaf, subleaf)[regIndex(reg)]!.identityMask;
  for (const d of fastRegisterDifferences(dump, opts.includeIdentity ? undefined : identityOf)) {
    const layout = layoutsOf(d.leaf, d.subleaf)[regIndex(d.reg)]!;
    const identity = opts.includeIdentity ? 0 : layout.identityMask;
    const mask = (d.diffMask & ~identity) >>> 0;
    const valueOf = (bits: readonly [number, number]) => (id: number) => {
      const v = d.byCpu.get(id);
      return v === undefined ? null : extractField(v, bits);
    };
    if (mask === 0) {
      // Only identity bits differ, or the register is equal where present but some CPUs lack the leaf.
      if (d.missingOn.length > 0) out.push(heterogeneous(d.leaf, d.subleaf, d.reg, [0, 31], undefined, runs(cpus, valueOf([0, 31]))));
      continue;
    }
    for (const g of groups(mask, layout.byBit)) {
      out.push(heterogeneous(d.leaf, d.subleaf, d.reg, g.bits, g.entry?.displayName ?? undefined, runs(cpus, valueOf(g.bits))));
    }
  }
  return out;
}

function heterogeneous(
  leaf: number,
  subleaf: number | null,
  reg: Reg,
  bits: readonly [number, number],
  name: string | undefined,
  cpus: Record<string, number | null>,
): HeterogeneousField {
  return name === undefined ? { leaf, subleaf, reg, bits, cpus } : { leaf, subleaf, reg, bits, name, cpus };
}
