// Small formatting helpers shared by the report builders and renderers: addresses, cell
// values, class labels, dates and 64-bit masks. Pure and deterministic.

import { formatBit, formatField, hexLeaf } from '../model/address';
import type { BitClass } from '../engine/types';
import type { CellValue, ReportKind, ReportRow } from './model';

export const KIND_LABEL: Readonly<Record<ReportKind, string>> = {
  reconcile: 'Reconciliation',
  diff: 'Comparison of two sources',
  'module-diff': 'Comparison of two TDX module versions',
  baseline: 'Baseline of several hosts',
};

/** `7.0.EBX[16]` or `0x80000008.EAX[7:0]`. */
export function rowAddress(row: ReportRow): string {
  if (row.bits !== null) return formatField({ leaf: row.leaf, subleaf: row.subleaf, reg: row.reg, bits: row.bits });
  return formatBit({ leaf: row.leaf, subleaf: row.subleaf, reg: row.reg, bit: row.bit ?? 0 });
}

/** Register label for the map: `7.0 EBX`, `0x80000008 EAX`. */
export function registerLabel(leaf: number, subleaf: number | null, reg: string): string {
  const l = leaf < 10 ? String(leaf) : hexLeaf(leaf);
  const s = subleaf === null ? '' : `.${subleaf < 10 ? subleaf : hexLeaf(subleaf)}`;
  return `${l}${s} ${reg.toUpperCase()}`;
}

/** A table cell: `1`, `0`, `0x1f`, `FIXED1`, or `·` for unknown. */
export function formatCell(value: CellValue): string {
  if (value === null) return '·';
  if (typeof value === 'string') return value;
  return value < 10 ? String(value) : `0x${value.toString(16)}`;
}

/** One-letter class codes for the text register map (Markdown) and narrow cells. */
export const CLASS_CODE: Readonly<Record<BitClass, string>> = {
  FIXED1: '1',
  FIXED0: '0',
  DYNAMIC: 'D',
  CONFIG_DIRECT: 'C',
  CONFIG_AND_NATIVE: 'A',
  NATIVE_VERIFIED_1: 'V',
  NATIVE_VERIFIED_0: 'v',
  NATIVE: 'N',
  FAULTING: 'F',
  ABSENT: 'X',
  KVM_PV: 'K',
};

/** What each class means, in the words of tdx-cpuid-model.md section 2. */
export const CLASS_MEANING: Readonly<Record<BitClass, string>> = {
  FIXED1: 'forced to 1 by the module',
  FIXED0: 'forced to 0 by the module',
  DYNAMIC: 'computed at run time (stored as 0)',
  CONFIG_DIRECT: 'exactly what the VMM configures',
  CONFIG_AND_NATIVE: 'host AND configured',
  NATIVE_VERIFIED_1: 'native, verified 1 at module init',
  NATIVE_VERIFIED_0: 'native, verified 0 at module init',
  NATIVE: 'native host value',
  FAULTING: 'leaf raises #VE',
  ABSENT: 'leaf not in the module table (#VE)',
  KVM_PV: 'KVM paravirtual leaf',
};

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isReportDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** Today's date (UTC) as `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** `0x0000000010000000` style, for ATTRIBUTES and XFAM. */
export function hex64(value: bigint): string {
  return `0x${value.toString(16).padStart(16, '0')}`;
}


/** Last path component, for titles (`/a/b/c.txt` -> `c.txt`; bundle members too). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/!]/).filter((p) => p.length > 0);
  return parts.length === 0 ? path : parts[parts.length - 1]!;
}

/** Count with a noun: `1 bit`, `3 bits`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
