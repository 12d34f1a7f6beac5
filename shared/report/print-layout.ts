// Page geometry and the page footer of a printed report, shared by the CSS of the print HTML
// (@page size and margins), the CLI's Chromium printing (playwright page.pdf) and the app's
// webContents.printToPDF, so all three produce the same pages.
//
// Page numbers: Chromium prints CSS @page margin boxes since version 131 (Electron 34), so
// the HTML carries its own footer (`@bottom-left` / `@bottom-right` with counter(page) and
// counter(pages)) and prints the same from the app and the CLI without header/footer
// options. For an older system Chromium the CLI falls back to Chromium's footer template,
// whose `pageNumber`/`totalPages` spans are filled by the printing code (no script).
// The footer holds only text the workbench makes (generator, kind, date), never input text.

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
  /** Plain text at the bottom left of every page. */
  readonly footerText: string;
  /** Chromium header/footer templates, for printers that ignore @page margin boxes. */
  readonly headerTemplate: string;
  readonly footerTemplate: string;
}

/** First Chromium version that prints @page margin boxes. */
export const MARGIN_BOXES_SINCE_CHROMIUM = 131;

const MARGIN_MM = { top: 14, right: 12, bottom: 16, left: 12 } as const;

/** Page size in PostScript points, as pdfinfo reports it (A4 595x842, Letter 612x792). */
export function pageSizePt(page: PageSize): { readonly width: number; readonly height: number } {
  return page === 'a4' ? { width: 595, height: 842 } : { width: 612, height: 792 };
}

export function isPageSize(s: string): s is PageSize {
  return s === 'a4' || s === 'letter';
}

/** Footer template equivalent of the CSS margin boxes: text left, "Page n of N" right; 7.5 pt grey. */
function footerTemplate(text: string): string {
  const style =
    'font-family:DejaVu Sans,Helvetica,Arial,sans-serif;font-size:7.5pt;color:#4b5563;width:100%;' +
    `margin:0 ${MARGIN_MM.right}mm 0 ${MARGIN_MM.left}mm;display:flex;justify-content:space-between;gap:8mm;`;
  const left = `<span style="white-space:nowrap;overflow:hidden">${escapeHtml(text)}</span>`;
  const right = '<span style="white-space:nowrap">Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>';
  return `<div style="${style}">${left}${right}</div>`;
}

/** `footerText`: e.g. "tdx-cpuid 0.1.0 · Reconciliation · 2026-01-01". */
export function printLayout(page: PageSize, footerText: string): PrintLayout {
  return {
    page,
    pageName: page === 'a4' ? 'A4' : 'Letter',
    widthMm: page === 'a4' ? 210 : 215.9,
    heightMm: page === 'a4' ? 297 : 279.4,
    marginMm: MARGIN_MM,
    footerText,
    // An empty element: Chromium's default header would print the date and the URL.
    headerTemplate: '<span></span>',
    footerTemplate: footerTemplate(footerText),
  };
}

/**
 * A CSS string literal of `text`: everything but letters, digits, space and `.,:-/()` as a hex
 * escape, so no quote, backslash or `</style` can come out of it.
 */
export function cssString(text: string): string {
  let out = '"';
  for (const ch of text) {
    out += /^[A-Za-z0-9 .,:()/-]$/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `;
  }
  return `${out}"`;
}

const MM_PER_INCH = 25.4;

/**
 * Options for Electron's `webContents.printToPDF(options)` giving the same pages as the CLI:
 * the HTML's @page rule sets paper and margins (preferCSSPageSize) and prints the footer
 * with page numbers itself (Electron >= 34 is Chromium >= 131), so no header/footer template.
 * Margins are in inches there.
 */
export function electronPrintToPdfOptions(layout: PrintLayout): {
  readonly pageSize: 'A4' | 'Letter';
  readonly printBackground: true;
  readonly displayHeaderFooter: false;
  readonly margins: { readonly top: number; readonly bottom: number; readonly left: number; readonly right: number };
  readonly preferCSSPageSize: true;
  readonly generateDocumentOutline: true;
} {
  const inch = (mm: number): number => Math.round((mm / MM_PER_INCH) * 10000) / 10000;
  return {
    pageSize: layout.pageName,
    printBackground: true,
    displayHeaderFooter: false,
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
