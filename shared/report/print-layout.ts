// Page geometry and the page footer of a printed report, shared by the CSS of the print HTML
// (@page size and margins), the CLI's Chromium printing (playwright page.pdf) and the app's
// webContents.printToPDF, so all three produce the same pages.
//
// Page numbers: Chromium's printing ignores CSS @page margin boxes (@bottom-center ...), so
// the footer is Chromium's own header/footer template, where `pageNumber`/`totalPages`
// spans are filled in by the printing code itself (no script runs in the template).

import { escapeHtml } from './escape';

export type PageSize = 'a4' | 'letter';

export const PAGE_SIZES: readonly PageSize[] = ['a4', 'letter'];

export interface PrintLayout {
  readonly page: PageSize;
  /** CSS / Chromium name: `A4`, `Letter`. */
  readonly pageName: 'A4' | 'Letter';
  readonly widthMm: number;
  readonly heightMm: number;
  /** Page margins; the footer is drawn inside the bottom margin. */
  readonly marginMm: { readonly top: number; readonly right: number; readonly bottom: number; readonly left: number };
  readonly headerTemplate: string;
  readonly footerTemplate: string;
}

const MARGIN_MM = { top: 14, right: 12, bottom: 16, left: 12 } as const;

/** Page size in PostScript points, as pdfinfo reports it (A4 595x842, Letter 612x792). */
export function pageSizePt(page: PageSize): { readonly width: number; readonly height: number } {
  return page === 'a4' ? { width: 595, height: 842 } : { width: 612, height: 792 };
}

export function isPageSize(s: string): s is PageSize {
  return s === 'a4' || s === 'letter';
}

/** Footer: report title and date on the left, "Page n of N" on the right; light grey, 7.5 pt. */
function footer(title: string, date: string): string {
  const style =
    'font-family:DejaVu Sans,Helvetica,Arial,sans-serif;font-size:7.5pt;color:#4b5563;width:100%;' +
    `margin:0 ${MARGIN_MM.right}mm 0 ${MARGIN_MM.left}mm;display:flex;justify-content:space-between;gap:8mm;` +
    '-webkit-print-color-adjust:exact;';
  const left = `<span style="overflow:hidden;text-overflow:ellipsis;white-space:nowrap">${escapeHtml(title)} · ${escapeHtml(date)}</span>`;
  const right = '<span style="white-space:nowrap">Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>';
  return `<div style="${style}">${left}${right}</div>`;
}

export function printLayout(page: PageSize, title: string, date: string): PrintLayout {
  return {
    page,
    pageName: page === 'a4' ? 'A4' : 'Letter',
    widthMm: page === 'a4' ? 210 : 215.9,
    heightMm: page === 'a4' ? 297 : 279.4,
    marginMm: MARGIN_MM,
    // An empty element: Chromium's default header would print the date and the URL.
    headerTemplate: '<span></span>',
    footerTemplate: footer(title, date),
  };
}

const MM_PER_INCH = 25.4;

/**
 * Options for Electron's `webContents.printToPDF(options)` giving the same pages as the
 * CLI. Margins are in inches there; `preferCSSPageSize` lets the HTML's @page rule win.
 */
export function electronPrintToPdfOptions(layout: PrintLayout): {
  readonly pageSize: 'A4' | 'Letter';
  readonly printBackground: true;
  readonly displayHeaderFooter: true;
  readonly headerTemplate: string;
  readonly footerTemplate: string;
  readonly margins: { readonly top: number; readonly bottom: number; readonly left: number; readonly right: number };
  readonly preferCSSPageSize: true;
  readonly generateDocumentOutline: true;
} {
  const inch = (mm: number): number => Math.round((mm / MM_PER_INCH) * 10000) / 10000;
  return {
    pageSize: layout.pageName,
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: layout.headerTemplate,
    footerTemplate: layout.footerTemplate,
    margins: {
      top: inch(layout.marginMm.top),
      bottom: inch(layout.marginMm.bottom),
      left: inch(layout.marginMm.left),
      right: inch(layout.marginMm.right),
    },
    preferCSSPageSize: true,
    generateDocumentOutline: true,
  };
}
