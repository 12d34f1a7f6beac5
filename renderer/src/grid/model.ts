// The reconciliation grid as a flat list: a header item per register (leaf / sub-leaf /
// register) followed by its bits and fields in bit order (the row table is already in
// that order). Built once per reconciliation; filtering returns indices into the list,
// so a keystroke costs one pass over plain data.

import { formatLeafKey, hexLeaf, REGS } from '../../../shared/model/address';
import type { Reg } from '../../../shared/model/address';
import { BIT_CLASSES } from '../../../shared/engine/types';
import type { BitClass, Finding } from '../../../shared/engine/types';
import type { ReconciliationView, RowTable } from '../analysis/row-table';
import { FLAG_DISAGREEMENT, LAYER_COUNT, rowName, rowSubleaf } from '../analysis/row-table';

export interface GroupItem {
  readonly kind: 'group';
  readonly key: string;
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  /** `7.0.EBX`, `0x80000008.EAX`. */
  readonly label: string;
  /** Register value on the host (CPU 0) and in the TD, where known. */
  readonly host: number | null;
  readonly td: number | null;
}

export interface RowItem {
  readonly kind: 'bit' | 'field';
  /** `7:0:ebx:16` for a bit, `2147483656:-:eax:0-7` for a field (as workspaces store it). */
  readonly key: string;
  /** Index of this row in the row table. */
  readonly index: number;
  /** Index of this row's group item. */
  readonly group: number;
  readonly address: string;
  /**
   * Lower-case address spellings, each preceded by a space: ` 7.0.ebx[16] 7.0.ebx.16
   * 0x7.0.ebx[16] 0x7.0.ebx.16` (search strips leading zeros from `0x00000007`).
   */
  readonly tokens: string;
  readonly nameLower: string;
  /** Indices into `reconciliation.findings`. */
  readonly findings: readonly number[];
}

/**
 * What a group shares with its rows: labels once per register, and the address spellings
 * the search needs made when first searched (not while the grid first opens).
 */
class GroupText {
  private spelled: readonly string[] | undefined;

  constructor(
    readonly table: RowTable,
    readonly label: string,
    readonly keyPrefix: string,
    private readonly leaf: number,
    private readonly subleaf: number | null,
    private readonly reg: Reg,
  ) {}

  get spellings(): readonly string[] {
    return (this.spelled ??= registerSpellings(this.leaf, this.subleaf, this.reg));
  }
}

/** A row's strings, made when first read (all four fields from the start: one object shape). */
interface RowStrings {
  key: string | undefined;
  address: string | undefined;
  tokens: string | undefined;
  name: string | undefined;
}

/**
 * A row of the grid. Its strings (key, address, search tokens) are made when first read:
 * opening a reconciliation creates ~14 000 of these, and most are never shown or searched,
 * so a row holds only its place (the table is reached through its group's text).
 */
class GridRow implements RowItem {
  private strings: RowStrings | undefined = undefined;

  constructor(
    private readonly text: GroupText,
    readonly kind: 'bit' | 'field',
    readonly index: number,
    readonly group: number,
    readonly findings: readonly number[],
  ) {}

  private made(): RowStrings {
    return (this.strings ??= { key: undefined, address: undefined, tokens: undefined, name: undefined });
  }

  private span(): string {
    const t = this.text.table;
    const lo = t.lo[this.index]!;
    const hi = t.hi[this.index]!;
    return this.kind === 'bit' ? String(lo) : hi === lo ? String(lo) : `${hi}:${lo}`;
  }

  get key(): string {
    const s = this.made();
    if (s.key === undefined) {
      const t = this.text.table;
      const lo = t.lo[this.index]!;
      s.key = this.kind === 'bit' ? `${this.text.keyPrefix}${lo}` : `${this.text.keyPrefix}${lo}-${t.hi[this.index]!}`;
    }
    return s.key;
  }

  get address(): string {
    const s = this.made();
    return (s.address ??= `${this.text.label}[${this.span()}]`);
  }

  get tokens(): string {
    const s = this.made();
    if (s.tokens === undefined) {
      const span = this.span();
      let out = '';
      for (const base of this.text.spellings) out += ` ${base}[${span}] ${base}.${span}`;
      s.tokens = out;
    }
    return s.tokens;
  }

