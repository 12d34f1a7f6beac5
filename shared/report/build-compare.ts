// Reports of comparisons (issue 6: "comparison reports for two sources, two module versions
// and a baseline, with the same parts"): inputs, context, summary, one section per kind of
// difference, the register map of the registers that differ, and the differences table.
//
// module-diff takes shared/compare's ModuleDiff. diff and baseline take small structural
// descriptions (below) following the CLI contract: `diff` differences are
// `{leaf, subleaf, reg, bit|bits, name, a, b}`; `baseline` the TD value per host.

import type { LeafKey } from '../model/address';
import type { ModuleDiff } from '../compare/module-diff';
import type { ComparedAddress } from '../compare/diff';
import { formatLeafKey } from '../model/address';
import type { BitClass, InputSummary } from '../engine/types';
import type { ContextItem, Report, ReportOptions, ReportRow, ReportSection, ValueColumn } from './model';
import { REPORT_SCHEMA } from './model';
import { reportInputs } from './build-reconcile';
import { bitValue, DEFAULT_GENERATOR, registerMapFromRows, reportDate, sortRows } from './rows';
import { baseName, plural } from './text';

// ---------------------------------------------------------------------------------------
// diff: two sources of one layer kind

export interface DiffDifference extends ComparedAddress {
  readonly a: number | null;
  readonly b: number | null;
  /** CPU the values come from, where the sources are per-CPU dumps and the CPUs differ. */
  readonly cpu?: number | null;
  readonly class?: BitClass | null;
}

export interface DiffInput {
  readonly a: InputSummary;
  readonly b: InputSummary;
  /** Layer kind compared ("host", "td", ...). */
  readonly layer: string;
  readonly differences: readonly DiffDifference[];
  /** Named bits and fields compared in all. */
  readonly compared?: number;
  readonly context?: readonly ContextItem[];
}

// ---------------------------------------------------------------------------------------
// baseline: N hosts

export interface BaselineHost {
  readonly input: InputSummary;
  /** Short column title ("SPR 8480+"); default: file name. */
  readonly label?: string;
}

export interface BaselineDifference extends ComparedAddress {
  /** The TD value each host yields, in host order. */
  readonly values: readonly (number | null)[];
  readonly class?: BitClass | null;
  /** The `-cpu` flag that removes the difference (`-avx512fp16`), when one exists. */
  readonly flag?: string | null;
}

export interface BaselineInput {
  readonly hosts: readonly BaselineHost[];
  readonly module: string;
  readonly differences: readonly BaselineDifference[];
  /** `-cpu` string that gives every host the same TD CPUID ("host,-avx512fp16,-amx-fp16"). */
  readonly commonCpu: string | null;
  /** Bits that no `-cpu` flag can align (fixed or native in the module). */
  readonly unalignable?: readonly ComparedAddress[];
  readonly compared?: number;
  readonly context?: readonly ContextItem[];
  readonly inputs?: readonly InputSummary[];
}

// ---------------------------------------------------------------------------------------

function row(
  a: ComparedAddress,
  values: Record<string, number | string | null>,
  cls: BitClass | null,
  reasons: readonly string[],
  gates: readonly string[] = [],
): ReportRow {
  return {
    leaf: a.leaf,
    subleaf: a.subleaf,
    reg: a.reg,
    bit: a.bits ? null : (a.bit ?? 0),
    bits: a.bits ? [a.bits[0], a.bits[1]] : null,
    name: a.name,
    class: cls,
    gates: [...gates],
    values,
    decidedBy: null,
    disagreement: true,
    reasons: [...reasons],
  };
}

function section(index: number, heading: string, message: string, rows: readonly ReportRow[], layers: readonly string[] = []): ReportSection {
  return { id: `s${index + 1}`, rule: null, severity: null, heading, message, source: null, layers: [...layers], rows: sortRows(rows), otherBits: [] };
}

