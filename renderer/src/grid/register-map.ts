// The register map's data: one 32-cell strip per register of the grid model. A cell
// takes its single bit's row, or else the field covering it.

import type { BitClass } from '../../../shared/engine/types';
import type { GridModel, RowItem } from './model';

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

function cellTitle(item: RowItem, td: string): string {
  return `${item.address}${item.row.name ? ` ${item.row.name}` : ''} · ${item.row.class} · TD ${td}${item.row.disagreement ? ' · layers disagree' : ''}`;
}

export function buildRegisterMap(model: GridModel): MapStrip[] {
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
      if (it.kind === 'bit') byBit[it.row.bit] = it;
      else for (let b = it.row.bits[0]; b <= it.row.bits[1] && b < 32; b++) fieldOf[b] ??= it;
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
      let field: MapCell['field'] = null;
      if (!bitItem && item.kind === 'field') {
        const [lo, hi] = item.row.bits;
        field = lo === hi ? 'single' : bit === hi ? 'start' : bit === lo ? 'end' : 'middle';
      }
      const td = item.kind === 'bit' ? item.row.values.td : null;
      if (item.row.disagreement) disagreements++;
      cells.push({
        bit,
        key: item.key,
        class: item.row.class,
        td,
        disagreement: item.row.disagreement,
        findings: item.findings.length,
        field,
        title: cellTitle(item, item.kind === 'bit' ? (td === null ? '–' : String(td)) : `0x${(item.row.values.td ?? 0).toString(16)}`),
      });
    }
    strips.push({ key: g.key, label: g.label, cells, disagreements });
  }
  return strips;
}