  get nameLower(): string {
    const s = this.made();
    return (s.name ??= (rowName(this.text.table, this.index) ?? '').toLowerCase());
  }
}

export type GridItem = GroupItem | RowItem;

export interface LeafOption {
  readonly key: string;
  readonly label: string;
}

export interface GridModel {
  readonly table: RowTable;
  readonly items: readonly GridItem[];
  /** Row key → item index (built when first used). */
  readonly byKey: ReadonlyMap<string, number>;
  readonly leaves: readonly LeafOption[];
  readonly classes: readonly BitClass[];
  readonly rowCount: number;
  /** Rows whose layers disagree, and rows some finding names (the toolbar's counts). */
  readonly differences: number;
  readonly withFindings: number;
}

export const EMPTY_TABLE: RowTable = {
  count: 0,
  field: new Uint8Array(0),
  leaf: new Uint32Array(0),
  subleaf: new Uint32Array(0),
  hasSubleaf: new Uint8Array(0),
  reg: new Uint8Array(0),
  lo: new Uint8Array(0),
  hi: new Uint8Array(0),
  cls: new Uint8Array(0),
  decided: new Uint8Array(0),
  flags: new Uint8Array(0),
  values: new Float64Array(0),
  name: new Int32Array(0),
  nameText: [],
  gate: new Uint32Array(0),
  gateText: [''],
  reason: new Uint32Array(0),
  reasonText: [''],
};

export const EMPTY_MODEL: GridModel = { table: EMPTY_TABLE, items: [], byKey: new Map(), leaves: [], classes: [], rowCount: 0, differences: 0, withFindings: 0 };

function lazyKeyIndex(items: readonly GridItem[]): () => ReadonlyMap<string, number> {
  let map: Map<string, number> | undefined;
  return () => {
    if (!map) {
      map = new Map();
      items.forEach((it, i) => {
        if (it.kind !== 'group') map!.set(it.key, i);
      });
    }
    return map;
  };
}

export function bitKeyOf(leaf: number, subleaf: number | null, reg: Reg, bit: number): string {
  return `${leaf}:${subleaf ?? '-'}:${reg}:${bit}`;
}

export function fieldKey(f: { leaf: number; subleaf: number | null; reg: Reg; bits: readonly [number, number] }): string {
  return `${f.leaf}:${f.subleaf ?? '-'}:${f.reg}:${f.bits[0]}-${f.bits[1]}`;
}

export function leafOptionKey(leaf: number, subleaf: number | null): string {
  return `${leaf}:${subleaf ?? '-'}`;
}

/** `7.0`, `0x80000008`, `0xD.1`: the model document's notation. */
export function leafLabel(leaf: number, subleaf: number | null): string {
  return formatLeafKey({ leaf, subleaf });
}

/** Address spellings of one register, computed once per group: `7.0.ebx`, `0x7.0.ebx`. */
function registerSpellings(leaf: number, subleaf: number | null, reg: Reg): readonly string[] {
  const canonical = `${leafLabel(leaf, subleaf).toLowerCase()}.${reg}`;
  const hexShort = `${hexLeaf(leaf)}${subleaf === null ? '' : `.${subleaf}`}.${reg}`;
  return canonical === hexShort ? [canonical] : [canonical, hexShort];
}

