// printToPDF options for a report's print HTML (reports issue: "PDF: in the app,
// webContents.printToPDF of the print HTML in a hidden sandboxed window with JavaScript
// off"). The HTML decides its paper through CSS `@page { size: ... }`; Chromium honours
// that with preferCSSPageSize, and pageSize names the same paper for the cases where the
// CSS gives none (A4 by default, as the report issue's print HTML targets A4/Letter).

import type { PrintToPDFOptions } from 'electron';

type NamedPaper = 'A3' | 'A4' | 'A5' | 'Legal' | 'Letter' | 'Tabloid' | 'Ledger';
const PAPERS: Readonly<Record<string, NamedPaper>> = {
  a3: 'A3',
  a4: 'A4',
  a5: 'A5',
  legal: 'Legal',
  letter: 'Letter',
  tabloid: 'Tabloid',
  ledger: 'Ledger',
};

export interface CssPage {
  readonly paper: NamedPaper | null;
  readonly landscape: boolean;
}

/** The paper named by the first `@page { size: ... }` rule of the HTML's styles, if any. */
export function cssPageOf(html: string): CssPage {
  const rule = /@page\s*(?::[a-z-]+\s*)?\{([^}]*)\}/i.exec(html);
  const size = rule ? /(?:^|[;\s{])size\s*:\s*([^;}]+)/i.exec(rule[1]) : null;
  if (!size) return { paper: null, landscape: false };
  const words = size[1].trim().toLowerCase().split(/\s+/);
  const paper = words.map((w) => PAPERS[w]).find((p) => p !== undefined) ?? null;
  return { paper, landscape: words.includes('landscape') };
}

export function pdfOptionsFor(html: string): PrintToPDFOptions {
  const page = cssPageOf(html);
  return {
    pageSize: page.paper ?? 'A4',
    landscape: page.landscape,
    preferCSSPageSize: true,
    printBackground: true,
    // Page numbers come from the print HTML's own @page margin boxes (Chromium >= 131).
    displayHeaderFooter: false,
    generateDocumentOutline: true,
  };
}
