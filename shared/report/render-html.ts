// Self-contained print HTML: no script, inline CSS and SVG, nothing fetched (no fonts,
// images or links to other documents), a strict Content-Security-Policy as defence in
// depth. Every piece of text goes through `escapeHtml` (the `t` helper below): input file
// names, dump labels, brand strings and finding messages are text, never markup.

import { escapeHtml } from './escape';
import type { Report, ReportRow, ReportSection, ReportTable, ValueColumn } from './model';
import { printCss } from './print-css';
import { chainGroups } from './rows';
import { printLayout } from './print-layout';
import type { PageSize, PrintLayout } from './print-layout';
import { classesInMap, renderRegisterMapSvgs, renderSwatchSvg } from './register-map-svg';
import { CLASS_MEANING, formatCell, KIND_LABEL, plural, rowAddress } from './text';

export interface HtmlOptions {
  readonly page?: PageSize;
}

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const t = escapeHtml;

/** Text with a break opportunity after `_` and `,` (long class names, gates, -cpu strings). */
function breakable(text: string): string {
  return t(text).replace(/([_,])/g, '$1<wbr>');
}


function badge(severity: string): string {
  return `<span class="badge">${t(severity.toUpperCase())}</span>`;
}

function valueCell(v: ReportRow['values'][string]): string {
  // Class names (module-diff) are words: let them wrap like the class column.
  if (typeof v === 'string') return `<td class="cls">${breakable(v)}</td>`;
  const cls = v === null ? 'v vnull' : v === 1 ? 'v v1' : 'v';
  return `<td class="${cls}">${t(formatCell(v))}</td>`;
}

function bitTable(rows: readonly ReportRow[], columns: readonly ValueColumn[], withMark: boolean): string {
  const showClass = rows.some((r) => r.class !== null);
  const showGates = rows.some((r) => r.gates.length > 0);
  const showDecided = rows.some((r) => r.decidedBy !== null);
  let head = '<tr>';
  if (withMark) head += '<th class="mark" title="layers disagree">≠</th>';
  head += '<th>Bit</th><th>Name</th>';
  if (showClass) head += '<th>Class</th>';
  if (showGates) head += '<th>Gates</th>';
  for (const c of columns) head += `<th class="v" title="${t(c.title)}">${t(c.symbol)}</th>`;
  if (showDecided) head += '<th>Decided by</th>';
  head += '</tr>';
  let body = '';
  for (const r of rows) {
    body += '<tr>';
    if (withMark) body += `<td class="mark">${r.disagreement ? '≠' : ''}</td>`;
    body += `<td class="addr">${t(rowAddress(r))}</td><td>${r.name === null ? '' : breakable(r.name)}</td>`;
    if (showClass) body += `<td class="cls">${r.class === null ? '' : breakable(r.class)}</td>`;
    if (showGates) body += `<td class="cls">${breakable(r.gates.join(', '))}</td>`;
    for (const c of columns) body += valueCell(r.values[c.key] ?? null);
    if (showDecided) body += `<td class="nowrap">${r.decidedBy === null ? '' : t(r.decidedBy)}</td>`;
    body += '</tr>';
  }
  return `<table class="bits"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function columnLegend(columns: readonly ValueColumn[]): string {
  if (columns.length === 0) return '';
  const parts = columns.map((c) => `<b>${t(c.symbol)}</b> ${t(c.title)}${c.origin ? ` (${t(c.origin)})` : ''}`);
  return `<p class="note">Columns: ${parts.join('; ')}. · = no value.</p>`;
}

function titleBlock(r: Report): string {
  return (
    `<header class="title-block"><h1>${t(r.title)}</h1>` +
    `<div class="meta">${t(KIND_LABEL[r.kind])} · ${t(r.date)} · ${t(r.generator)} · schema ${t(r.schema)}</div></header>`
  );
}

function inputsSection(r: Report): string {
  let rows = '';
  r.inputs.forEach((i, n) => {
    rows +=
      `<tr><td class="num">${n + 1}</td><td class="path"><div>${t(i.path)}</div>` +
      (i.detail !== null ? `<div class="note">${t(i.detail)}</div>` : '') +
      `<div class="hash">SHA-256 ${t(i.sha256)}</div></td><td class="nowrap">${t(i.format)}</td><td class="nowrap">${t(i.layer)}</td></tr>`;
  });
  const table = rows
    ? `<table><thead><tr><th>#</th><th>File</th><th>Format</th><th>Layer</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="note">No input files.</p>';
  return `<section id="inputs"><h2>Inputs</h2>${table}</section>`;
}

function contextSection(r: Report): string {
  let rows = '';
  for (const c of r.context.items) rows += `<tr><th>${t(c.label)}</th><td>${breakable(c.value)}</td></tr>`;
  const assumptions = r.context.assumptions.length
    ? `<h3>Assumptions</h3><ul class="assumptions">${r.context.assumptions.map((a) => `<li>${t(a)}</li>`).join('')}</ul>`
    : '';
  return `<section id="context"><h2>Context</h2><table class="kv"><tbody>${rows}</tbody></table>${assumptions}</section>`;
}

