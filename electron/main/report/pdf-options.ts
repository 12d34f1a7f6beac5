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

export interface PageMargins {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface CssPage {
  readonly paper: NamedPaper | null;
  readonly landscape: boolean;
  /** Margins in inches (printToPDF's unit), when the @page rule gives them. */
  readonly margins: PageMargins | null;
}

const INCHES_PER: Readonly<Record<string, number>> = { in: 1, mm: 1 / 25.4, cm: 1 / 2.54, pt: 1 / 72, px: 1 / 96 };

/** A CSS length to inches ("12mm" -> 0.4724), or null for anything else. */
function inches(length: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(in|mm|cm|pt|px)$/i.exec(length);
  if (m) return Math.round(Number(m[1]) * INCHES_PER[m[2].toLowerCase()] * 10000) / 10000;
  return length === '0' ? 0 : null;
}

/** CSS margin shorthand (1 to 4 lengths) to inches. */
function marginsOf(value: string): PageMargins | null {
  const v = value.trim().split(/\s+/).map(inches);
  if (v.length < 1 || v.length > 4 || v.some((x) => x === null)) return null;
  const [t, r = t, b = t, l = r] = v as number[];
  return { top: t, right: r, bottom: b, left: l };
}

/**
 * Paper and margins from the first `@page` rule of the HTML's styles. The rule may hold
 * nested margin boxes (`@bottom-right { ... }`); its own declarations come before them.
 */
export function cssPageOf(html: string): CssPage {
  const rule = /@page\s*(?::[a-z-]+\s*)?\{([^}]*)\}/i.exec(html)?.[1] ?? '';
  const own = rule.split('@')[0];
  const size = /(?:^|[;\s{])size\s*:\s*([^;}]+)/i.exec(own);
  const margin = /(?:^|[;\s{])margin\s*:\s*([^;}]+)/i.exec(own);
  const words = size ? size[1].trim().toLowerCase().split(/\s+/) : [];
  return {
    paper: words.map((w) => PAPERS[w]).find((p) => p !== undefined) ?? null,
    landscape: words.includes('landscape'),
    margins: margin ? marginsOf(margin[1]) : null,
  };
}

export function pdfOptionsFor(html: string): PrintToPDFOptions {
  const page = cssPageOf(html);
  return {
    pageSize: page.paper ?? 'A4',
    landscape: page.landscape,
    ...(page.margins ? { margins: page.margins } : {}),
    preferCSSPageSize: true,
    printBackground: true,
    // Page numbers come from the print HTML's own @page margin boxes (Chromium >= 131;
    // shared/report/print-layout.ts), so Chromium's header and footer stay off.
    displayHeaderFooter: false,
    generateDocumentOutline: true,
  };
}
