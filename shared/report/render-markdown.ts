// Markdown for pasting into an issue tracker (GitHub/GitLab flavoured): tables, and
// <details> blocks for what is long (reason chains, the register map, the appendix).
// Every input-derived string goes through `escapeMarkdown`, which also turns `<` into
// `&lt;`, so a hostile file name cannot open a tag in the tracker.

import { escapeMarkdown } from './escape';
import type { Report, ReportRow, ReportSection, ReportTable, ValueColumn } from './model';
import { chainGroups } from './rows';
import { CLASS_CODE, CLASS_MEANING, formatCell, plural, registerLabel, rowAddress } from './text';

const m = escapeMarkdown;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function bitTable(rows: readonly ReportRow[], columns: readonly ValueColumn[], withMark: boolean): string {
  const showClass = rows.some((r) => r.class !== null);
  const showGates = rows.some((r) => r.gates.length > 0);
  const showDecided = rows.some((r) => r.decidedBy !== null);
  const head = [
    ...(withMark ? ['≠'] : []),
    'Bit',
    'Name',
    ...(showClass ? ['Class'] : []),
    ...(showGates ? ['Gates'] : []),
    ...columns.map((c) => m(c.symbol)),
    ...(showDecided ? ['Decided by'] : []),
  ];
  const body = rows.map((r) => [
    ...(withMark ? [r.disagreement ? '≠' : ''] : []),
    m(rowAddress(r)),
    m(r.name ?? ''),
    ...(showClass ? [m(r.class ?? '')] : []),
    ...(showGates ? [m(r.gates.join(', '))] : []),
    ...columns.map((c) => m(formatCell(r.values[c.key] ?? null))),
    ...(showDecided ? [m(r.decidedBy ?? '')] : []),
  ]);
  return table(head, body);
}

function columnLegend(columns: readonly ValueColumn[]): string {
  return columns.map((c) => `**${m(c.symbol)}** ${m(c.title)}${c.origin ? ` (${m(c.origin)})` : ''}`).join('; ');
}

function section(x: ReportSection, i: number, columns: readonly ValueColumn[]): string {
  const out: string[] = [];
  out.push(`### ${i + 1}. ${x.severity ? `[${x.severity.toUpperCase()}] ` : ''}${m(x.heading)}`, '', m(x.message), '');
  const facts: string[] = [];
  if (x.layers.length) facts.push(`Layers compared: ${m(x.layers.join(', '))}`);
  if (x.source) facts.push(`Source: ${m(x.source)}`);
  if (facts.length) out.push(`_${facts.join(' · ')}_`, '');
  if (x.rows.length) out.push(bitTable(x.rows, columns, false), '');
  if (x.otherBits.length) out.push(`Also named: ${m(x.otherBits.join(', '))}`, '');
  const groups = chainGroups(x.rows);
  if (groups.length) {
    const bits = groups.reduce((n, g) => n + g.rows.length, 0);
    out.push(`<details><summary>Reason chains (${plural(bits, 'bit')})</summary>`, '');
    for (const g of groups) {
      out.push(g.rows.map((r) => `**${m(rowAddress(r))}**${r.name ? ` ${m(r.name)}` : ''}`).join(', '), '');
      g.reasons.forEach((why, n) => out.push(`${n + 1}. ${m(why)}`));
      out.push('');
    }
    out.push('</details>', '');
  }
  return out.join('\n');
}

