// `--pdf FILE`: print the report's HTML with whatever find-printer.ts finds, then stamp the
// PDF with the report's date so the same report gives the same bytes.

import { CliError } from '../errors';
import type { PrintLayout } from '../../../shared/report/print-layout';
import { findPrinter, NO_PRINTER_MESSAGE } from './find-printer';
import type { FindEnv, Printer } from './find-printer';
import { setPdfDates } from './pdf-dates';
import { ChromiumPrinter } from './print-chromium';
import { printWithElectron } from './print-electron';

export interface PdfResult {
  readonly bytes: Uint8Array;
  readonly printer: Printer;
}

function locatePrinter(find?: FindEnv): Printer {
  let printer: Printer | null;
  try {
    printer = find ? findPrinter(find) : findPrinter();
  } catch (e) {
    throw new CliError(`cannot print a PDF: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!printer) throw new CliError(NO_PRINTER_MESSAGE);
  return printer;
}

/**
 * A PDF printer started ahead of need: `startPdfPrinter()` when the command line asks for
 * --pdf, then `print()` once the report exists, then `close()`. Finding no printer is
 * reported by print() (exit 2), so a report that fails earlier says why first.
 */
export class PdfPrinter {
  private readonly printer: Printer | CliError;
  private readonly chromium: ChromiumPrinter | null;

  constructor(find?: FindEnv) {
    let printer: Printer | CliError;
    try {
      printer = locatePrinter(find);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      printer = e;
    }
    this.printer = printer;
    this.chromium = printer instanceof CliError || printer.kind !== 'chromium' ? null : new ChromiumPrinter(printer.path);
  }

  /** Prints the HTML; `date` (YYYY-MM-DD) becomes the PDF's creation and modification date. */
  async print(html: string, layout: PrintLayout, date: string): Promise<PdfResult> {
    const printer = this.printer;
    if (printer instanceof CliError) throw printer;
    let bytes: Uint8Array;
    try {
      bytes = this.chromium ? await this.chromium.print(html, layout) : await printWithElectron(html, layout, printer.path);
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      throw new CliError(`cannot print a PDF with ${printer.path} (from ${printer.from}): ${why}`);
    }
    return { bytes: setPdfDates(bytes, date), printer };
  }

  async close(): Promise<void> {
    await this.chromium?.close();
  }
}

/** Prints the HTML once (find a printer, start it, print, close). */
export async function printPdf(html: string, layout: PrintLayout, date: string, find?: FindEnv): Promise<PdfResult> {
  const printer = new PdfPrinter(find);
  try {
    return await printer.print(html, layout, date);
  } finally {
    await printer.close();
  }
}
