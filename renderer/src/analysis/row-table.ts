// The reconciliation's rows in columns, for the trip from the worker to the interface.
// A reconciliation has ~14 000 rows; as objects, structured clone would rebuild ~100 000
// small objects on the UI thread (hundreds of ms). As typed arrays plus a few string
// arrays it crosses in a few ms, and the views read the columns directly.

import { BIT_CLASSES } from '../../../shared/engine/types';
import type { BitClass, BitRow, FieldRow, Reconciliation } from '../../../shared/engine/types';
import type { Analysis } from '../../../shared/engine/reconcile';
import type { EngineState } from '../../../shared/engine/pipeline';
import { rowCount, visitRows } from '../../../shared/engine/rows';
import type { SharedBitFacts } from '../../../shared/engine/rows';
import { REGS, regIndex, subleafCode } from '../../../shared/model/address';
import type { LeafKey, Reg } from '../../../shared/model/address';
import { LAYER_IDS } from '../../../shared/model/layers';
import type { LayerId } from '../../../shared/model/layers';

export const LAYER_COUNT = LAYER_IDS.length;
/** `decided` value for "the TDX module decided". */
export const DECIDED_BY_MODULE = LAYER_COUNT;
export const FLAG_DISAGREEMENT = 1;
export const FLAG_GUEST_CONTROLLED = 2;

export interface RowTable {
  readonly count: number;
  /** 1 for a multi-bit field, 0 for a bit. */
  readonly field: Uint8Array;
  readonly leaf: Uint32Array;
  readonly subleaf: Uint32Array;
  /** 0 when the leaf has no sub-leaves (`subleaf` null). */
  readonly hasSubleaf: Uint8Array;
  /** 0..3 = eax..edx. */
  readonly reg: Uint8Array;
  /** Bit, or a field's low and high bit. */
  readonly lo: Uint8Array;
  readonly hi: Uint8Array;
  /** Index into BIT_CLASSES. */
  readonly cls: Uint8Array;
  /** Index into LAYER_IDS, or DECIDED_BY_MODULE. */
  readonly decided: Uint8Array;
  readonly flags: Uint8Array;
  /** `values[row * LAYER_COUNT + layer]`; NaN where the layer has no value. */
  readonly values: Float64Array;
  /**
   * Strings are few and repeat a lot (~14 000 rows have a few hundred distinct reason chains),
   * so each row holds an index into a list of distinct texts: `nameText[name[i]]` (-1 = no
   * name), gates joined with ',', reasons joined with '\n'.
   */
  readonly name: Int32Array;
  readonly nameText: readonly string[];
  readonly gate: Uint32Array;
  readonly gateText: readonly string[];
  readonly reason: Uint32Array;
  readonly reasonText: readonly string[];
}

/** The reconciliation as the interface holds it: everything but the rows as they came, rows in columns. */
export type ReconciliationView = Omit<Reconciliation, 'bits' | 'fields'> & { readonly rows: RowTable };

type AnyRow = BitRow | FieldRow;

function isField(r: AnyRow): r is FieldRow {
  return 'bits' in r;
}

function low(r: AnyRow): number {
  return isField(r) ? r.bits[0] : r.bit;
}

/** Rows in display order: leaf, sub-leaf, register, low bit; a field before the bits it starts at (wider first). */
function compareRows(a: AnyRow, b: AnyRow): number {
  return (
    a.leaf - b.leaf ||
    subleafCode(a.subleaf) - subleafCode(b.subleaf) ||
    regIndex(a.reg) - regIndex(b.reg) ||
    low(a) - low(b) ||
    (isField(a) ? 0 : 1) - (isField(b) ? 0 : 1) ||
    (isField(a) && isField(b) ? b.bits[1] - a.bits[1] : 0)
  );
}

const CLASS_INDEX = new Map<BitClass, number>(BIT_CLASSES.map((c, i) => [c, i]));
const LAYER_INDEX = new Map<LayerId, number>(LAYER_IDS.map((l, i) => [l, i]));

/**
 * Each row's place in display order as two numbers: the leaf, then sub-leaf, register, low
 * bit and (a field before a bit, a wider field first) packed below 2^46. Comparing these is
 * what `compareRows` does, without its string and property tests per comparison (the first
 * analysis runs before the engine's code is optimised, where those cost most).
 */
