// Filters of the reconciliation grid. Text search takes names (`avx512`, substring) and
// addresses the ways engineers write them (`7.0.ebx`, `7.0.EBX[16]`, `0x80000008`,
// `1.ecx.3`): an address term must match the start of an address, so `7.0.ebx` does not
// also find `0x17.0.EBX`. Several words must all match.

import type { BitClass } from '../../../shared/engine/types';
import { BIT_CLASSES } from '../../../shared/engine/types';
import { FLAG_DISAGREEMENT } from '../analysis/row-table';
import type { RowTable } from '../analysis/row-table';
import type { GridModel, RowItem } from './model';
import { leafOptionKey } from './model';

export interface GridFilters {
  readonly differencesOnly: boolean;
  readonly findingsOnly: boolean;
  /** A class, or '' for all. */
  readonly bitClass: BitClass | '';
  /** A leaf option key (`7:0`), or '' for all. */
  readonly leaf: string;
  readonly text: string;
  /** Only the bits of this finding (index into the findings), or null. */
  readonly finding: number | null;
}

export const NO_FILTERS: GridFilters = {
  differencesOnly: false,
  findingsOnly: false,
  bitClass: '',
  leaf: '',
  text: '',
  finding: null,
};

export function filtersActive(f: GridFilters): boolean {
  return f.differencesOnly || f.findingsOnly || f.bitClass !== '' || f.leaf !== '' || f.text.trim() !== '' || f.finding !== null;
}

interface Term {
  readonly text: string;
  readonly addressOnly: boolean;
}

/** A term as the row loop uses it: ` 7.0.ebx` to find at the start of an address token. */
interface Needle extends Term {
  readonly atTokenStart: string;
}

const CLASS_LOWER: readonly string[] = BIT_CLASSES.map((c) => c.toLowerCase());

/** Splits the search text into lower-case terms; address-looking terms match addresses only. */
export function parseSearch(text: string): Term[] {
  return text
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((t) => t.length > 0)
    .map((t) => {
      // An address starts with a digit or `0x` (`7.0.ebx`, `0x80000008`, `1.ecx[3]`,
      // `80000008h`); a name does not (`avx512f`, `f16c`).
      const address = /^(0x[0-9a-f]*|[0-9][0-9a-f]*h?)(\.|\[|$)/.test(t);
      if (!address) return { text: t, addressOnly: false };
      const leaf = t.replace(/^([0-9a-f]+)h(?=\.|\[|$)/, '0x$1');
      // `0x00000007` and `0x7` are the same leaf: the tokens carry both spellings.
      return { text: leaf.replace(/^0x0+(?=[0-9a-f])/, '0x'), addressOnly: true };
    });
}

function rowMatches(t: RowTable, item: RowItem, terms: readonly Needle[]): boolean {
  for (const term of terms) {
    if (item.tokens.includes(term.atTokenStart)) continue;
    if (term.addressOnly) return false;
    if (item.nameLower.includes(term.text)) continue;
    if (CLASS_LOWER[t.cls[item.index]!] === term.text) continue;
    return false;
  }
  return true;
}

export interface FilteredGrid {
  /** Indices into `model.items`: each visible row, preceded by its group header. */
  readonly indices: readonly number[];
  /** Visible rows (without group headers). */
  readonly rows: number;
}

export function filterGrid(model: GridModel, filters: GridFilters): FilteredGrid {
  // No filter: every item in order (each group has rows). The grid's first view of a
  // reconciliation takes this path.
  if (!filtersActive(filters)) return { indices: Array.from({ length: model.items.length }, (_, i) => i), rows: model.rowCount };
  const terms: Needle[] = parseSearch(filters.text).map((term) => ({ ...term, atTokenStart: ` ${term.text}` }));
  const indices: number[] = [];
  let rows = 0;
  let lastGroup = -1;
  const { items, table: t } = model;
  const cls = filters.bitClass ? BIT_CLASSES.indexOf(filters.bitClass) : -1;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind === 'group') continue;
    const r = item.index;
    if (filters.differencesOnly && !(t.flags[r]! & FLAG_DISAGREEMENT)) continue;
    if (filters.findingsOnly && item.findings.length === 0) continue;
    if (filters.finding !== null && !item.findings.includes(filters.finding)) continue;
    if (cls >= 0 && t.cls[r] !== cls) continue;
    if (filters.leaf && leafOptionKey(t.leaf[r]!, t.hasSubleaf[r] ? t.subleaf[r]! : null) !== filters.leaf) continue;
    if (terms.length > 0 && !rowMatches(t, item, terms)) continue;
    if (item.group !== lastGroup) {
      indices.push(item.group);
      lastGroup = item.group;
    }
    indices.push(i);
    rows++;
  }
  return { indices, rows };
}