/** Which findings name which bit: bit key → finding indices. */
export function findingsByBit(findings: readonly Finding[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  findings.forEach((f, i) => {
    for (const b of f.bits) {
      const k = bitKeyOf(b.leaf, b.subleaf, b.reg, b.bit);
      const list = map.get(k);
      if (list) {
        if (list[list.length - 1] !== i) list.push(i);
      } else map.set(k, [i]);
    }
  });
  return map;
}

const NONE: readonly number[] = [];

/**
 * Makes the search strings of every row ahead of the first search, in slices between other
 * work (idle time), so the first keystroke does not pay for 14 000 rows at once.
 */
export function prepareSearch(model: GridModel, schedule: (work: () => void) => void, slice = 2000): void {
  let i = 0;
  const step = (): void => {
    const end = Math.min(model.items.length, i + slice);
    for (; i < end; i++) {
      const it = model.items[i]!;
      if (it.kind !== 'group') void (it.tokens.length + it.nameLower.length);
    }
    if (i < model.items.length) schedule(step);
  };
  schedule(step);
}

export function buildGridModel(rec: ReconciliationView): GridModel {
  const t = rec.rows;
  const byBit = findingsByBit(rec.findings);
  // Registers some finding names: only their rows need a key lookup.
  const flagged = new Set(rec.findings.flatMap((f) => f.bits.map((b) => `${leafOptionKey(b.leaf, b.subleaf)}:${b.reg}:`)));
  let groupFlagged = false;
  const tdByLeaf = new Map<string, readonly [number, number, number, number]>();
  for (const e of rec.predicted.td) tdByLeaf.set(leafOptionKey(e.leaf, e.subleaf), [e.eax, e.ebx, e.ecx, e.edx]);

  const items: GridItem[] = [];
  const leaves: LeafOption[] = [];
  const classSeen = new Uint8Array(BIT_CLASSES.length);
  let group = -1;
  let lastLeaf = -1;
  let lastSub = -2;
  let lastReg = -1;
  let hostAcc = 0;
  let hostKnown = false;
  let text = new GroupText(t, '', '', 0, null, 'eax');
  let leafKey = '';
  let leafText = '';
  let differences = 0;
  let withFindings = 0;

  const closeGroup = (): void => {
    if (group < 0) return;
    const g = items[group] as GroupItem;
    items[group] = { ...g, host: hostKnown ? hostAcc >>> 0 : null };
  };

  for (let i = 0; i < t.count; i++) {
    const leaf = t.leaf[i]!;
    const subleaf = rowSubleaf(t, i);
    const sub = subleaf ?? -1;
    const regIdx = t.reg[i]!;
    if (leaf !== lastLeaf || sub !== lastSub || regIdx !== lastReg) {
      closeGroup();
      const newLeaf = leaf !== lastLeaf || sub !== lastSub;
      const reg = REGS[regIdx]!;
      lastLeaf = leaf;
      lastSub = sub;
      lastReg = regIdx;
      hostAcc = 0;
      hostKnown = false;
      if (newLeaf) {
        leafKey = leafOptionKey(leaf, subleaf);
        leafText = leafLabel(leaf, subleaf);
        leaves.push({ key: leafKey, label: leafText });
      }
      const td = tdByLeaf.get(leafKey);
      const label = `${leafText}.${reg.toUpperCase()}`;
      text = new GroupText(t, label, `${leafKey}:${reg}:`, leaf, subleaf, reg);
      groupFlagged = flagged.has(text.keyPrefix);
      group = items.length;
      items.push({ kind: 'group', key: `g:${leafKey}:${reg}`, leaf, subleaf, reg, label, host: null, td: td ? td[regIdx]! >>> 0 : null });
    }
    classSeen[t.cls[i]!] = 1;
    const lo = t.lo[i]!;
    const h = t.values[i * LAYER_COUNT]!; // layer 0 = host
    if (!Number.isNaN(h)) {
      hostKnown = true;
      hostAcc |= (h << lo) >>> 0;
    }
    if (t.flags[i]! & FLAG_DISAGREEMENT) differences++;
    if (!groupFlagged) {
      items.push(new GridRow(text, t.field[i] ? 'field' : 'bit', i, group, NONE));
      continue;
    }
    let findings: readonly number[];
    if (t.field[i]) {
      const set = new Set<number>();
      for (let b = lo; b <= t.hi[i]!; b++) for (const f of byBit.get(bitKeyOf(leaf, subleaf, REGS[regIdx]!, b)) ?? []) set.add(f);
      findings = set.size ? [...set].sort((a, b) => a - b) : NONE;
    } else {
      findings = byBit.get(bitKeyOf(leaf, subleaf, REGS[regIdx]!, lo)) ?? NONE;
    }
    if (findings.length) withFindings++;
    items.push(new GridRow(text, t.field[i] ? 'field' : 'bit', i, group, findings));
  }
  closeGroup();
  const keyIndex = lazyKeyIndex(items);
  return {
    table: t,
    items,
    get byKey() {
      return keyIndex();
    },
    leaves,
    classes: BIT_CLASSES.filter((_, i) => classSeen[i]),
    rowCount: t.count,
    differences,
    withFindings,
  };
}