function base(kind: Report['kind'], title: string, opts: ReportOptions): Pick<Report, 'schema' | 'kind' | 'title' | 'date' | 'generator'> {
  return { schema: REPORT_SCHEMA, kind, title: opts.title ?? title, date: reportDate(opts), generator: opts.generator ?? DEFAULT_GENERATOR };
}

function summary(rows: number, differences: number, extra: readonly ContextItem[]): Report['summary'] {
  return { errors: 0, warnings: 0, infos: 0, rows, differences, extra: [...extra] };
}

function fmtValue(v: number | null): string {
  return v === null ? 'unknown' : v < 10 ? String(v) : `0x${v.toString(16)}`;
}

export function diffReport(d: DiffInput, opts: ReportOptions = {}): Report {
  const columns: ValueColumn[] = [
    { key: 'a', symbol: 'A', title: baseName(d.a.path), origin: null },
    { key: 'b', symbol: 'B', title: baseName(d.b.path), origin: null },
  ];
  const rows = d.differences.map((x) => {
    const cpu = x.cpu === undefined || x.cpu === null ? '' : ` (CPU ${x.cpu})`;
    return row(x, { a: x.a, b: x.b }, x.class ?? null, [`A ${fmtValue(x.a)}, B ${fmtValue(x.b)}${cpu}`]);
  });
  const groups: [string, string, (r: ReportRow) => boolean][] = [
    ['Set in A only', 'Bits that are 1 in A and 0 in B.', (r) => r.bits === null && r.values.a === 1 && r.values.b === 0],
    ['Set in B only', 'Bits that are 0 in A and 1 in B.', (r) => r.bits === null && r.values.a === 0 && r.values.b === 1],
    ['Fields with different values', 'Multi-bit fields whose values differ.', (r) => r.bits !== null && r.values.a !== null && r.values.b !== null],
    ['Known in one source only', 'One source does not give this bit or field (leaf missing, or a lossy format).', (r) => r.values.a === null || r.values.b === null],
  ];
  const sections: ReportSection[] = [];
  for (const [heading, message, test] of groups) {
    const members = rows.filter(test);
    if (members.length) sections.push(section(sections.length, `${heading} (${plural(members.length, 'difference')})`, message, members, ['a', 'b']));
  }
  const sorted = sortRows(rows);
  return {
    ...base('diff', `TDX CPUID diff: ${baseName(d.a.path)} vs ${baseName(d.b.path)}`, opts),
    inputs: reportInputs({ inputs: [{ ...d.a, layer: d.a.layer }, { ...d.b, layer: d.b.layer }] }, opts).map((i, n) => ({
      ...i,
      layer: `${n === 0 ? 'A' : 'B'}: ${i.layer}`,
    })),
    context: { items: [{ key: 'layer', label: 'Layer compared', value: d.layer }, ...(d.context ?? [])], assumptions: [] },
    summary: summary(d.compared ?? sorted.length, sorted.length, [
      { key: 'differences', label: 'Differences', value: String(sorted.length) },
      ...(d.compared !== undefined ? [{ key: 'compared', label: 'Bits and fields compared', value: String(d.compared) }] : []),
    ]),
    columns,
    sections,
    registerMap:
      sorted.length === 0
        ? null
        : registerMapFromRows(sorted, (r) => bitValue(r.values.b), (r) => r.class, {
            caption: 'Registers with differences, one cell per bit (31 on the left)',
            valueMeaning: 'bit is 1 in B',
            markMeaning: 'A and B differ',
          }),
    differences: { title: 'Every difference', note: sorted.length === 0 ? 'The two sources agree on every bit.' : null, rows: sorted },
    appendix: null,
  };
}

function moduleTitle(m: ModuleDiff['from']): string {
  return m.exact ? m.table : `${m.requested} (table ${m.table})`;
}

