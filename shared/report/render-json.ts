// JSON renderer: schema `tdx-cpuid/report/v1`. Follows the CLI contract's conventions: bits
// addressed as `{ leaf, subleaf, reg, bit }` (fields `bits: [low, high]`), plain unsigned
// integers, keys in a fixed order so the same report gives the same bytes. The register map's
// strips are strings of one character per bit, bit 31 first: `classes` uses `legend` codes
// ('.' = no row), `values` '0'/'1'/'.', and `marked` lists the marked bit numbers.

import type { Report, ReportRow, ReportSection, ReportTable } from './model';
import { CLASS_CODE } from './text';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

function rowJson(r: ReportRow): Json {
  return {
    leaf: r.leaf,
    subleaf: r.subleaf,
    reg: r.reg,
    ...(r.bits !== null ? { bits: [r.bits[0], r.bits[1]] } : { bit: r.bit ?? 0 }),
    name: r.name,
    class: r.class,
    gates: r.gates,
    values: r.values,
    decidedBy: r.decidedBy,
    disagreement: r.disagreement,
    reasons: r.reasons,
  };
}

function sectionJson(s: ReportSection): Json {
  return {
    id: s.id,
    rule: s.rule,
    severity: s.severity,
    heading: s.heading,
    message: s.message,
    source: s.source,
    layers: [...s.layers],
    rows: s.rows.map(rowJson),
    otherBits: [...s.otherBits],
  };
}

function tableJson(t: ReportTable): Json {
  return { title: t.title, note: t.note, rows: t.rows.map(rowJson) };
}

/** The report as a JSON value (for embedding in other JSON documents). */
export function reportToJsonValue(report: Report): Json {
  return {
    schema: report.schema,
    kind: report.kind,
    title: report.title,
    date: report.date,
    generator: report.generator,
    inputs: report.inputs.map((i) => ({ path: i.path, sha256: i.sha256, format: i.format, layer: i.layer, detail: i.detail })),
    context: {
      items: report.context.items.map((c) => ({ key: c.key, label: c.label, value: c.value })),
      assumptions: [...report.context.assumptions],
    },
    summary: {
      errors: report.summary.errors,
      warnings: report.summary.warnings,
      infos: report.summary.infos,
      rows: report.summary.rows,
      differences: report.summary.differences,
      extra: report.summary.extra.map((c) => ({ key: c.key, label: c.label, value: c.value })),
    },
    columns: report.columns.map((c) => ({ key: c.key, symbol: c.symbol, title: c.title, origin: c.origin })),
    sections: report.sections.map(sectionJson),
    registerMap:
      report.registerMap === null
        ? null
        : {
            caption: report.registerMap.caption,
            valueMeaning: report.registerMap.valueMeaning,
            markMeaning: report.registerMap.markMeaning,
            legend: { ...CLASS_CODE },
            strips: report.registerMap.strips.map((s) => {
              // Bit 31 first, as in the picture; one character per bit keeps 300 registers small.
              const cells = [...s.cells].reverse();
              return {
                leaf: s.leaf,
                subleaf: s.subleaf,
                reg: s.reg,
                classes: cells.map((c) => (c.class === null ? '.' : CLASS_CODE[c.class])).join(''),
                values: cells.map((c) => (c.value === null ? '.' : String(c.value))).join(''),
                marked: s.cells.flatMap((c, bit) => (c.marked ? [bit] : [])),
              };
            }),
          },
    differences: tableJson(report.differences),
    appendix: report.appendix === null ? null : tableJson(report.appendix),
  };
}

/** Pretty-printed JSON text, newline-terminated. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(reportToJsonValue(report), null, 2)}\n`;
}
