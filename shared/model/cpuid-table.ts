// Compact storage of one logical processor's CPUID: sorted leaf keys and one
// Uint32Array with four registers per key. Lookups go through a two-level map.

import type { BitAddress, FieldAddress, LeafKey, Reg, RegAddress } from './address';
import { compareLeafKey, extractField, regIndex, subleafCode } from './address';
import { isIndexedLeaf } from './leaf-kinds';

export interface CpuidEntry extends LeafKey {
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

export type RegValues = readonly [number, number, number, number];

const SLOTS = new WeakMap<CpuidTable, Map<number, Map<number, number>>>();

export class CpuidTable {
  /** Sorted by leaf, then sub-leaf (`null` first). */
  readonly keys: readonly LeafKey[];
  /** `regs[4*i + r]` is register r (eax, ebx, ecx, edx) of `keys[i]`. */
  readonly regs: Uint32Array;
  private constructor(keys: LeafKey[], regs: Uint32Array) {
    this.keys = keys;
    this.regs = regs;
  }

  /**
   * Leaf -> sub-leaf code -> index, built on first lookup: a 112-CPU dump is parsed more
   * often than each of its tables is queried, and this map was most of a table's cost.
   * Kept outside the object so that a frozen table still works.
   */
  private get slots(): Map<number, Map<number, number>> {
    const cached = SLOTS.get(this);
    if (cached) return cached;
    const slots = new Map<number, Map<number, number>>();
    this.keys.forEach((k, i) => {
      let bySub = slots.get(k.leaf);
      if (!bySub) slots.set(k.leaf, (bySub = new Map()));
      bySub.set(subleafCode(k.subleaf), i);
    });
    SLOTS.set(this, slots);
    return slots;
  }

  static readonly empty = new CpuidTable([], new Uint32Array(0));

  /**
   * Builds a table from entries whose sub-leaf is already normalised (null for leaves
   * without sub-leaves). A later entry for the same key replaces an earlier one.
   */
  static fromEntries(entries: Iterable<CpuidEntry>): CpuidTable {
    const list = Array.isArray(entries) ? (entries as readonly CpuidEntry[]) : [...entries];
    // Fast path: dumps list leaves in ascending order, so usually there is nothing to sort
    // or de-duplicate.
    let ascending = true;
    for (let i = 1; i < list.length && ascending; i++) ascending = compareLeafKey(list[i - 1]!, list[i]!) < 0;
    if (ascending) return CpuidTable.fromSorted(list);
    const byKey = new Map<string, CpuidEntry>();
    for (const e of list) byKey.set(`${e.leaf}:${subleafCode(e.subleaf)}`, e);
    return CpuidTable.fromSorted([...byKey.values()].sort(compareLeafKey));
  }

  private static fromSorted(sorted: readonly CpuidEntry[]): CpuidTable {
    const regs = new Uint32Array(sorted.length * 4);
    sorted.forEach((e, i) => {
      regs[4 * i] = e.eax >>> 0;
      regs[4 * i + 1] = e.ebx >>> 0;
      regs[4 * i + 2] = e.ecx >>> 0;
      regs[4 * i + 3] = e.edx >>> 0;
    });
    return new CpuidTable(
      sorted.map((e) => ({ leaf: e.leaf, subleaf: e.subleaf })),
      regs,
    );
  }

  get size(): number {
    return this.keys.length;
  }

  private slot(leaf: number, subleaf: number | null): number | undefined {
    return this.slots.get(leaf)?.get(subleafCode(subleaf));
  }

  has(leaf: number, subleaf: number | null): boolean {
    return this.slot(leaf, subleaf) !== undefined;
  }

  hasLeaf(leaf: number): boolean {
    return this.slots.has(leaf);
  }

  /** Sub-leaves present for a leaf, ascending (`[null]` for a leaf without sub-leaves). */
  subleavesOf(leaf: number): (number | null)[] {
    const bySub = this.slots.get(leaf);
    if (!bySub) return [];
    return [...bySub.keys()].sort((a, b) => a - b).map((c) => (c < 0 ? null : c));
  }

  get(leaf: number, subleaf: number | null): CpuidEntry | undefined {
    const i = this.slot(leaf, subleaf);
    if (i === undefined) return undefined;
    const r = this.regs;
    return { leaf, subleaf, eax: r[4 * i]!, ebx: r[4 * i + 1]!, ecx: r[4 * i + 2]!, edx: r[4 * i + 3]! };
  }

