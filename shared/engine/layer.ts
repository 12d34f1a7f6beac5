// A layer's CPUID as the engine holds it: register values plus, per register, which bits are
// known. Inputs can be partial (/proc/cpuinfo gives flags only, a KVM capture gives some leaves)
// and predictions are only as complete as their inputs, so every operation carries both.
// Bits whose `known` bit is 0 show as null in the reconciliation (cli-contract: "null where the
// layer is neither given nor predictable").

import type { LeafKey, Reg } from '../model/address';
import { REGS, compareLeafKey, leafKeyString, regIndex } from '../model/address';
import type { CpuidEntry } from '../model/cpuid-table';
import { CpuidTable } from '../model/cpuid-table';

export const ALL = 0xffffffff;

/** A register value with its known-bit mask. */
export interface Bits {
  readonly v: number;
  readonly k: number;
}

export const ZERO: Bits = { v: 0, k: ALL };
export const UNKNOWN: Bits = { v: 0, k: 0 };

export function known(v: number): Bits {
  return { v: v >>> 0, k: ALL };
}

/** Three-valued AND per bit: 0 wins when either side is a known 0. */
export function and(a: Bits, b: Bits): Bits {
  const k = ((a.k & b.k) | (a.k & ~a.v) | (b.k & ~b.v)) >>> 0;
  return { v: (a.v & b.v & k) >>> 0, k };
}

/** Three-valued OR per bit: 1 wins when either side is a known 1. */
export function or(a: Bits, b: Bits): Bits {
  const k = ((a.k & b.k) | (a.k & a.v) | (b.k & b.v)) >>> 0;
  return { v: (((a.v & a.k) | (b.v & b.k)) & k) >>> 0, k };
}

/** AND with a constant mask (the mask is always known). */
export function mask(a: Bits, m: number): Bits {
  return { v: (a.v & m) >>> 0, k: (a.k | ~m) >>> 0 };
}

/** Sets the bits of m to 1 (known). */
export function set(a: Bits, m: number): Bits {
  return { v: (a.v | m) >>> 0, k: (a.k | m) >>> 0 };
}

/** Replaces the bits of m with those of b. */
export function merge(a: Bits, b: Bits, m: number): Bits {
  return { v: ((a.v & ~m) | (b.v & m)) >>> 0, k: ((a.k & ~m) | (b.k & m)) >>> 0 };
}

export function isKnown(b: Bits, bit: number): boolean {
  return ((b.k >>> bit) & 1) === 1;
}

export function bitOf(b: Bits, bit: number): 0 | 1 | null {
  if (!isKnown(b, bit)) return null;
  return ((b.v >>> bit) & 1) as 0 | 1;
}

export interface Layer {
  readonly values: CpuidTable;
  /** Known-bit masks per register, same keys as `values`. */
  readonly known: CpuidTable;
}

export const EMPTY_LAYER: Layer = { values: CpuidTable.empty, known: CpuidTable.empty };

/** A fully known layer from a table. */
export function layerOf(table: CpuidTable, knownTable?: CpuidTable): Layer {
  if (knownTable) return { values: table, known: knownTable };
  return {
    values: table,
    known: CpuidTable.fromEntries(table.keys.map((k) => ({ leaf: k.leaf, subleaf: k.subleaf, eax: ALL, ebx: ALL, ecx: ALL, edx: ALL }))),
  };
}

export function layerReg(layer: Layer, leaf: number, subleaf: number | null, reg: Reg): Bits | undefined {
  const v = layer.values.regOf(leaf, subleaf, reg);
  if (v === undefined) return undefined;
  return { v, k: layer.known.regOf(leaf, subleaf, reg) ?? 0 };
}

export function layerHas(layer: Layer, leaf: number, subleaf: number | null): boolean {
  return layer.values.has(leaf, subleaf);
}

/** Builds a layer one register at a time; later writes replace earlier ones. */
export class LayerBuilder {
  private readonly rows = new Map<string, { key: LeafKey; v: number[]; k: number[] }>();

  private row(leaf: number, subleaf: number | null): { key: LeafKey; v: number[]; k: number[] } {
    const id = leafKeyString({ leaf, subleaf });
    let r = this.rows.get(id);
    if (!r) {
      r = { key: { leaf, subleaf }, v: [0, 0, 0, 0], k: [0, 0, 0, 0] };
      this.rows.set(id, r);
    }
    return r;
  }

  /** Ensures the leaf exists (all registers unknown until set). */
  touch(leaf: number, subleaf: number | null): this {
    this.row(leaf, subleaf);
    return this;
  }

  setReg(leaf: number, subleaf: number | null, reg: Reg, b: Bits): this {
    const r = this.row(leaf, subleaf);
    const i = regIndex(reg);
    r.v[i] = (b.v & b.k) >>> 0;
    r.k[i] = b.k >>> 0;
    return this;
  }

  setEntry(leaf: number, subleaf: number | null, regs: readonly [Bits, Bits, Bits, Bits]): this {
    REGS.forEach((reg, i) => this.setReg(leaf, subleaf, reg, regs[i]!));
    return this;
  }

  getReg(leaf: number, subleaf: number | null, reg: Reg): Bits | undefined {
    const r = this.rows.get(leafKeyString({ leaf, subleaf }));
    if (!r) return undefined;
    const i = regIndex(reg);
    return { v: r.v[i]!, k: r.k[i]! };
  }

  has(leaf: number, subleaf: number | null): boolean {
    return this.rows.has(leafKeyString({ leaf, subleaf }));
  }

  delete(leaf: number, subleaf: number | null): void {
    this.rows.delete(leafKeyString({ leaf, subleaf }));
  }

  build(): Layer {
    const rows = [...this.rows.values()].sort((a, b) => compareLeafKey(a.key, b.key));
    const values: CpuidEntry[] = rows.map((r) => ({ ...r.key, eax: r.v[0]!, ebx: r.v[1]!, ecx: r.v[2]!, edx: r.v[3]! }));
    const knownRows: CpuidEntry[] = rows.map((r) => ({ ...r.key, eax: r.k[0]!, ebx: r.k[1]!, ecx: r.k[2]!, edx: r.k[3]! }));
    return { values: CpuidTable.fromEntries(values), known: CpuidTable.fromEntries(knownRows) };
  }
}

/** Entries of a layer as plain CPUID entries (unknown bits read as 0). */
export function layerEntries(layer: Layer): CpuidEntry[] {
  return layer.values.toArray();
}
