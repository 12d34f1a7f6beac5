// Two reconciliations side by side (two hosts under one context, one host under two
// module versions): per bit or field, what differs — class, host value, TD value, guest
// value. Rows present on one side only count as differences.

import type { BitRow, FieldRow, Reconciliation } from '../../../shared/engine/types';
import { bitKey, compareBitAddress, formatBit, formatField } from '../../../shared/model/address';
import { fieldKey } from '../grid/model';
import type { CompareAspect, CompareRow, CompareSide } from './types';

type Row = BitRow | FieldRow;

function isField(r: Row): r is FieldRow {
  return 'bits' in r;
}

function keyOf(r: Row): string {
  return isField(r) ? fieldKey(r) : bitKey(r);
}

function side(r: Row | undefined): CompareSide | null {
  if (!r) return null;
  return { class: r.class, host: r.values.host, td: r.values.td, guest: r.values.guest, value: null };
}

function changes(a: CompareSide | null, b: CompareSide | null): CompareAspect[] {
  if (!a || !b) return ['class', 'td'];
  const out: CompareAspect[] = [];
  if (a.class !== b.class) out.push('class');
  if (a.host !== b.host) out.push('host');
  if (a.td !== b.td) out.push('td');
  if (a.guest !== b.guest) out.push('guest');
  return out;
}

export function juxtapose(a: Reconciliation, b: Reconciliation): { rows: CompareRow[]; compared: number } {
  const byKey = new Map<string, { a?: Row; b?: Row }>();
  for (const r of [...a.bits, ...a.fields]) byKey.set(keyOf(r), { a: r });
  for (const r of [...b.bits, ...b.fields]) {
    const k = keyOf(r);
    const e = byKey.get(k);
    if (e) e.b = r;
    else byKey.set(k, { b: r });
  }
  const rows: CompareRow[] = [];
  for (const [key, pair] of byKey) {
    const sa = side(pair.a);
    const sb = side(pair.b);
    const diff = changes(sa, sb);
    if (diff.length === 0) continue;
    const r = (pair.a ?? pair.b)!;
    const bits: readonly [number, number] = isField(r) ? r.bits : [r.bit, r.bit];
    rows.push({
      key,
      leaf: r.leaf,
      subleaf: r.subleaf,
      reg: r.reg,
      bits,
      address: isField(r) ? formatField(r) : formatBit(r),
      name: r.name,
      a: sa,
      b: sb,
      changes: diff,
    });
  }
  rows.sort((x, y) => compareBitAddress({ ...x, bit: x.bits[0] }, { ...y, bit: y.bits[0] }) || x.bits[1] - y.bits[1]);
  return { rows, compared: byKey.size };
}
