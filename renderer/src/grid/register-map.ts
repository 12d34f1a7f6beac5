// The register map's data: one 32-cell strip per register of the grid model. A cell
// takes its single bit's row, or else the field covering it.

import type { BitClass } from '../../../shared/engine/types';
import { LAYER_IDS } from '../../../shared/model/layers';
import { rowClass, rowDisagrees, rowName, rowValue } from '../analysis/row-table';
import type { GridModel, RowItem } from './model';

const TD = LAYER_IDS.indexOf('td');

export interface MapCell {
  readonly bit: number;
  /** Grid key of the row the cell shows, or null for a bit no row describes. */
  readonly key: string | null;
  readonly class: BitClass | null;
  /** TD value of a single bit; null for fields and unknown values. */
  readonly td: 0 | 1 | null;
  readonly disagreement: boolean;
  readonly findings: number;
  /** Part of a multi-bit field (drawn joined to its neighbours). */
  readonly field: 'start' | 'middle' | 'end' | 'single' | null;
  readonly title: string;
}

export interface MapStrip {
  readonly key: string;
  readonly label: string;
  /** Cells from bit 31 (left) to bit 0 (right), as registers are drawn. */
  readonly cells: readonly MapCell[];
  readonly disagreements: number;
}

export function buildRegisterMap(model: GridModel): MapStrip[] {
  const t = model.table;
  const strips: MapStrip[] = [];
  const { items } = model;
  let i = 0;
  while (i < items.length) {
    const g = items[i]!;
    i++;
    if (g.kind !== 'group') continue;
    const byBit: (RowItem | null)[] = new Array<RowItem | null>(32).fill(null);
    const fieldOf: (RowItem | null)[] = new Array<RowItem | null>(32).fill(null);
    while (i < items.length && items[i]!.kind !== 'group') {
      const it = items[i] as RowItem;
      const lo = t.lo[it.index]!;
      if (it.kind === 'bit') byBit[lo] = it;
      else for (let b = lo; b <= t.hi[it.index]! && b < 32; b++) fieldOf[b] ??= it;
      i++;
    }
    const cells: MapCell[] = [];
    let disagreements = 0;
    for (let bit = 31; bit >= 0; bit--) {
      const bitItem = byBit[bit];
      const item = bitItem ?? fieldOf[bit];
      if (!item) {
        cells.push({ bit, key: null, class: null, td: null, disagreement: false, findings: 0, field: null, title: `${g.label}[${bit}] · not described` });
        continue;
      }
      const r = item.index;
      let field: MapCell['field'] = null;
      if (!bitItem) {
        const lo = t.lo[r]!;
        const hi = t.hi[r]!;
        field = lo === hi ? 'single' : bit === hi ? 'start' : bit === lo ? 'end' : 'middle';
      }
      const v = rowValue(t, r, TD);
      const td = item.kind === 'bit' ? (v as 0 | 1 | null) : null;
      const disagreement = rowDisagrees(t, r);
      if (disagreement) disagreements++;
      const cls = rowClass(t, r);
      const name = rowName(t, r);
      const shown = item.kind === 'bit' ? (td === null ? '–' : String(td)) : v === null ? '–' : `0x${v.toString(16)}`;
      cells.push({
        bit,
        key: item.key,
        class: cls,
        td,
        disagreement,
        findings: item.findings.length,
        field,
        title: `${item.address}${name ? ` ${name}` : ''} · ${cls} · TD ${shown}${disagreement ? ' · layers disagree' : ''}`,
      });
    }
    strips.push({ key: g.key, label: g.label, cells, disagreements });
  }
  return strips;
}
