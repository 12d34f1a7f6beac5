// What one data row of the grid shows, computed once per row and reconciliation.

import type { BitClass, Finding, Severity } from '../../../shared/engine/types';
import { LAYER_IDS, LAYER_SYMBOL, LAYER_TITLE } from '../../../shared/model/layers';
import { rowClass, rowDecidedBy, rowDisagrees, rowName, rowValue, rowWidth } from '../analysis/row-table';
import type { RowTable } from '../analysis/row-table';
import { CLASS_INFO } from '../util/classes';
import { formatValue } from '../util/format';
import { worstSeverity } from '../util/layers';
import type { RowItem } from './model';

const TD = LAYER_IDS.indexOf('td');
const GUEST = LAYER_IDS.indexOf('guest');

export interface LayerCell {
  readonly text: string;
  /** The cell's marks as a class string (`decided predicted`): the row template binds it as is. */
  readonly cls: string;
  readonly title: string | undefined;
}

/** Class names of the marks that are set, in a fixed order. */
function markClasses(decided: boolean, differs: boolean, none: boolean, predicted: boolean, long: boolean): string {
  let s = decided ? 'decided' : '';
  if (differs) s += s ? ' differs' : 'differs';
  if (none) s += s ? ' none' : 'none';
  if (predicted) s += s ? ' predicted' : 'predicted';
  if (long) s += s ? ' long' : 'long';
  return s;
}

export interface RowCells {
  readonly address: string;
  readonly name: string | null;
  readonly disagree: boolean;
  readonly field: boolean;
  readonly tag: string;
  readonly cls: BitClass;
  readonly layers: readonly LayerCell[];
  readonly td: string;
  readonly decided: string;
  readonly decidedTitle: string;
  readonly guest: string;
  readonly findings: number;
  readonly severity: Severity | null;
}

/** The cells of one data row, read from the row table's columns. */
export function rowCells(t: RowTable, item: RowItem, findings: readonly Finding[], predictedLayers: readonly boolean[]): RowCells {
  const r = item.index;
  const width = rowWidth(t, r);
  const disagree = rowDisagrees(t, r);
  const decidedBy = rowDecidedBy(t, r);
  const td = rowValue(t, r, TD);
  const cls = rowClass(t, r);
  return {
    address: item.address,
    name: rowName(t, r),
    disagree,
    field: item.kind === 'field',
    tag: CLASS_INFO[cls].tag,
    cls,
    layers: LAYER_IDS.map((l, k) => {
      const v = rowValue(t, r, k);
      const text = formatValue(v, width);
      return {
        text,
        title: width > 1 && v !== null ? `${LAYER_SYMBOL[l]}: 0x${v.toString(16)} (${v})` : undefined,
        cls: markClasses(decidedBy === l, disagree && v !== null && td !== null && k !== TD && v !== td, v === null, predictedLayers[k]!, text.length > 5),
      };
    }),
    td: formatValue(td, width),
    decided: decidedBy === 'module' ? 'M' : LAYER_SYMBOL[decidedBy],
    decidedTitle: `decided by ${decidedBy === 'module' ? 'the TDX module' : LAYER_TITLE[decidedBy]}`,
    guest: formatValue(rowValue(t, r, GUEST), width),
    findings: item.findings.length,
    severity: worstSeverity(item.findings.map((i) => findings[i]?.severity)),
  };
}

