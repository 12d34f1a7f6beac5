// Compact storage of one logical processor's CPUID: sorted leaf keys and one
// Uint32Array with four registers per key. Lookups are binary searches over the sorted keys
// (no per-table map: a 112-CPU dump is parsed more often than each table is queried), and
// consecutive tables with the same key sequence share one frozen keys array, so the CPUs
// of one dump cost one Uint32Array each and comparing their layouts is a pointer test.

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

/** The last keys array handed out: the next table with the same keys shares it. */
let lastKeys: readonly LeafKey[] = Object.freeze([]);

/**
 * A frozen keys array for `count` keys given as leaf and sub-leaf code (-1 = none) at
 * `at(i)`; the previous one when it holds the same keys.
 */
function sharedKeys(count: number, leafAt: (i: number) => number, codeAt: (i: number) => number): readonly LeafKey[] {
  const prev = lastKeys;
  if (prev.length === count) {
    let same = true;
    for (let i = 0; i < count && same; i++) {
      const k = prev[i]!;
      same = k.leaf === leafAt(i) && subleafCode(k.subleaf) === codeAt(i);
    }
    if (same) return prev;
  }
  const keys = new Array<LeafKey>(count);
  for (let i = 0; i < count; i++) {
    const code = codeAt(i);
    keys[i] = Object.freeze({ leaf: leafAt(i), subleaf: code < 0 ? null : code });
  }
  lastKeys = Object.freeze(keys);
  return lastKeys;
}

export class CpuidTable {
  /** Sorted by leaf, then sub-leaf (`null` first). Frozen; may be shared with other tables. */
  readonly keys: readonly LeafKey[];
  /** `regs[4*i + r]` is register r (eax, ebx, ecx, edx) of `keys[i]`. */
  readonly regs: Uint32Array;
  private constructor(keys: readonly LeafKey[], regs: Uint32Array) {
    this.keys = keys;
    this.regs = regs;
  }