/** The register map as text: one line per register, one character per bit, bit 31 first. */
function textMap(r: Report): string {
  const map = r.registerMap;
  if (map === null || map.strips.length === 0) return '';
  const width = Math.max(...map.strips.map((s) => registerLabel(s.leaf, s.subleaf, s.reg).length));
  const lines = map.strips.map((s) => {
    const label = registerLabel(s.leaf, s.subleaf, s.reg).padEnd(width);
    let classes = '';
    let marks = '';
    for (let b = 31; b >= 0; b--) {
      const c = s.cells[b]!;
      classes += c.class === null ? '.' : CLASS_CODE[c.class];
      marks += c.marked ? '^' : ' ';
      if (b % 8 === 0 && b > 0) {
        classes += ' ';
        marks += ' ';
      }
    }
    return marks.trim() ? `${label}  ${classes}\n${' '.repeat(width)}  ${marks.trimEnd()}` : `${label}  ${classes}`;
  });
  const used = new Set(map.strips.flatMap((s) => s.cells.map((c) => c.class)));
  const legend = (Object.keys(CLASS_CODE) as (keyof typeof CLASS_CODE)[])
    .filter((c) => used.has(c))
    .map((c) => `\`${CLASS_CODE[c]}\` ${c} (${CLASS_MEANING[c]})`)
    .join(', ');
  return [
    '## Register map',
    '',
    `<details><summary>${m(map.caption)} (${plural(map.strips.length, 'register')})</summary>`,
    '',
    `Bit 31 on the left. ${legend}; \`.\` no class; \`^\` ${m(map.markMeaning)}.`,
    '',
    '```text',
    ...lines,
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
}

function tableSection(tbl: ReportTable, columns: readonly ValueColumn[], withMark: boolean, collapsed: boolean): string {
  const out = [`## ${m(tbl.title)}`, ''];
  if (tbl.note) out.push(m(tbl.note), '');
  if (tbl.rows.length) {
    if (collapsed) out.push(`<details><summary>${plural(tbl.rows.length, 'row')}</summary>`, '');
    out.push(`Columns: ${columnLegend(columns)}. \`·\` = no value.`, '', bitTable(tbl.rows, columns, withMark), '');
    if (collapsed) out.push('</details>', '');
  }
  return out.join('\n');
}

export function renderMarkdown(r: Report): string {
  const out: string[] = [];
  out.push(`# ${m(r.title)}`, '', `${m(r.date)} · ${m(r.generator)} · ${r.kind} report (${r.schema})`, '');
  out.push('## Inputs', '');
  out.push(
    r.inputs.length
      ? table(
          ['#', 'File', 'Format', 'Layer', 'SHA-256'],
          r.inputs.map((i, n) => [String(n + 1), m(i.path) + (i.detail ? `<br>${m(i.detail)}` : ''), m(i.format), m(i.layer), m(i.sha256)]),
        )
      : 'No input files.',
    '',
  );
  out.push('## Context', '', table(['', ''], r.context.items.map((c) => [`**${m(c.label)}**`, m(c.value)])), '');
  if (r.context.assumptions.length) out.push('Assumptions:', '', ...r.context.assumptions.map((a) => `- ${m(a)}`), '');
  const s = r.summary;
  out.push('## Summary', '');
  if (r.kind === 'reconcile') out.push(`**${s.errors}** errors · **${s.warnings}** warnings · **${s.infos}** infos`, '');
  if (s.extra.length) out.push(...s.extra.map((e) => `- ${m(e.label)}: ${m(e.value)}`), '');
  if (r.sections.length) {
    const withSeverity = r.sections.some((x) => x.severity !== null);
    const bitsOf = (x: ReportSection): number => x.rows.reduce((n, row) => n + (row.bits ? row.bits[1] - row.bits[0] + 1 : 1), 0) + x.otherBits.length;
    out.push(
      table(
        ['#', ...(withSeverity ? ['Severity'] : []), r.kind === 'reconcile' ? 'Rule' : 'Section', 'Bits'],
        r.sections.map((x, i) => [String(i + 1), ...(withSeverity ? [x.severity ?? ''] : []), m(x.rule ?? x.heading), String(bitsOf(x))]),
      ),
      '',
    );
  }
  out.push(`## ${r.kind === 'reconcile' ? 'Findings' : 'Differences by kind'}`, '');
  if (r.sections.length === 0) out.push(r.kind === 'reconcile' ? 'No findings.' : 'No differences.', '');
  else {
    out.push(`Columns: ${columnLegend(r.columns)}. \`·\` = no value.`, '');
    r.sections.forEach((x, i) => out.push(section(x, i, r.columns)));
  }
  out.push(textMap(r));
  out.push(tableSection(r.differences, r.columns, false, r.differences.rows.length > 40));
  if (r.appendix) out.push(tableSection(r.appendix, r.columns, true, true));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