export function moduleDiffReport(d: ModuleDiff, opts: ReportOptions = {}): Report {
  const from = moduleTitle(d.from);
  const to = moduleTitle(d.to);
  const columns: ValueColumn[] = [
    { key: 'from', symbol: d.from.table, title: `class in module ${from}`, origin: null },
    { key: 'to', symbol: d.to.table, title: `class in module ${to}`, origin: null },
  ];
  const gatesText = (g: readonly string[]): string => (g.length ? ` (${g.join(', ')})` : '');
  const gateReason = (from: readonly string[], to: readonly string[]): string[] =>
    from.join() === to.join() ? [] : [`gates ${from.join(', ') || 'none'} → ${to.join(', ') || 'none'}`];
  const bitRows = d.changes.map((c) =>
    // No class column: the two value columns are the classes.
    row(c, { from: c.from.class, to: c.to.class }, null, [`${from}: ${c.from.class}${gatesText(c.from.gates)}`, `${to}: ${c.to.class}${gatesText(c.to.gates)}`], c.to.gates),
  );
  // Sections and the differences table use the ranges (consecutive bits of a register with
  // the same change): 1 600 changed bits read as ~100 lines. The appendix has every bit.
  const nameOf = new Map(d.changes.map((c) => [`${c.leaf}:${c.subleaf ?? '-'}:${c.reg}:${c.bit}`, c.name]));
  const rows = d.ranges.map((g) => {
    const names: string[] = [];
    for (let b = g.bits[0]; b <= g.bits[1]; b++) {
      const n = nameOf.get(`${g.leaf}:${g.subleaf ?? '-'}:${g.reg}:${b}`);
      if (n && !names.includes(n)) names.push(n);
    }
    const name = names.length === 0 ? null : names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', ');
    const addr: ComparedAddress = g.bits[0] === g.bits[1] ? { ...g, bits: undefined, bit: g.bits[0], name } : { ...g, name };
    return row(addr, { from: g.from.class, to: g.to.class }, null, gateReason(g.from.gates, g.to.gates), g.to.gates);
  });
  // One section per transition ("FIXED1 -> NATIVE"), most common first, then by name.
  const byTransition = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const key = `${String(r.values.from)} → ${String(r.values.to)}`;
    const list = byTransition.get(key) ?? [];
    list.push(r);
    byTransition.set(key, list);
  }
  const ordered = [...byTransition.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const sections = ordered.map(([key, members], i) => {
    const [a, b] = key.split(' → ');
    const bits = members.reduce((n, r) => n + (r.bits ? r.bits[1] - r.bits[0] + 1 : 1), 0);
    return section(i, `${key} (${plural(bits, 'bit')})`, `Bits that are ${a} in ${from} and ${b} in ${to}.`, members, ['module']);
  });
  const sorted = sortRows(rows);
  const leaves = new Set(bitRows.map((r) => formatLeafKey(r)));
  const leafList = (l: readonly LeafKey[]): string => (l.length ? l.map(formatLeafKey).join(', ') : 'none');
  return {
    ...base('module-diff', `TDX module CPUID: ${from} vs ${to}`, opts),
    inputs: [],
    context: {
      items: [
        { key: 'from', label: 'Old module', value: from },
        { key: 'to', label: 'New module', value: to },
        { key: 'configurableAdded', label: 'Configurable leaves added', value: leafList(d.configurableAdded) },
        { key: 'configurableRemoved', label: 'Configurable leaves removed', value: leafList(d.configurableRemoved) },
        { key: 'source', label: 'Module tables', value: "the workbench's copy of the TDX module CPUID tables (tdx-module-cpuid.json)" },
      ],
      assumptions: [],
    },
    summary: summary(bitRows.length, bitRows.length, [
      { key: 'changes', label: 'Bits whose class changes', value: String(bitRows.length) },
      { key: 'ranges', label: 'Runs of consecutive changed bits', value: String(sorted.length) },
      { key: 'leaves', label: 'Leaves touched', value: String(leaves.size) },
      { key: 'transitions', label: 'Kinds of change', value: String(sections.length) },
    ]),
    columns,
    sections,
    registerMap:
      bitRows.length === 0
        ? null
        : registerMapFromRows(bitRows, () => null, (r) => r.values.to as BitClass, {
            caption: `Registers with class changes, filled by the class in ${to}`,
            valueMeaning: 'not used',
            markMeaning: `class differs from ${from}`,
          }),
    differences: {
      title: 'Every class change',
      note: sorted.length === 0 ? 'No bit changes class.' : 'Consecutive bits of a register with the same change are one line.',
      rows: sorted,
    },
    appendix: opts.appendix ? { title: 'Appendix: every changed bit', note: null, rows: sortRows(bitRows) } : null,
  };
}

