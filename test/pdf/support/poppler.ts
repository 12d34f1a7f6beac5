// Reading printed reports back with poppler-utils (pdfinfo, pdftotext, pdftoppm), as a
// person would check them: page count and size, the text on the pages, page images.

import { execFileSync } from 'node:child_process';

export interface PdfInfo {
  readonly pages: number;
  /** Page size in points, rounded (A4 595x842, Letter 612x792). */
  readonly width: number;
  readonly height: number;
  readonly title: string | null;
  readonly creationDate: string | null;
  readonly raw: string;
}

export function pdfInfo(path: string): PdfInfo {
  const raw = execFileSync('pdfinfo', ['-isodates', path], { encoding: 'utf8' });
  const field = (name: string): string | null => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(raw)?.[1]?.trim() ?? null;
  const size = /^Page size:\s*([\d.]+) x ([\d.]+) pts/m.exec(raw);
  return {
    pages: Number(field('Pages')),
    width: size ? Math.round(Number(size[1])) : 0,
    height: size ? Math.round(Number(size[2])) : 0,
    title: field('Title'),
    creationDate: field('CreationDate'),
    raw,
  };
}

/** The text of the PDF (reading order), or of one page. */
export function pdfText(path: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', [...range, '-enc', 'UTF-8', path, '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Text of each page, in order (pdftotext separates pages with form feeds). */
export function pdfPages(path: string): string[] {
  const pages = pdfText(path).split('\f');
  if (pages[pages.length - 1]!.trim() === '') pages.pop();
  return pages;
}

/** Renders pages to PNG files `<prefix>-<n>.png` at `dpi`. */
export function renderPages(path: string, prefix: string, first: number, last: number, dpi = 60): void {
  execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(first), '-l', String(last), '-png', path, prefix]);
}

/**
 * pdftotext re-wraps lines and drops a hyphen that ends a line ("0x1F.0-" + "1" -> "0x1F.01");
 * compare with whitespace and hyphens removed.
 */
export function squeeze(text: string): string {
  return text.replace(/[\s\u00ad-]+/g, '');
}

/**
 * True when `name` is on the page even if its table cell wrapped it after an underscore:
 * pdftotext then prints the pieces with the neighbouring cells' text between them. The
 * pieces must appear in order, each within `window` characters of the previous one.
 */
export function containsWrapped(flat: string, name: string, window = 400): boolean {
  const target = squeeze(name);
  if (flat.includes(target)) return true;
  const pieces = target.split(/(?<=_)/);
  let from = flat.indexOf(pieces[0]!);
  while (from >= 0) {
    let at = from + pieces[0]!.length;
    let ok = true;
    for (const piece of pieces.slice(1)) {
      const next = flat.indexOf(piece, at);
      if (next < 0 || next - at > window) {
        ok = false;
        break;
      }
      at = next + piece.length;
    }
    if (ok) return true;
    from = flat.indexOf(pieces[0]!, from + 1);
  }
  return false;
}
