// The print stylesheet, inlined into the report HTML. Light fills that print as light greys;
// severities and classes are told apart by words, borders and patterns as well as colour.
// Tables repeat their header on every page (thead as table-header-group) and never split a
// row (break-inside: avoid). Page numbers sit in @page margin boxes (print-layout.ts).
// Only system fonts: nothing is fetched.

import { cssString } from './print-layout';
import type { PrintLayout } from './print-layout';

const FOOTER_STYLE = 'font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 7.5pt; color: #4b5563; vertical-align: middle;';

export function printCss(layout: PrintLayout): string {
  const m = layout.marginMm;
  return `
@page {
  size: ${layout.pageName}; margin: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm;
  @bottom-left { content: ${cssString(layout.footerText)}; ${FOOTER_STYLE} text-align: left; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); ${FOOTER_STYLE} text-align: right; }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; font-size: 8.5pt; line-height: 1.35; color: #111827; background: #ffffff; }
@media screen { body { max-width: ${layout.widthMm - m.left - m.right}mm; margin: 8mm auto; } }
h1 { font-size: 16pt; margin: 0 0 2mm; line-height: 1.2; overflow-wrap: anywhere; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #9ca3af; break-after: avoid; }
h3 { font-size: 10pt; margin: 0 0 1.5mm; break-after: avoid; overflow-wrap: anywhere; }
p { margin: 0 0 1.5mm; }
.meta { color: #374151; margin-bottom: 4mm; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 7.5pt; }
.hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 7pt; white-space: nowrap; color: #374151; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; }
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
tr, .keep { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #9ca3af; padding: 0.6mm 1.2mm; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td.path { overflow-wrap: anywhere; }
th { background: #f3f4f6; font-weight: bold; }
td.v, th.v { text-align: center; width: 6mm; padding-left: 0.4mm; padding-right: 0.4mm; white-space: nowrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
td.v1 { font-weight: bold; background: #eef2ff; }
td.vnull { color: #9ca3af; }
td.addr { white-space: nowrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 7.5pt; }
td.cls { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 7pt; }
td.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
td.mark { text-align: center; width: 5mm; font-weight: bold; }
table.kv th { width: 38mm; }
.badge { display: inline-block; border: 0.8pt solid #111827; border-radius: 1mm; padding: 0 1.2mm; font-size: 7pt; font-weight: bold; letter-spacing: 0.03em; background: #ffffff; }
.sev-error .badge, tr.sev-error .badge { background: #fecaca; }
.sev-warning .badge, tr.sev-warning .badge { background: #fde68a; }
.sev-info .badge, tr.sev-info .badge { background: #dbeafe; }
.counts { display: flex; gap: 3mm; margin: 1mm 0 3mm; }
.count { border: 0.8pt solid #9ca3af; border-radius: 1mm; padding: 1.5mm 3mm; min-width: 28mm; break-inside: avoid; }
.count b { font-size: 14pt; display: block; }
.count.sev-error { border-left: 3pt solid #111827; background: #fef2f2; }
.count.sev-warning { border-left: 3pt dashed #111827; background: #fffbeb; }
.count.sev-info { border-left: 3pt dotted #111827; background: #eff6ff; }
article.finding { margin: 0 0 5mm; padding: 2mm 0 0 3mm; }
article.finding.sev-error { border-left: 2.5pt solid #111827; }
article.finding.sev-warning { border-left: 2.5pt dashed #111827; }
article.finding.sev-info { border-left: 2.5pt dotted #6b7280; }
.finding-head { break-inside: avoid; break-after: avoid; }
.message { font-size: 9pt; }
.source { color: #374151; font-size: 7.5pt; }
.chain { break-inside: avoid; margin: 0 0 1.5mm; }
.chain ol { margin: 0.5mm 0 0; padding-left: 6mm; }
.chain li { margin: 0; }
ul.assumptions { margin: 0 0 2mm; padding-left: 5mm; }
.legend { display: flex; flex-wrap: wrap; gap: 1mm 4mm; margin: 1mm 0 3mm; break-inside: avoid; }
.legend span { display: inline-flex; align-items: center; gap: 1.2mm; font-size: 7.5pt; }
.legend svg.swatch { flex: none; }
svg.register-map { display: block; break-inside: avoid; margin: 0 0 3mm; }
.map-head { break-inside: avoid; }
.note { color: #374151; font-style: italic; }
.title-block { border-bottom: 2pt solid #111827; margin-bottom: 3mm; padding-bottom: 2mm; }
`;
}