function orderKeys(rows: readonly AnyRow[], fields: boolean): { leaf: Float64Array; rest: Float64Array } {
  const leaf = new Float64Array(rows.length);
  const rest = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    leaf[i] = r.leaf;
    const sub = subleafCode(r.subleaf) + 1;
    const lo = fields ? (r as FieldRow).bits[0] : (r as BitRow).bit;
    const tail = fields ? 31 - (r as FieldRow).bits[1] : 32;
    rest[i] = sub * 8192 + regIndex(r.reg) * 2048 + lo * 64 + tail;
  }
  return { leaf, rest };
}

function keysSorted(k: { leaf: Float64Array; rest: Float64Array }): boolean {
  for (let i = 1; i < k.leaf.length; i++) {
    if (k.leaf[i - 1]! > k.leaf[i]! || (k.leaf[i - 1] === k.leaf[i] && k.rest[i - 1]! > k.rest[i]!)) return false;
  }
  return true;
}

/** Bits and fields in display order: a merge when each list is sorted already (the engine sorts them). */
function displayOrder(bits: readonly BitRow[], fields: readonly FieldRow[]): AnyRow[] {
  const kb = orderKeys(bits, false);
  const kf = orderKeys(fields, true);
  if (!keysSorted(kb) || !keysSorted(kf)) return [...bits, ...fields].sort(compareRows);
  const out: AnyRow[] = new Array<AnyRow>(bits.length + fields.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < bits.length && j < fields.length) {
    const fieldFirst = kf.leaf[j]! < kb.leaf[i]! || (kf.leaf[j] === kb.leaf[i] && kf.rest[j]! < kb.rest[i]!);
    out[k++] = fieldFirst ? fields[j++]! : bits[i++]!;
  }
  while (i < bits.length) out[k++] = bits[i++]!;
  while (j < fields.length) out[k++] = fields[j++]!;
  return out;
}

function decidedIndex(decidedBy: LayerId | 'module'): number {
  return decidedBy === 'module' ? DECIDED_BY_MODULE : (LAYER_INDEX.get(decidedBy) ?? DECIDED_BY_MODULE);
}

/** LAYER_IDS in the order `putValues` writes them by name. */
const NAMED_LAYER_ORDER = 'host,kvmSupported,tdxCaps,qemuSupported,requested,initVm,td,setCpuid,guest';
const NAMED_LAYERS = LAYER_IDS.join(',') === NAMED_LAYER_ORDER;

/**
 * A row's layer values into `out` from `base`, NaN for none. Read by name: a loop over
 * LAYER_IDS reads them by computed key, much slower until the code is optimised.
 */
function putValues(out: Float64Array, base: number, v: Readonly<Record<LayerId, number | null>>): void {
  if (!NAMED_LAYERS) {
    for (let l = 0; l < LAYER_COUNT; l++) out[base + l] = v[LAYER_IDS[l]!] ?? NaN;
    return;
  }
  out[base] = v.host ?? NaN;
  out[base + 1] = v.kvmSupported ?? NaN;
  out[base + 2] = v.tdxCaps ?? NaN;
  out[base + 3] = v.qemuSupported ?? NaN;
  out[base + 4] = v.requested ?? NaN;
  out[base + 5] = v.initVm ?? NaN;
  out[base + 6] = v.td ?? NaN;
  out[base + 7] = v.setCpuid ?? NaN;
  out[base + 8] = v.guest ?? NaN;
}

/** A list of distinct texts and each text's index in it. */
class TextList {
  readonly texts: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(text);
      this.index.set(text, i);
    }
    return i;
  }
}

/** A node of the trie of string lists seen: the index of the list that ends here, if any. */
interface ListNode {
  index: number;
  next: Map<string, ListNode> | undefined;
}

/**
 * Index of a joined string list. The engine shares one list object between equal bits of a
 * register, but registers make equal lists of their own (~4 600 lists, ~300 distinct texts):
 * a list is looked up part by part in a trie, so it is joined once per distinct content, not
 * once per list object (joining makes a long string to hash and then to collect).
 */
function joinedIndex(sep: string): { list: TextList; of: (parts: readonly string[]) => number } {
  const list = new TextList();
  list.indexOf('');
  const byList = new Map<readonly string[], number>();
  const root: ListNode = { index: -1, next: undefined };
  return {
    list,
    of(parts) {
      if (parts.length === 0) return 0;
      let i = byList.get(parts);
      if (i !== undefined) return i;
      let node = root;
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k]!;
        let n = node.next?.get(part);
        if (!n) {
          n = { index: -1, next: undefined };
          (node.next ??= new Map()).set(part, n);
        }
        node = n;
      }
      if (node.index < 0) node.index = list.indexOf(parts.join(sep));
      byList.set(parts, (i = node.index));
      return i;
    },
  };
}