  static readonly empty = new CpuidTable(Object.freeze([]), new Uint32Array(0));

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
    for (let i = 0; i < sorted.length; i++) {
      const e = sorted[i]!;
      regs[4 * i] = e.eax >>> 0;
      regs[4 * i + 1] = e.ebx >>> 0;
      regs[4 * i + 2] = e.ecx >>> 0;
      regs[4 * i + 3] = e.edx >>> 0;
    }
    const keys = sharedKeys(
      sorted.length,
      (i) => sorted[i]!.leaf,
      (i) => subleafCode(sorted[i]!.subleaf),
    );
    return new CpuidTable(keys, regs);
  }

  /** A table over keys and registers already sorted and unique (the builder's output). */
  static fromPacked(keys: readonly LeafKey[], regs: Uint32Array): CpuidTable {
    return new CpuidTable(keys, regs);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key not below (leaf, code). */
  private lowerBound(leaf: number, code: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k.leaf < leaf || (k.leaf === leaf && (k.subleaf === null ? -1 : k.subleaf) < code)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private slot(leaf: number, subleaf: number | null): number | undefined {
    const code = subleaf === null ? -1 : subleaf;
    const i = this.lowerBound(leaf, code);
    const k = this.keys[i];
    return k !== undefined && k.leaf === leaf && (k.subleaf === null ? -1 : k.subleaf) === code ? i : undefined;
  }

  has(leaf: number, subleaf: number | null): boolean {
    return this.slot(leaf, subleaf) !== undefined;
  }

  hasLeaf(leaf: number): boolean {
    return this.keys[this.lowerBound(leaf, -1)]?.leaf === leaf;
  }

  /** Sub-leaves present for a leaf, ascending (`[null]` for a leaf without sub-leaves). */
  subleavesOf(leaf: number): (number | null)[] {
    const out: (number | null)[] = [];
    const keys = this.keys;
    for (let i = this.lowerBound(leaf, -1); i < keys.length && keys[i]!.leaf === leaf; i++) out.push(keys[i]!.subleaf);
    return out;
  }

  /** The entry at index `i` of `keys`. */
  private entryAt(i: number): CpuidEntry {
    const k = this.keys[i]!;
    const r = this.regs;
    return { leaf: k.leaf, subleaf: k.subleaf, eax: r[4 * i]!, ebx: r[4 * i + 1]!, ecx: r[4 * i + 2]!, edx: r[4 * i + 3]! };
  }

  get(leaf: number, subleaf: number | null): CpuidEntry | undefined {
    const i = this.slot(leaf, subleaf);
    return i === undefined ? undefined : this.entryAt(i);
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
    for (let i = 0; i < this.keys.length; i++) yield this.entryAt(i);
  }

  toArray(): CpuidEntry[] {
    const out = new Array<CpuidEntry>(this.keys.length);
    for (let i = 0; i < out.length; i++) out[i] = this.entryAt(i);
    return out;
  }

  /** Same keys and same register values. */
  equals(other: CpuidTable): boolean {
    if (this.keys.length !== other.keys.length) return false;
    if (this.keys !== other.keys) {
      for (let i = 0; i < this.keys.length; i++) {
        if (compareLeafKey(this.keys[i]!, other.keys[i]!) !== 0) return false;
      }
    }
    const a = this.regs;
    const b = other.regs;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** A copy without the given keys. */
  without(drop: readonly LeafKey[]): CpuidTable {
    if (drop.length === 0) return this;
    const gone = new Set<number>();
    for (const k of drop) {
      const i = this.slot(k.leaf, k.subleaf);
      if (i !== undefined) gone.add(i);
    }
    if (gone.size === 0) return this;
    const n = this.keys.length - gone.size;
    const kept = new Int32Array(n);
    for (let i = 0, j = 0; i < this.keys.length; i++) if (!gone.has(i)) kept[j++] = i;
    const regs = new Uint32Array(4 * n);
    for (let j = 0; j < n; j++) regs.set(this.regs.subarray(4 * kept[j]!, 4 * kept[j]! + 4), 4 * j);
    const keys = sharedKeys(
      n,
      (j) => this.keys[kept[j]!]!.leaf,
      (j) => subleafCode(this.keys[kept[j]!]!.subleaf),
    );
    return new CpuidTable(keys, regs);
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
 * For leaves without sub-leaves, the first entry wins (later ones are tool repeats); for
 * indexed leaves a later entry for the same sub-leaf replaces an earlier one.
 * Entries are kept flat in one number array (leaf, sub-leaf or -1, EAX..EDX), not as
 * objects: a 112-CPU dump adds 20 000 of them.
 */
export class CpuidTableBuilder {
  private readonly data: number[] = [];

  add(e: RawCpuidEntry): this {
    return this.addValues(e.leaf, e.subleaf, e.eax, e.ebx, e.ecx, e.edx);
  }

  /** `add` without an entry object (the readers' hot loops). */
  addValues(leaf: number, subleaf: number | undefined, eax: number, ebx: number, ecx: number, edx: number): this {
    this.data.push(leaf, subleaf === undefined ? -1 : subleaf, eax, ebx, ecx, edx);
    return this;
  }

  get count(): number {
    return this.data.length / 6;
  }

  build(): CpuidTable {
    const d = this.data;
    const n = d.length / 6;
    // Leaves a dump shows with a sub-leaf other than 0 (beyond the known indexed ones).
    let shownIndexed: Set<number> | null = null;
    for (let o = 1; o < d.length; o += 6) {
      if (d[o]! > 0 && !isIndexedLeaf(d[o - 1]!)) (shownIndexed ??= new Set()).add(d[o - 1]!);
    }
    // Rows kept, as (leaf, sub-leaf code, source row) in input order, in reused scratch arrays.
    if (scratch.leaves.length < n) scratch = newScratch(Math.max(n, 2 * scratch.leaves.length));
    const { leaves, codes, rows } = scratch;
    let m = 0;
    let ascending = true;
    let seenPlain: Set<number> | null = null;
    for (let i = 0, o = 0; i < n; i++, o += 6) {
      const leaf = d[o]!;
      let code: number;
      if (isIndexedLeaf(leaf) || (shownIndexed !== null && shownIndexed.has(leaf))) {
        code = d[o + 1]! < 0 ? 0 : d[o + 1]!;
      } else {
        // Seen before? Only possible when the leaf is not above every kept leaf so far.
        if ((m > 0 && leaf <= leaves[m - 1]!) || !ascending) {
          if (seenPlain === null) {
            seenPlain = new Set();
            for (let j = 0; j < m; j++) if (codes[j] === -1) seenPlain.add(leaves[j]!);
          }
          if (seenPlain.has(leaf)) continue;
        }
        seenPlain?.add(leaf);
        code = -1;
      }
      if (ascending && m > 0 && !(leaves[m - 1]! < leaf || (leaves[m - 1] === leaf && codes[m - 1]! < code))) ascending = false;
      leaves[m] = leaf;
      codes[m] = code;
      rows[m] = i;
      m++;
    }
    let count = m;
    if (!ascending) {
      // Sort by key; equal keys keep the last row (a later sub-leaf line replaces an earlier one).
      const idx = Array.from({ length: m }, (_, j) => j);
      idx.sort((a, b) => leaves[a]! - leaves[b]! || codes[a]! - codes[b]! || a - b);
      const picked: number[] = [];
      for (let j = 0; j < idx.length; j++) {
        const a = idx[j]!;
        const b = idx[j + 1];
        if (b !== undefined && leaves[a] === leaves[b] && codes[a] === codes[b]) continue;
        picked.push(a);
      }
      const sorted = picked.map((a) => [leaves[a]!, codes[a]!, rows[a]!] as const);
      sorted.forEach(([leaf, code, row], j) => {
        leaves[j] = leaf;
        codes[j] = code;
        rows[j] = row;
      });
      count = picked.length;
    }
    const regs = allocRegs(4 * count);
    for (let j = 0; j < count; j++) {
      const o = 6 * rows[j]!;
      regs[4 * j] = d[o + 2]! >>> 0;
      regs[4 * j + 1] = d[o + 3]! >>> 0;
      regs[4 * j + 2] = d[o + 4]! >>> 0;
      regs[4 * j + 3] = d[o + 5]! >>> 0;
    }
    const keys = sharedKeys(
      count,
      (j) => leaves[j]!,
      (j) => codes[j]!,
    );
    return CpuidTable.fromPacked(keys, regs);
  }
}

/** Scratch space of build() (never re-entered), kept between calls. */
function newScratch(n: number): { leaves: Float64Array; codes: Float64Array; rows: Int32Array } {
  return { leaves: new Float64Array(n), codes: new Float64Array(n), rows: new Int32Array(n) };
}
let scratch = newScratch(256);

/**
 * Register arrays are views into shared 64 KiB buffers: allocating a separate buffer for
 * each of a dump's 112 tables cost more than filling them. A buffer stays alive while any
 * table viewing it does (at most 64 KiB per small retained table).
 */
const ARENA_WORDS = 16384;
let arena = new Uint32Array(ARENA_WORDS);
let arenaUsed = 0;
function allocRegs(words: number): Uint32Array {
  if (words > ARENA_WORDS / 4) return new Uint32Array(words);
  if (arenaUsed + words > ARENA_WORDS) {
    arena = new Uint32Array(ARENA_WORDS);
    arenaUsed = 0;
  }
  const view = arena.subarray(arenaUsed, arenaUsed + words);
  arenaUsed += words;
  return view;
}
