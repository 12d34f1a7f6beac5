// Indexes over the bit-name data, built once on first use: entries by leaf (exact sub-leaf
// and sub-leaf ranges), a per-register layout cache, and a name index. Decoding a whole
// dump then costs one map lookup per present register.

import type { Reg } from '../../model/address';
import { REGS, regIndex, subleafCode } from '../../model/address';
import rawData from './data/bits.json';
import type { BitEntry, BitRecord, BitsFile, RegLayout } from './types';

const data = rawData as unknown as BitsFile;

interface LeafIndex {
  /** Sub-leaf code (-1 = none) -> entries with exactly that sub-leaf. */
  readonly exact: Map<number, BitEntry[]>;
  /** Entries that apply to a range of sub-leaves. */
  readonly ranged: BitEntry[];
}

export interface BitsTable {
  readonly entries: readonly BitEntry[];
  readonly byLeaf: ReadonlyMap<number, LeafIndex>;
  readonly leafDescriptions: ReadonlyMap<number, string>;
  /** Normalised name -> entries, best first. */
  readonly byName: ReadonlyMap<string, readonly BitEntry[]>;
  /** leaf -> sub-leaf code -> four layouts (eax, ebx, ecx, edx). */
  readonly layoutCache: Map<number, Map<number, readonly RegLayout[]>>;
}

/** Lower case, and `-`/`.` folded into `_`: `sse4.1`, `sse4-1`, `SSE4_1` are one name. */
export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/[-.\s]/g, '_');
}

function toEntry(r: BitRecord, index: number): BitEntry {
  const kind = r.reserved ? 'reserved' : r.bits[0] === r.bits[1] ? 'bit' : 'field';
  return Object.freeze({
    ...r,
    kind,
    displayName: r.name ?? null,
    description: r.desc ?? 'Not named by the x86-cpuid-db, Linux or QEMU sources used here (reserved or undocumented).',
    index,
  });
}

/** How strongly a spelling identifies an entry (lower wins when a name is shared). */
const NAME_RANK = { name: 0, proc: 0, qemu: 1, qemuAlias: 1, kcpuid: 2, linux: 3, alias: 4 } as const;

function buildNameIndex(entries: readonly BitEntry[]): Map<string, readonly BitEntry[]> {
  const ranked = new Map<string, { entry: BitEntry; rank: number }[]>();
  const add = (name: string | undefined, entry: BitEntry, rank: number): void => {
    if (!name) return;
    const key = normaliseName(name);
    const list = ranked.get(key) ?? [];
    const same = list.find((x) => x.entry === entry);
    if (same) same.rank = Math.min(same.rank, rank);
    else list.push({ entry, rank });
    ranked.set(key, list);
  };
  for (const e of entries) {
    if (e.kind === 'reserved') continue;
    add(e.name, e, NAME_RANK.name);
    add(e.proc, e, NAME_RANK.proc);
    add(e.qemu, e, NAME_RANK.qemu);
    for (const a of e.qemuAliases ?? []) add(a, e, NAME_RANK.qemuAlias);
    add(e.kcpuid, e, NAME_RANK.kcpuid);
    add(e.linux, e, NAME_RANK.linux);
    for (const a of e.aliases ?? []) add(a, e, NAME_RANK.alias);
  }
  const out = new Map<string, readonly BitEntry[]>();
  for (const [k, list] of ranked) {
    list.sort((a, b) => a.rank - b.rank || a.entry.index - b.entry.index);
    out.set(k, Object.freeze(list.map((x) => x.entry)));
  }
  return out;
}

let table: BitsTable | undefined;