export function baselineReport(b: BaselineInput, opts: ReportOptions = {}): Report {
  const columns: ValueColumn[] = b.hosts.map((h, i) => ({
    key: `h${i + 1}`,
    symbol: String(i + 1),
    title: h.label ?? baseName(h.input.path),
    origin: null,
  }));
  const rows = b.differences.map((x) => {
    const values: Record<string, number | null> = {};
    columns.forEach((c, i) => (values[c.key] = x.values[i] ?? null));
    const reasons = [
      columns.map((c, i) => `${c.title}: ${fmtValue(x.values[i] ?? null)}`).join('; '),
      ...(x.flag ? [`align with -cpu ...,${x.flag}`] : x.flag === null ? ['no -cpu flag aligns this bit'] : []),
    ];
    return row(x, values, x.class ?? null, reasons);
  });
  const alignable = rows.filter((_r, i) => b.differences[i]!.flag);
  const fixed = rows.filter((_r, i) => !b.differences[i]!.flag);
  const sections: ReportSection[] = [];
  if (alignable.length) {
    sections.push(
      section(
        sections.length,
        `Aligned by -cpu flags (${plural(alignable.length, 'bit')})`,
        b.commonCpu ? `With -cpu ${b.commonCpu} every host gives the same TD value for these bits.` : 'A -cpu flag removes each of these differences.',
        alignable,
        ['td'],
      ),
    );
  }
  if (fixed.length) {
    sections.push(
      section(sections.length, `Not alignable (${plural(fixed.length, 'bit')})`, 'No -cpu flag changes these bits: the module fixes them or passes the host value through.', fixed, ['td']),
    );
  }
  const sorted = sortRows(rows);
  const inputs = b.inputs ?? b.hosts.map((h) => h.input);
  return {
    ...base('baseline', `TDX CPUID baseline of ${plural(b.hosts.length, 'host')}`, opts),
    inputs: reportInputs({ inputs }, opts),
    context: {
      items: [
        { key: 'module', label: 'TDX module table', value: b.module },
        { key: 'commonCpu', label: 'Common -cpu', value: b.commonCpu ?? 'none: some differences cannot be aligned' },
        ...columns.map((c) => ({ key: `host.${c.key}`, label: `Host ${c.symbol}`, value: c.title })),
        ...(b.context ?? []),
      ],
      assumptions: [],
    },
    summary: summary(b.compared ?? sorted.length, sorted.length, [
      { key: 'hosts', label: 'Hosts', value: String(b.hosts.length) },
      { key: 'differences', label: 'Bits that differ', value: String(sorted.length) },
      { key: 'unalignable', label: 'Not alignable by -cpu', value: String(fixed.length) },
    ]),
    columns,
    sections,
    registerMap:
      sorted.length === 0
        ? null
        : registerMapFromRows(sorted, (r) => bitValue(r.values.h1), (r) => r.class, {
            caption: 'Registers where the hosts give different TD values',
            valueMeaning: `TD value is 1 on host 1`,
            markMeaning: 'hosts differ',
          }),
    differences: { title: 'Every bit that differs between hosts', note: sorted.length === 0 ? 'Every host gives the same TD CPUID.' : null, rows: sorted },
    appendix: null,
  };
}