/**
 * Writes rows into the columns, one at a time, in display order. Equal bits of a register
 * share their values and reasons objects (the engine makes them once per distinct bit), so
 * those are encoded once per object, not once per row.
 */
class RowTableWriter {
  private n = 0;
  private readonly names = new TextList();
  private readonly gates = joinedIndex(',');
  private readonly reasons = joinedIndex('\n');
  /** Per shared bit facts: decided, flags and reason index (bits share them per register). */
  private readonly encodedFacts = new Map<SharedBitFacts, { readonly decided: number; readonly flags: number; readonly reason: number }>();
  private readonly t;

  constructor(capacity: number) {
    this.t = {
      field: new Uint8Array(capacity),
      leaf: new Uint32Array(capacity),
      subleaf: new Uint32Array(capacity),
      hasSubleaf: new Uint8Array(capacity),
      reg: new Uint8Array(capacity),
      lo: new Uint8Array(capacity),
      hi: new Uint8Array(capacity),
      cls: new Uint8Array(capacity),
      decided: new Uint8Array(capacity),
      flags: new Uint8Array(capacity),
      values: new Float64Array(capacity * LAYER_COUNT),
      name: new Int32Array(capacity),
      gate: new Uint32Array(capacity),
      reason: new Uint32Array(capacity),
    };
  }

  /** Writes what every row has; returns the row's index. */
  private add(leaf: number, subleaf: number | null, reg: Reg, lo: number, hi: number, cls: BitClass, name: string | null, gates: readonly string[]): number {
    const t = this.t;
    const i = this.n++;
    t.leaf[i] = leaf >>> 0;
    t.subleaf[i] = (subleaf ?? 0) >>> 0;
    t.hasSubleaf[i] = subleaf === null ? 0 : 1;
    t.reg[i] = regIndex(reg);
    t.lo[i] = lo;
    t.hi[i] = hi;
    t.cls[i] = CLASS_INDEX.get(cls) ?? 0;
    t.name[i] = name === null ? -1 : this.names.indexOf(name);
    t.gate[i] = this.gates.of(gates);
    return i;
  }

  bit(key: LeafKey, reg: Reg, bit: number, name: string | null, cls: BitClass, gates: readonly string[], facts: SharedBitFacts, guestControlled: boolean): void {
    let f = this.encodedFacts.get(facts);
    if (!f) {
      f = { decided: decidedIndex(facts.decidedBy), flags: facts.disagreement ? FLAG_DISAGREEMENT : 0, reason: this.reasons.of(facts.reasons) };
      this.encodedFacts.set(facts, f);
    }
    const i = this.add(key.leaf, key.subleaf, reg, bit, bit, cls, name, gates);
    const t = this.t;
    t.decided[i] = f.decided;
    t.flags[i] = f.flags | (guestControlled ? FLAG_GUEST_CONTROLLED : 0);
    t.reason[i] = f.reason;
    // Written from the object per row: a small typed array per distinct value set would cost
    // more (each gets its own backing store).
    putValues(t.values, i * LAYER_COUNT, facts.values);
  }

  field(r: FieldRow): void {
    const i = this.add(r.leaf, r.subleaf, r.reg, r.bits[0], r.bits[1], r.class, r.name, r.gates);
    const t = this.t;
    t.field[i] = 1;
    t.decided[i] = decidedIndex(r.decidedBy);
    t.flags[i] = r.disagreement ? FLAG_DISAGREEMENT : 0;
    t.reason[i] = this.reasons.of(r.reasons);
    putValues(t.values, i * LAYER_COUNT, r.values);
  }

  row(r: AnyRow): void {
    if (isField(r)) this.field(r);
    else this.bit(r, r.reg, r.bit, r.name, r.class, r.gates, r, !!r.guestControlled);
  }

  finish(): RowTable {
    const n = this.n;
    const t = this.t;
    // Trimmed copies when fewer rows came than there was room for (each buffer is transferred whole).
    const cut = <A extends Uint8Array | Uint32Array | Int32Array | Float64Array>(a: A, per = 1): A => (a.length === n * per ? a : (a.slice(0, n * per) as A));
    return {
      count: n,
      field: cut(t.field),
      leaf: cut(t.leaf),
      subleaf: cut(t.subleaf),
      hasSubleaf: cut(t.hasSubleaf),
      reg: cut(t.reg),
      lo: cut(t.lo),
      hi: cut(t.hi),
      cls: cut(t.cls),
      decided: cut(t.decided),
      flags: cut(t.flags),
      values: cut(t.values, LAYER_COUNT),
      name: cut(t.name),
      nameText: this.names.texts,
      gate: cut(t.gate),
      gateText: this.gates.list.texts,
      reason: cut(t.reason),
      reasonText: this.reasons.list.texts,
    };
  }
}