export function bitsTable(): BitsTable {
  if (table) return table;
  const entries = Object.freeze(data.entries.map(toEntry));
  const byLeaf = new Map<number, LeafIndex>();
  for (const e of entries) {
    let li = byLeaf.get(e.leaf);
    if (!li) byLeaf.set(e.leaf, (li = { exact: new Map(), ranged: [] }));
    if (Array.isArray(e.subleaf)) li.ranged.push(e);
    else {
      const code = subleafCode(e.subleaf as number | null);
      const list = li.exact.get(code) ?? [];
      list.push(e);
      li.exact.set(code, list);
    }
  }
  const leafDescriptions = new Map<number, string>();
  for (const [k, v] of Object.entries(data.leaves)) leafDescriptions.set(parseInt(k, 16), v);
  table = { entries, byLeaf, leafDescriptions, byName: buildNameIndex(entries), layoutCache: new Map() };
  return table;
}

function overlaps(a: BitEntry, b: BitEntry): boolean {
  return a.bits[0] <= b.bits[1] && b.bits[0] <= a.bits[1];
}

function buildLayout(entries: readonly BitEntry[]): RegLayout {
  const byBit: (BitEntry | undefined)[] = new Array(32).fill(undefined);
  const features: BitEntry[] = [];
  const fields: BitEntry[] = [];
  const reserved: BitEntry[] = [];
  let identityMask = 0;
  for (const e of entries) {
    for (let b = e.bits[0]; b <= e.bits[1]; b++) byBit[b] = e;
    if (e.kind === 'bit') features.push(e);
    else if (e.kind === 'field') fields.push(e);
    else reserved.push(e);
    if (e.identity) for (let b = e.bits[0]; b <= e.bits[1]; b++) identityMask |= 1 << b;
  }
  const byLo = (a: BitEntry, b: BitEntry): number => a.bits[0] - b.bits[0];
  return Object.freeze({
    features: Object.freeze(features.sort(byLo)),
    fields: Object.freeze(fields.sort(byLo)),
    reserved: Object.freeze(reserved.sort(byLo)),
    byBit: Object.freeze(byBit),
    identityMask: identityMask >>> 0,
  });
}

const EMPTY_LAYOUT: RegLayout = buildLayout([]);
const EMPTY_LAYOUTS: readonly RegLayout[] = Object.freeze([EMPTY_LAYOUT, EMPTY_LAYOUT, EMPTY_LAYOUT, EMPTY_LAYOUT]);

/**
 * Entries that apply to one leaf/sub-leaf: those with exactly that sub-leaf, then range
 * entries covering it whose bits no exact entry of the same register claims. A dump may
 * disagree with the data about whether a leaf has sub-leaves (a tool printed `0x1a.0`);
 * then sub-leaf 0 and "none" stand for each other.
 */
function entriesFor(li: LeafIndex, subleaf: number | null): BitEntry[] {
  let exact = li.exact.get(subleafCode(subleaf));
  if (!exact && subleaf === 0) exact = li.exact.get(-1);
  if (!exact && subleaf === null) exact = li.exact.get(0);
  const out = exact ? [...exact] : [];
  const s = subleaf ?? 0;
  for (const r of li.ranged) {
    const [lo, hi] = r.subleaf as readonly [number, number];
    if (s < lo || s > hi) continue;
    if (out.some((e) => e.reg === r.reg && overlaps(e, r))) continue;
    out.push(r);
  }
  return out;
}

/** The four register layouts (eax, ebx, ecx, edx) of a leaf/sub-leaf; cached. */
export function layoutsOf(leaf: number, subleaf: number | null): readonly RegLayout[] {
  const t = bitsTable();
  let bySub = t.layoutCache.get(leaf);
  if (!bySub) t.layoutCache.set(leaf, (bySub = new Map()));
  const code = subleafCode(subleaf);
  const cached = bySub.get(code);
  if (cached) return cached;
  const li = t.byLeaf.get(leaf);
  let layouts = EMPTY_LAYOUTS;
  if (li) {
    const list = entriesFor(li, subleaf);
    if (list.length > 0) layouts = Object.freeze(REGS.map((reg: Reg) => buildLayout(list.filter((e) => e.reg === reg))));
  }
  bySub.set(code, layouts);
  return layouts;
}

export function layoutOf(leaf: number, subleaf: number | null, reg: Reg): RegLayout {
  return layoutsOf(leaf, subleaf)[regIndex(reg)]!;
}
