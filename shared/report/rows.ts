// Building blocks every report builder uses: ordering rows, counting, the register map
// made from rows, and the common header (title, date, generator).

import { regIndex, subleafCode } from '../model/address';
import type { BitClass, Severity } from '../engine/types';
import type { RegisterCell, RegisterMap, RegisterStrip, ReportOptions, ReportRow, ReportSection } from './model';
import { isReportDate, todayUtc } from './text';

export const DEFAULT_GENERATOR = 'tdx-cpuid';

/** Low bit of a row (a bit's position, or a field's low end). */
export function rowLow(row: ReportRow): number {
  return row.bits !== null ? row.bits[0] : (row.bit ?? 0);
}

/** Leaf, sub-leaf, register, low bit; a field after the single bits it starts at. */
export function compareRows(a: ReportRow, b: ReportRow): number {
  return (
    a.leaf - b.leaf ||
    subleafCode(a.subleaf) - subleafCode(b.subleaf) ||
    regIndex(a.reg) - regIndex(b.reg) ||
    rowLow(a) - rowLow(b) ||
    (a.bits === null ? 0 : 1) - (b.bits === null ? 0 : 1) ||
    (a.bits?.[1] ?? 0) - (b.bits?.[1] ?? 0)
  );
}

export function sortRows(rows: readonly ReportRow[]): ReportRow[] {
  return [...rows].sort(compareRows);
}

export function countSeverities(sections: readonly ReportSection[]): { errors: number; warnings: number; infos: number } {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const s of sections) if (s.severity !== null) n[s.severity]++;
  return { errors: n.error, warnings: n.warning, infos: n.info };
}

/** The date a report carries: the caller's fixed date (validated) or today. */
export function reportDate(opts: ReportOptions): string {
  if (opts.date === undefined) return todayUtc();
  if (!isReportDate(opts.date)) throw new RangeError(`report date "${opts.date}": expected YYYY-MM-DD`);
  return opts.date;
}

function stripKey(leaf: number, subleaf: number | null, reg: string): string {
  return `${leaf}:${subleaf ?? '-'}:${reg}`;
}

const EMPTY_CELL: RegisterCell = { class: null, value: null, marked: false, name: null };

/**
 * One 32-cell strip per register that any row touches. `valueOf` picks the value shown in a
 * cell (only 0/1 of single bits are shown); fields colour all their cells and mark them all.
 * Single bits win over a field covering the same cell.
 */
export function registerMapFromRows(
  rows: readonly ReportRow[],
  valueOf: (row: ReportRow) => 0 | 1 | null,
  classOf: (row: ReportRow) => BitClass | null,
  text: { readonly caption: string; readonly valueMeaning: string; readonly markMeaning: string },
): RegisterMap {
  const strips = new Map<string, { leaf: number; subleaf: number | null; reg: ReportRow['reg']; cells: RegisterCell[] }>();
  const ordered = sortRows(rows);
  // Fields first, so single bits overwrite them.
  for (const pass of ['field', 'bit'] as const) {
    for (const row of ordered) {
      if ((row.bits !== null) !== (pass === 'field')) continue;
      const key = stripKey(row.leaf, row.subleaf, row.reg);
      let strip = strips.get(key);
      if (!strip) {
        strip = { leaf: row.leaf, subleaf: row.subleaf, reg: row.reg, cells: Array.from({ length: 32 }, () => EMPTY_CELL) };
        strips.set(key, strip);
      }
      const [lo, hi] = row.bits ?? [row.bit ?? 0, row.bit ?? 0];
      for (let b = Math.max(0, lo); b <= Math.min(31, hi); b++) {
        strip.cells[b] = {
          class: classOf(row),
          value: row.bits === null ? valueOf(row) : null,
          marked: row.disagreement,
          name: row.name,
        };
      }
    }
  }
  const list: RegisterStrip[] = [...strips.values()].sort(
    (a, b) => a.leaf - b.leaf || subleafCode(a.subleaf) - subleafCode(b.subleaf) || regIndex(a.reg) - regIndex(b.reg),
  );
  return { ...text, strips: list };
}

/** A 0/1 cell value from a table value (anything else is not shown in the map). */
export function bitValue(v: unknown): 0 | 1 | null {
  return v === 0 || v === 1 ? v : null;
}

/**
 * Rows with the same reason chain, in first-seen order: a section prints each chain once with
 * all the bits it explains ("6.EAX[0] dtherm, 6.EAX[1] ida: host 1 -> fixed0 -> TD 0").
 */
export function chainGroups(rows: readonly ReportRow[]): { readonly rows: ReportRow[]; readonly reasons: readonly string[] }[] {
  const groups = new Map<string, { rows: ReportRow[]; reasons: readonly string[] }>();
  for (const r of rows) {
    if (r.reasons.length === 0) continue;
    const key = r.reasons.join('\u0000');
    const g = groups.get(key);
    if (g) g.rows.push(r);
    else groups.set(key, { rows: [r], reasons: r.reasons });
  }
  return [...groups.values()];
}
