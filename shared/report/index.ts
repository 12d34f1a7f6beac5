// Public surface of the report module: build a report from a reconciliation or a
// comparison, then render it (JSON, Markdown, print HTML) or print it (print-layout.ts
// gives the page options both the CLI and the app pass to Chromium's printToPDF).

export * from './model';
export { reconcileReport } from './build-reconcile';
export { baselineReport, diffReport, moduleDiffReport } from './build-compare';
export type { BaselineInput, DiffInput } from './build-compare';
export { renderJson, reportToJsonValue } from './render-json';
export { renderMarkdown } from './render-markdown';
export { renderHtml, reportPrintLayout, REPORT_CSP } from './render-html';
export type { HtmlOptions } from './render-html';
export { renderRegisterMapSvgs, renderSwatchSvg } from './register-map-svg';
export { escapeHtml, escapeMarkdown } from './escape';
export { electronPrintToPdfOptions, isPageSize, MARGIN_BOXES_SINCE_CHROMIUM, PAGE_SIZES, pageSizePt, printLayout } from './print-layout';
export { auditPrintHtml } from './html-audit';
export { describeInput, inputDetailsOf } from './describe-input';
export type { PageSize, PrintLayout } from './print-layout';
export { isReportDate } from './text';
