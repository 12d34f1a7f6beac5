// A layer's CPUID as the engine holds it: register values plus, per register, which bits are
// known. Inputs can be partial (/proc/cpuinfo gives flags only, a KVM capture gives some leaves)
// and predictions are only as complete as their inputs, so every operation carries both.
// Bits whose `known` bit is 0 show as null in the reconciliation (cli-contract: "null where the
// layer is neither given nor predictable").

import type { LeafKey, Reg } from '../model/address';
import { REGS, compareLeafKey, regIndex } from '../model/address';
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

/** Map key of a leaf/sub-leaf: leaf * 65536 + sub-leaf (65535 = no sub-leaf); exact below 2^53. */
function code(leaf: number, subleaf: number | null): number {
  return leaf * 65536 + (subleaf === null ? 65535 : subleaf & 0xffff);
}

/**
 * A layer: per leaf/sub-leaf, four register values and four known masks in one Uint32Array.
 * Lookups are one Map access; the CpuidTable views (`values`, `known`) are built on demand.
 */
export class Layer {
  /** Sorted by leaf, then sub-leaf (`null` first). */
  readonly keys: readonly LeafKey[];
  private readonly rows: ReadonlyMap<number, Uint32Array>;
  private valuesTable: CpuidTable | undefined;
  private knownTable: CpuidTable | undefined;
  private leafSubs: Map<number, (number | null)[]> | undefined;

  constructor(keys: readonly LeafKey[], rows: ReadonlyMap<number, Uint32Array>) {
    this.keys = keys;
    this.rows = rows;
  }

  row(leaf: number, subleaf: number | null): Uint32Array | undefined {
    return this.rows.get(code(leaf, subleaf));
  }

  has(leaf: number, subleaf: number | null): boolean {
    return this.rows.has(code(leaf, subleaf));
  }

  private subs(): Map<number, (number | null)[]> {
    if (!this.leafSubs) {
      const m = new Map<number, (number | null)[]>();
      for (const k of this.keys) {
        const list = m.get(k.leaf) ?? [];
        list.push(k.subleaf);
        m.set(k.leaf, list);
      }
      this.leafSubs = m;
    }
    return this.leafSubs;
  }

  hasLeaf(leaf: number): boolean {
    return this.subs().has(leaf);
  }

  /** Sub-leaves present for a leaf, ascending (`[null]` for a leaf without sub-leaves). */
  subleavesOf(leaf: number): readonly (number | null)[] {
    return this.subs().get(leaf) ?? [];
  }

  get values(): CpuidTable {
    if (!this.valuesTable) this.valuesTable = CpuidTable.fromEntries(this.entries(0));
    return this.valuesTable;
  }

  get known(): CpuidTable {
    if (!this.knownTable) this.knownTable = CpuidTable.fromEntries(this.entries(4));
    return this.knownTable;
  }

  private entries(off: number): CpuidEntry[] {
    return this.keys.map((k) => {
      const r = this.rows.get(code(k.leaf, k.subleaf))!;
      return { leaf: k.leaf, subleaf: k.subleaf, eax: r[off]!, ebx: r[off + 1]!, ecx: r[off + 2]!, edx: r[off + 3]! };
    });
  }

  /** Register values (unknown bits read as 0). */
  toEntries(): CpuidEntry[] {
    return this.entries(0);
  }
}

export const EMPTY_LAYER: Layer = new Layer([], new Map());

/** A layer from a table (fully known unless a known-bit table is given). */
export function layerOf(table: CpuidTable, knownTable?: CpuidTable): Layer {
  const rows = new Map<number, Uint32Array>();
  const keys: LeafKey[] = [];
  let i = 0;
  for (const k of table.keys) {
    const r = new Uint32Array(8);
    r[0] = table.regs[4 * i]!;
    r[1] = table.regs[4 * i + 1]!;
    r[2] = table.regs[4 * i + 2]!;
    r[3] = table.regs[4 * i + 3]!;
    for (let j = 0; j < 4; j++) r[4 + j] = knownTable ? (knownTable.regOf(k.leaf, k.subleaf, REGS[j]!) ?? 0) : ALL;
    rows.set(code(k.leaf, k.subleaf), r);
    keys.push({ leaf: k.leaf, subleaf: k.subleaf });
    i++;
  }
  return new Layer(keys, rows);
}

export function layerReg(layer: Layer, leaf: number, subleaf: number | null, reg: Reg): Bits | undefined {
  const r = layer.row(leaf, subleaf);
  if (!r) return undefined;
  const i = regIndex(reg);
  return { v: r[i]!, k: r[4 + i]! };
}

export function layerHas(layer: Layer, leaf: number, subleaf: number | null): boolean {
  return layer.has(leaf, subleaf);
}

/** Builds a layer one register at a time; later writes replace earlier ones. */
export class LayerBuilder {
  private readonly rows = new Map<number, { key: LeafKey; r: Uint32Array }>();

  private row(leaf: number, subleaf: number | null): { key: LeafKey; r: Uint32Array } {
    const id = code(leaf, subleaf);
    let x = this.rows.get(id);
    if (!x) {
      x = { key: { leaf, subleaf }, r: new Uint32Array(8) };
      this.rows.set(id, x);
    }
    return x;
  }

  /** Ensures the leaf exists (all registers unknown until set). */
  touch(leaf: number, subleaf: number | null): this {
    this.row(leaf, subleaf);
    return this;
  }

  setReg(leaf: number, subleaf: number | null, reg: Reg, b: Bits): this {
    const x = this.row(leaf, subleaf);
    const i = regIndex(reg);
    x.r[i] = (b.v & b.k) >>> 0;
    x.r[4 + i] = b.k >>> 0;
    return this;
  }

  setEntry(leaf: number, subleaf: number | null, regs: readonly [Bits, Bits, Bits, Bits]): this {
    const x = this.row(leaf, subleaf);
    for (let i = 0; i < 4; i++) {
      const b = regs[i]!;
      x.r[i] = (b.v & b.k) >>> 0;
      x.r[4 + i] = b.k >>> 0;
    }
    return this;
  }

  getReg(leaf: number, subleaf: number | null, reg: Reg): Bits | undefined {
    const x = this.rows.get(code(leaf, subleaf));
    if (!x) return undefined;
    const i = regIndex(reg);
    return { v: x.r[i]!, k: x.r[4 + i]! };
  }

  has(leaf: number, subleaf: number | null): boolean {
    return this.rows.has(code(leaf, subleaf));
  }

  delete(leaf: number, subleaf: number | null): void {
    this.rows.delete(code(leaf, subleaf));
  }

  build(): Layer {
    const list = [...this.rows.values()].sort((a, b) => compareLeafKey(a.key, b.key));
    const rows = new Map<number, Uint32Array>();
    for (const x of list) rows.set(code(x.key.leaf, x.key.subleaf), x.r);
    return new Layer(
      list.map((x) => x.key),
      rows,
    );
  }
}

/** Entries of a layer as plain CPUID entries (unknown bits read as 0). */
export function layerEntries(layer: Layer): CpuidEntry[] {
  return layer.toEntries();
}
