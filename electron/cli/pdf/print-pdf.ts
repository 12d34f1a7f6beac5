// `--pdf FILE`: print the report's HTML with whatever find-printer.ts finds, then stamp the
// PDF with the report's date so the same report gives the same bytes.

import { CliError } from '../errors';
import type { PrintLayout } from '../../../shared/report/print-layout';
import { findPrinter, NO_PRINTER_MESSAGE } from './find-printer';
import type { FindEnv, Printer } from './find-printer';
import { setPdfDates } from './pdf-dates';
import { printWithChromium } from './print-chromium';
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

/** Prints the HTML; `date` (YYYY-MM-DD) becomes the PDF's creation and modification date. */
export async function printPdf(html: string, layout: PrintLayout, date: string, find?: FindEnv): Promise<PdfResult> {
  const printer = locatePrinter(find);
  let bytes: Uint8Array;
  try {
    bytes = printer.kind === 'chromium' ? await printWithChromium(html, layout, printer.path) : await printWithElectron(html, layout, printer.path);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new CliError(`cannot print a PDF with ${printer.path} (from ${printer.from}): ${why}`);
  }
  return { bytes: setPdfDates(bytes, date), printer };
}