  /** Looks a leaf up the way software asks for it: sub-leaf ignored for leaves without sub-leaves. */
  lookup(leaf: number, subleaf: number): CpuidEntry | undefined {
    return this.get(leaf, subleaf) ?? (this.has(leaf, null) ? this.get(leaf, null) : undefined);
  }

  reg(a: RegAddress): number | undefined {
    const i = this.slot(a.leaf, a.subleaf);
    return i === undefined ? undefined : this.regs[4 * i + regIndex(a.reg)];
  }

  regOf(leaf: number, subleaf: number | null, reg: Reg): number | undefined {
    const i = this.slot(leaf, subleaf);
    return i === undefined ? undefined : this.regs[4 * i + regIndex(reg)];
  }

  bit(a: BitAddress): 0 | 1 | undefined {
    const v = this.reg(a);
    return v === undefined ? undefined : (((v >>> a.bit) & 1) as 0 | 1);
  }

  field(a: FieldAddress): number | undefined {
    const v = this.reg(a);
    return v === undefined ? undefined : extractField(v, a.bits);
  }

  *entries(): IterableIterator<CpuidEntry> {
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]!;
      const r = this.regs;
      yield { leaf: k.leaf, subleaf: k.subleaf, eax: r[4 * i]!, ebx: r[4 * i + 1]!, ecx: r[4 * i + 2]!, edx: r[4 * i + 3]! };
    }
  }

  toArray(): CpuidEntry[] {
    return [...this.entries()];
  }

  /** Same keys and same register values. */
  equals(other: CpuidTable): boolean {
    if (this.keys.length !== other.keys.length) return false;
    for (let i = 0; i < this.keys.length; i++) {
      if (compareLeafKey(this.keys[i]!, other.keys[i]!) !== 0) return false;
    }
    const a = this.regs;
    const b = other.regs;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** A copy without the given keys. */
  without(drop: readonly LeafKey[]): CpuidTable {
    if (drop.length === 0) return this;
    const gone = new Set(drop.map((k) => `${k.leaf}:${subleafCode(k.subleaf)}`));
    return CpuidTable.fromEntries([...this.entries()].filter((e) => !gone.has(`${e.leaf}:${subleafCode(e.subleaf)}`)));
  }

  /** A copy with the given entries added or replaced. */
  with(entries: Iterable<CpuidEntry>): CpuidTable {
    return CpuidTable.fromEntries([...this.entries(), ...entries]);
  }
}

/** An entry as a dump gives it: the sub-leaf may be missing or may be a placeholder 0. */
export interface RawCpuidEntry {
  readonly leaf: number;
  /** ECX input if the dump states one; undefined when the dump does not say. */
  readonly subleaf?: number | undefined;
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

/**
 * Collects raw entries of one CPU and decides, per leaf, whether it has sub-leaves:
 * yes if the leaf is known to be indexed or the dump shows a sub-leaf other than 0.
 * For leaves without sub-leaves, the first entry wins (later ones are tool repeats).
 */
export class CpuidTableBuilder {
  private readonly raw: RawCpuidEntry[] = [];

  add(e: RawCpuidEntry): this {
    this.raw.push(e);
    return this;
  }

  get count(): number {
    return this.raw.length;
  }

  build(): CpuidTable {
    const indexed = new Set<number>();
    for (const e of this.raw) if (isIndexedLeaf(e.leaf) || (e.subleaf !== undefined && e.subleaf !== 0)) indexed.add(e.leaf);
    const out: CpuidEntry[] = [];
    const seenPlain = new Set<number>();
    for (const e of this.raw) {
      if (indexed.has(e.leaf)) {
        out.push({ leaf: e.leaf, subleaf: e.subleaf ?? 0, eax: e.eax, ebx: e.ebx, ecx: e.ecx, edx: e.edx });
      } else if (!seenPlain.has(e.leaf)) {
        seenPlain.add(e.leaf);
        out.push({ leaf: e.leaf, subleaf: null, eax: e.eax, ebx: e.ebx, ecx: e.ecx, edx: e.edx });
      }
    }
    return CpuidTable.fromEntries(out);
  }
}
