// The one report model (issue 6): built from a reconciliation, a diff of two sources, a
// module-diff or a baseline, and rendered to JSON, Markdown and print HTML. Every report has
// the same parts, so one set of renderers serves all four kinds:
//   title/date -> inputs -> context -> summary -> sections -> register map -> differences -> appendix.
// The model holds only plain data (strings, numbers, arrays): renderers never look back at
// the engine's types, and the JSON renderer is a straight walk over it.

import type { Reg } from '../model/address';
import type { BitClass, Severity } from '../engine/types';

export const REPORT_SCHEMA = 'tdx-cpuid/report/v1';

export type ReportKind = 'reconcile' | 'diff' | 'module-diff' | 'baseline';

/** One input file: what the report's reader needs to find the same bytes again. */
export interface ReportInput {
  readonly path: string;
  readonly sha256: string;
  /** Detected (or forced) format id, e.g. `aida64`. */
  readonly format: string;
  /** The layer it fed (`host`, `td`, ...), `context`, or a comparison side (`a`, `b`, `host 2`). */
  readonly layer: string;
  /** Short description read from the input: CPU brand, CPU count, module version... (verbatim, untrusted). */
  readonly detail: string | null;
}

/** One line of the context table ("TDX module table: 1.5.06, exact"). */
export interface ContextItem {
  /** Stable key for tools (`module`, `kernel`, `cpu`, `attributes`...). */
  readonly key: string;
  readonly label: string;
  readonly value: string;
}

export interface ReportContext {
  readonly items: readonly ContextItem[];
  /** What was assumed because no input said it (tdx-cpuid-model.md 1.1). */
  readonly assumptions: readonly string[];
}

/** A value in a table cell: a bit (0/1), a field value, a class name (module-diff), or unknown. */
export type CellValue = number | string | null;

/** A value column of the bit tables: a layer (reconcile), a side (diff), a host (baseline)... */
export interface ValueColumn {
  readonly key: string;
  /** One or two characters for narrow table headers: `H`, `T`, `A`, `1`. */
  readonly symbol: string;
  readonly title: string;
  /** How the column's values were obtained (`captured`, `predicted`), when that matters. */
  readonly origin: string | null;
}

/** One bit (or multi-bit field) with its values in every column and why it has them. */
export interface ReportRow {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  /** Single bit; null for a field (then `bits` is set). */
  readonly bit: number | null;
  /** Field `[low, high]`, inclusive; null for a single bit. */
  readonly bits: readonly [number, number] | null;
  readonly name: string | null;
  readonly class: BitClass | null;
  readonly gates: readonly string[];
  /** Keyed by `ValueColumn.key`; every column of the table has an entry. */
  readonly values: Readonly<Record<string, CellValue>>;
  /** Layer (or `module`) that decided the result, when the source says. */
  readonly decidedBy: string | null;
  /** Layers that should agree do not (reconcile), or the sides differ (comparisons). */
  readonly disagreement: boolean;
  /** Reason chain, layer by layer, in words. */
  readonly reasons: readonly string[];
}

/** A bit table; its value columns are the report's `columns`. */
export interface ReportTable {
  readonly title: string;
  readonly note: string | null;
  readonly rows: readonly ReportRow[];
}

/**
 * One section: a finding of a reconciliation, or a group of differences of a comparison
 * ("class changed FIXED1 -> NATIVE", "hosts differ in leaf 7").
 */
export interface ReportSection {
  /** Stable anchor within the report: `s1`, `s2`... */
  readonly id: string;
  /** Rule id for findings; null for comparison groups. */
  readonly rule: string | null;
  readonly severity: Severity | null;
  readonly heading: string;
  readonly message: string;
  readonly source: string | null;
  /** Layers compared ("host", "td", "module", ...). */
  readonly layers: readonly string[];
  /** The section's bits, with their values in `columns` and their reason chains. */
  readonly rows: readonly ReportRow[];
  /** Bits a finding names but the bit table does not hold (shown by address only). */
  readonly otherBits: readonly string[];
}

export interface ReportSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  /** Bits and fields looked at. */
  readonly rows: number;
  /** Rows whose values disagree (the differences table). */
  readonly differences: number;
  /** Extra figures per kind, in display order ("Hosts: 3"). */
  readonly extra: readonly ContextItem[];
}

/** One cell of the register map: bit `bit` of one register. */
export interface RegisterCell {
  readonly class: BitClass | null;
  /** Value shown in the cell (TD value for reconcile, new/B value for comparisons). */
  readonly value: 0 | 1 | null;
  /** Disagreement / difference marker. */
  readonly marked: boolean;
  readonly name: string | null;
}

export interface RegisterStrip {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  /** Exactly 32 cells, index = bit number. */
  readonly cells: readonly RegisterCell[];
}

export interface RegisterMap {
  readonly caption: string;
  /** What the digit in a cell means ("predicted TD value"). */
  readonly valueMeaning: string;
  /** What a marked cell means ("layers disagree"). */
  readonly markMeaning: string;
  readonly strips: readonly RegisterStrip[];
}

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly kind: ReportKind;
  readonly title: string;
  /** `YYYY-MM-DD`; fixed by the caller for reproducible output. */
  readonly date: string;
  /** `tdx-cpuid 0.1.0`. */
  readonly generator: string;
  readonly inputs: readonly ReportInput[];
  readonly context: ReportContext;
  readonly summary: ReportSummary;
  /** Columns shared by the sections' rows, the differences table and the appendix. */
  readonly columns: readonly ValueColumn[];
  readonly sections: readonly ReportSection[];
  readonly registerMap: RegisterMap | null;
  readonly differences: ReportTable;
  readonly appendix: ReportTable | null;
}

/** Options every report builder takes. */
export interface ReportOptions {
  readonly title?: string;
  /** `YYYY-MM-DD`; default: today (UTC). */
  readonly date?: string;
  readonly generator?: string;
  /** Include the full bit table as an appendix. */
  readonly appendix?: boolean;
  /** Per input path: a short verbatim description (brand, CPU count) shown in the inputs table. */
  readonly inputDetails?: Readonly<Record<string, string>>;
}
