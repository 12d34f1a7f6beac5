// The reconciliation grid as a flat list: a header item per register (leaf / sub-leaf /
// register) followed by its bits and fields in bit order. Built once per reconciliation;
// filtering returns indices into the list, so a keystroke costs one pass over plain data.

import { bitKey, formatBit, hexLeaf, regIndex, subleafCode } from '../../../shared/model/address';
import type { Reg } from '../../../shared/model/address';
import type { BitClass, BitRow, FieldRow, Finding, Reconciliation } from '../../../shared/engine/types';

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

interface RowItemBase {
  readonly key: string;
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

export interface BitItem extends RowItemBase {
  readonly kind: 'bit';
  readonly row: BitRow;
}

export interface FieldItem extends RowItemBase {
  readonly kind: 'field';
  readonly row: FieldRow;
}

export type RowItem = BitItem | FieldItem;
export type GridItem = GroupItem | RowItem;

export interface LeafOption {
  readonly key: string;
  readonly label: string;
}

export interface GridModel {
  readonly items: readonly GridItem[];
  readonly byKey: ReadonlyMap<string, number>;
  readonly leaves: readonly LeafOption[];
  readonly classes: readonly BitClass[];
  readonly rowCount: number;
}

export function fieldKey(f: { leaf: number; subleaf: number | null; reg: Reg; bits: readonly [number, number] }): string {
  return `${f.leaf}:${f.subleaf ?? '-'}:${f.reg}:${f.bits[0]}-${f.bits[1]}`;
}

export function registerKey(r: { leaf: number; subleaf: number | null; reg: Reg }): string {
  return `${r.leaf}:${r.subleaf ?? '-'}:${r.reg}`;
}

export function leafOptionKey(leaf: number, subleaf: number | null): string {
  return `${leaf}:${subleaf ?? '-'}`;
}

/** `7.0`, `0x80000008`, `0xd.1`: the model document's notation. */
export function leafLabel(leaf: number, subleaf: number | null): string {
  return formatBit({ leaf, subleaf, reg: 'eax', bit: 0 }).replace(/\.EAX\[0\]$/, '');
}

/** Address spellings of one register, computed once per group: `7.0.ebx`, `0x7.0.ebx`. */
function registerSpellings(leaf: number, subleaf: number | null, reg: Reg): readonly string[] {
  const canonical = `${leafLabel(leaf, subleaf).toLowerCase()}.${reg}`;
  const hexShort = `${hexLeaf(leaf)}${subleaf === null ? '' : `.${subleaf}`}.${reg}`;
  return canonical === hexShort ? [canonical] : [canonical, hexShort];
}

function addressTokens(spellings: readonly string[], bitText: string, dotted: string): string {
  let out = '';
  for (const base of spellings) out += ` ${base}${bitText} ${base}.${dotted}`;
  return out;
}

/** Which findings name which bit: bit key → finding indices. */
export function findingsByBit(findings: readonly Finding[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  findings.forEach((f, i) => {
    for (const b of f.bits) {
      const k = bitKey(b);
      const list = map.get(k);
      if (list) {
        if (list[list.length - 1] !== i) list.push(i);
      } else map.set(k, [i]);
    }
  });
  return map;
}

type Pending = { kind: 'bit'; row: BitRow; low: number } | { kind: 'field'; row: FieldRow; low: number };

export function buildGridModel(rec: Reconciliation): GridModel {
  const byBit = findingsByBit(rec.findings);
  const pending: Pending[] = [];
  for (const row of rec.bits) pending.push({ kind: 'bit', row, low: row.bit });
  for (const row of rec.fields) pending.push({ kind: 'field', row, low: row.bits[0] });
  pending.sort(
    (a, b) =>
      a.row.leaf - b.row.leaf ||
      subleafCode(a.row.subleaf) - subleafCode(b.row.subleaf) ||
      regIndex(a.row.reg) - regIndex(b.row.reg) ||
      a.low - b.low ||
      (a.kind === 'bit' ? 0 : 1) - (b.kind === 'bit' ? 0 : 1),
  );

  const tdByLeaf = new Map<string, readonly [number, number, number, number]>();
  for (const e of rec.predicted.td) tdByLeaf.set(leafOptionKey(e.leaf, e.subleaf), [e.eax, e.ebx, e.ecx, e.edx]);

  const items: GridItem[] = [];
  const byKey = new Map<string, number>();
  const leaves: LeafOption[] = [];
  const classes = new Set<BitClass>();
  let group = -1;
  let groupKey = '';
  let hostAcc = 0;
  let hostKnown = false;
  let rowCount = 0;
  let spellings: readonly string[] = [];
  let groupLabel = '';

  const closeGroup = (): void => {
    if (group < 0) return;
    const g = items[group] as GroupItem;
    items[group] = { ...g, host: hostKnown ? hostAcc >>> 0 : null };
  };

  for (const p of pending) {
    const { leaf, subleaf, reg } = p.row;
    const rk = registerKey(p.row);
    if (rk !== groupKey) {
      closeGroup();
      groupKey = rk;
      hostAcc = 0;
      hostKnown = false;
      const lk = leafOptionKey(leaf, subleaf);
      if (leaves.length === 0 || leaves[leaves.length - 1]!.key !== lk) leaves.push({ key: lk, label: leafLabel(leaf, subleaf) });
      const td = tdByLeaf.get(lk);
      spellings = registerSpellings(leaf, subleaf, reg);
      groupLabel = `${leafLabel(leaf, subleaf)}.${reg.toUpperCase()}`;
      group = items.length;
      items.push({
        kind: 'group',
        key: `g:${rk}`,
        leaf,
        subleaf,
        reg,
        label: groupLabel,
        host: null,
        td: td ? td[regIndex(reg)]! >>> 0 : null,
      });
    }
    classes.add(p.row.class);
    rowCount++;
    if (p.kind === 'bit') {
      const row = p.row;
      const key = bitKey(row);
      const h = row.values.host;
      if (h !== null) {
        hostKnown = true;
        if (h === 1) hostAcc |= 1 << row.bit;
      }
      byKey.set(key, items.length);
      items.push({
        kind: 'bit',
        key,
        group,
        row,
        address: `${groupLabel}[${row.bit}]`,
        tokens: addressTokens(spellings, `[${row.bit}]`, String(row.bit)),
        nameLower: (row.name ?? '').toLowerCase(),
        findings: byBit.get(key) ?? [],
      });
    } else {
      const row = p.row;
      const [lo, hi] = row.bits;
      const key = fieldKey(row);
      const h = row.values.host;
      if (h !== null) {
        hostKnown = true;
        hostAcc |= (h << lo) >>> 0;
      }
      const findings = new Set<number>();
      for (let b = lo; b <= hi; b++) for (const i of byBit.get(bitKey({ leaf, subleaf, reg, bit: b })) ?? []) findings.add(i);
      byKey.set(key, items.length);
      items.push({
        kind: 'field',
        key,
        group,
        row,
        address: `${groupLabel}[${hi === lo ? lo : `${hi}:${lo}`}]`,
        tokens: addressTokens(spellings, `[${hi === lo ? lo : `${hi}:${lo}`}]`, hi === lo ? String(lo) : `${hi}:${lo}`),
        nameLower: row.name.toLowerCase(),
        findings: [...findings].sort((a, b) => a - b),
      });
    }
  }
  closeGroup();
  return { items, byKey, leaves, classes: [...classes], rowCount };
}