/** Rows given as objects (in any order) into columns. */
export function encodeRows(bits: readonly BitRow[], fields: readonly FieldRow[]): RowTable {
  const rows = displayOrder(bits, fields);
  const w = new RowTableWriter(rows.length);
  for (const r of rows) w.row(r);
  return w.finish();
}

/** The engine's rows straight into columns, in display order, without a row object each. */
export function encodeAnalysisRows(state: EngineState): RowTable {
  const w = new RowTableWriter(rowCount(state));
  visitRows(state, w);
  return w.finish();
}

/** A reconciliation whose rows are read (and built) from the reconciliation itself. */
export function toView(rec: Reconciliation): ReconciliationView {
  const { bits, fields, ...rest } = rec;
  // Spread copies enumerable own properties; the engine's lazy row getters are read here once.
  return { ...rest, rows: encodeRows(bits, fields) };
}

/** An engine analysis for the interface: rows written from the engine state (the reconciliation's row getters are never read). */
export function analysisView(a: Analysis): ReconciliationView {
  const rec = a.reconciliation;
  const rest: Partial<Reconciliation> = {};
  for (const k of Object.keys(rec) as (keyof Reconciliation)[]) if (k !== 'bits' && k !== 'fields') (rest as Record<string, unknown>)[k] = rec[k];
  return { ...(rest as Omit<Reconciliation, 'bits' | 'fields'>), rows: encodeAnalysisRows(a.state) };
}

/** The typed arrays' buffers, to transfer instead of copy. */
export function transferables(t: RowTable): ArrayBuffer[] {
  return [t.field, t.leaf, t.subleaf, t.hasSubleaf, t.reg, t.lo, t.hi, t.cls, t.decided, t.flags, t.values, t.name, t.gate, t.reason].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

// ---------------------------------------------------------------------------
// Reading rows back

export function rowReg(t: RowTable, i: number): Reg {
  return REGS[t.reg[i]!]!;
}

export function rowSubleaf(t: RowTable, i: number): number | null {
  return t.hasSubleaf[i] ? t.subleaf[i]! : null;
}

export function rowClass(t: RowTable, i: number): BitClass {
  return BIT_CLASSES[t.cls[i]!]!;
}

export function rowValue(t: RowTable, i: number, layer: number): number | null {
  const v = t.values[i * LAYER_COUNT + layer]!;
  return Number.isNaN(v) ? null : v;
}

export function rowDecidedBy(t: RowTable, i: number): LayerId | 'module' {
  const d = t.decided[i]!;
  return d === DECIDED_BY_MODULE ? 'module' : LAYER_IDS[d]!;
}

export function rowDisagrees(t: RowTable, i: number): boolean {
  return (t.flags[i]! & FLAG_DISAGREEMENT) !== 0;
}

export function rowName(t: RowTable, i: number): string | null {
  const k = t.name[i]!;
  return k < 0 ? null : t.nameText[k]!;
}

export function rowGates(t: RowTable, i: number): string[] {
  const g = t.gateText[t.gate[i]!]!;
  return g ? g.split(',') : [];
}

export function rowReasons(t: RowTable, i: number): string[] {
  const r = t.reasonText[t.reason[i]!]!;
  return r ? r.split('\n') : [];
}

export function rowWidth(t: RowTable, i: number): number {
  return t.hi[i]! - t.lo[i]! + 1;
}

/** One row as the engine gave it (for the inspector and "copy as text"). */
export function rowAt(t: RowTable, i: number): BitRow | FieldRow {
  const values = {} as Record<LayerId, number | null>;
  LAYER_IDS.forEach((l, k) => (values[l] = rowValue(t, i, k)));
  const common = {
    leaf: t.leaf[i]!,
    subleaf: rowSubleaf(t, i),
    reg: rowReg(t, i),
    class: rowClass(t, i),
    gates: rowGates(t, i),
    decidedBy: rowDecidedBy(t, i),
    disagreement: rowDisagrees(t, i),
    reasons: rowReasons(t, i),
  };
  if (t.field[i]) return { ...common, bits: [t.lo[i]!, t.hi[i]!], name: rowName(t, i) ?? '', values };
  return {
    ...common,
    bit: t.lo[i]!,
    name: rowName(t, i),
    values: values as Record<LayerId, 0 | 1 | null>,
    ...(t.flags[i]! & FLAG_GUEST_CONTROLLED ? { guestControlled: true } : {}),
  };
}