function summarySection(r: Report): string {
  const s = r.summary;
  // Severities belong to findings; comparisons have none.
  const counts =
    r.kind !== 'reconcile'
      ? ''
      : `<div class="counts">` +
        `<div class="count sev-error"><b>${s.errors}</b>${s.errors === 1 ? 'error' : 'errors'}</div>` +
        `<div class="count sev-warning"><b>${s.warnings}</b>${s.warnings === 1 ? 'warning' : 'warnings'}</div>` +
        `<div class="count sev-info"><b>${s.infos}</b>${s.infos === 1 ? 'info' : 'infos'}</div></div>`;
  const extra = s.extra.length
    ? `<table class="kv"><tbody>${s.extra.map((e) => `<tr><th>${t(e.label)}</th><td>${t(e.value)}</td></tr>`).join('')}</tbody></table>`
    : '';
  let list = '';
  if (r.sections.length) {
    const withSeverity = r.sections.some((x) => x.severity !== null);
    const rows = r.sections
      .map((x, i) => {
        const bits = sectionBits(x);
        return (
          `<tr class="${x.severity ? `sev-${x.severity}` : ''}"><td class="num">${i + 1}</td>` +
          (withSeverity ? `<td>${x.severity ? badge(x.severity) : ''}</td>` : '') +
          `<td>${t(x.rule ?? x.heading)}</td><td class="nowrap">${bits > 0 ? t(plural(bits, 'bit')) : ''}</td></tr>`
        );
      })
      .join('');
    const head = `<tr><th>#</th>${withSeverity ? '<th>Severity</th>' : ''}<th>${r.kind === 'reconcile' ? 'Rule' : 'Section'}</th><th>Bits</th></tr>`;
    list = `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
  }
  return `<section id="summary"><h2>Summary</h2>${counts}${extra}${list}</section>`;
}

/** Bits a section covers (a field or a run of bits counts its width). */
function sectionBits(x: ReportSection): number {
  return x.rows.reduce((n, r) => n + (r.bits ? r.bits[1] - r.bits[0] + 1 : 1), 0) + x.otherBits.length;
}

function sectionArticle(x: ReportSection, index: number, columns: readonly ValueColumn[]): string {
  const sev = x.severity ? ` sev-${x.severity}` : '';
  let out = `<article class="finding${sev}" id="${t(x.id)}"><div class="finding-head"><h3>${index + 1}. ${x.severity ? `${badge(x.severity)} ` : ''}${breakable(x.heading)}</h3>`;
  out += `<p class="message">${t(x.message)}</p>`;
  const facts: string[] = [];
  if (x.layers.length) facts.push(`Layers compared: ${t(x.layers.join(', '))}`);
  if (x.source) facts.push(`Source: ${t(x.source)}`);
  if (facts.length) out += `<p class="source">${facts.join(' · ')}</p>`;
  out += '</div>';
  if (x.rows.length) out += bitTable(x.rows, columns, false);
  if (x.otherBits.length) out += `<p class="note">Also named: ${t(x.otherBits.join(', '))}</p>`;
  for (const g of chainGroups(x.rows)) {
    const bits = g.rows.map((row) => `<b>${t(rowAddress(row))}</b>${row.name ? ` ${t(row.name)}` : ''}`).join(', ');
    out += `<div class="chain">${bits}<ol>${g.reasons.map((why) => `<li>${t(why)}</li>`).join('')}</ol></div>`;
  }
  return `${out}</article>`;
}

function sectionsSection(r: Report): string {
  const heading = r.kind === 'reconcile' ? 'Findings' : 'Differences by kind';
  const body = r.sections.length
    ? r.sections.map((x, i) => sectionArticle(x, i, r.columns)).join('')
    : `<p class="note">${r.kind === 'reconcile' ? 'No findings.' : 'No differences.'}</p>`;
  return `<section id="sections"><h2>${heading}</h2>${body}</section>`;
}

function mapSection(r: Report): string {
  const map = r.registerMap;
  if (map === null || map.strips.length === 0) return '';
  const { classes, unclassified } = classesInMap(map);
  const legend: string[] = classes.map((c) => `<span>${renderSwatchSvg(c)}<b>${breakable(c)}</b> ${t(CLASS_MEANING[c])}</span>`);
  if (unclassified) legend.push(`<span>${renderSwatchSvg(null)}no class / not described</span>`);
  legend.push(`<span>${renderSwatchSvg('one')}${t(map.valueMeaning)}</span>`);
  legend.push(`<span>${renderSwatchSvg('marked')}${t(map.markMeaning)}</span>`);
  const [first, ...rest] = renderRegisterMapSvgs(map);
  // The heading, legend and first chunk stay together: no heading alone at a page end.
  return (
    `<section id="register-map"><div class="map-head"><h2>Register map</h2><p class="note">${t(map.caption)}.</p>` +
    `<div class="legend">${legend.join('')}</div>${first ?? ''}</div>${rest.join('')}</section>`
  );
}

function tableSection(id: string, table: ReportTable, columns: readonly ValueColumn[], withMark: boolean): string {
  const body = table.rows.length ? bitTable(table.rows, columns, withMark) : '';
  const note = table.note ? `<p class="note">${t(table.note)}</p>` : '';
  return `<section id="${id}"><h2>${t(table.title)}</h2>${note}${table.rows.length ? columnLegend(columns) : ''}${body}</section>`;
}

/** Page layout of a report: its footer names the generator, the kind and the date. */
export function reportPrintLayout(report: Report, page: PageSize): PrintLayout {
  return printLayout(page, `${report.generator} · ${KIND_LABEL[report.kind]} · ${report.date}`);
}

/** The report as one self-contained HTML document, ready to print. */
export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const layout = reportPrintLayout(report, opts.page ?? 'a4');
  const parts = [
    titleBlock(report),
    inputsSection(report),
    contextSection(report),
    summarySection(report),
    sectionsSection(report),
    mapSection(report),
    tableSection('differences', report.differences, report.columns, false),
    report.appendix ? tableSection('appendix', report.appendix, report.columns, true) : '',
  ];
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">` +
    `<meta name="generator" content="${t(report.generator)}">` +
    `<title>${t(report.title)}</title><style>${printCss(layout)}</style></head>\n` +
    `<body>${parts.join('\n')}</body></html>\n`
  );
}
