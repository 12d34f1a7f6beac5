// The report output flags every analysis command shares (cli-contract.md: "`--md` Markdown;
// `--html FILE` / `--pdf FILE` write a report"), and the one function that writes what they ask for.
//   addReportOptions(cmd)            adds --html, --pdf, --date, --title, --page, --appendix (and --md)
//   reportOptionsFrom(opts, details) -> ReportOptions for the shared/report builders
//   writeReports(report, opts)       writes the HTML/PDF files and prints Markdown/JSON to stdout

import { Option } from 'commander';
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import type { EngineInputs, Reconciliation } from '../../../shared/engine/types';
import { reconcileReport } from '../../../shared/report/build-reconcile';
import { inputDetailsOf } from '../../../shared/report/describe-input';
import type { Report, ReportOptions } from '../../../shared/report/model';
import { isPageSize } from '../../../shared/report/print-layout';
import type { PageSize } from '../../../shared/report/print-layout';
import { renderHtml, reportPrintLayout } from '../../../shared/report/render-html';
import { renderJson } from '../../../shared/report/render-json';
import { renderMarkdown } from '../../../shared/report/render-markdown';
import { isReportDate, todayUtc } from '../../../shared/report/text';
import { CliError } from '../errors';
import { PdfPrinter } from './print-pdf';

/** Parsed values of the report flags (commander's camel-cased option names). */
export interface ReportFlags {
  readonly html?: string;
  readonly pdf?: string;
  readonly md?: boolean;
  readonly json?: boolean;
  readonly date?: string;
  readonly title?: string;
  readonly page?: string;
  readonly appendix?: boolean;
}

function hasOption(cmd: Command, long: string): boolean {
  return cmd.options.some((o) => o.long === long);
}

/**
 * Adds the report flags to a command. `--md` (Markdown report on stdout) and `--json` are
 * added only when `stdout` asks for them and the command does not define them already.
 */
export function addReportOptions(cmd: Command, stdout: { readonly md?: boolean; readonly json?: boolean } = {}): Command {
  cmd
    .option('--html <file>', 'write the report as self-contained print HTML')
    .option('--pdf <file>', 'print the report to PDF (needs Chromium, Chrome, Edge or Electron; see CHROMIUM_PATH)')
    .option('--date <yyyy-mm-dd>', 'date printed on the report (default: today, UTC); fix it for reproducible output')
    .option('--title <text>', 'report title')
    .addOption(new Option('--page <size>', 'page size of the HTML/PDF report').choices(['a4', 'letter']).default('a4'))
    .option('--appendix', 'add the full bit table as an appendix');
  if (stdout.md && !hasOption(cmd, '--md')) cmd.option('--md', 'print the report as Markdown');
  if (stdout.json && !hasOption(cmd, '--json')) cmd.option('--json', 'print the report as JSON (tdx-cpuid/report/v1)');
  return cmd;
}

/** True when any report output was asked for. */
export function wantsReport(flags: ReportFlags, stdout: { readonly md?: boolean; readonly json?: boolean } = {}): boolean {
  return !!(flags.html || flags.pdf || (stdout.md && flags.md) || (stdout.json && flags.json));
}

/** ReportOptions from the flags; `inputDetails` fill the inputs table's detail lines. Throws CliError for a malformed --date. */
export function reportOptionsFrom(
  flags: ReportFlags,
  inputDetails: Readonly<Record<string, string>> = {},
  generator = `tdx-cpuid ${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'}`,
): ReportOptions {
  if (flags.date !== undefined && !isReportDate(flags.date)) throw new CliError(`--date ${flags.date}: expected a date as YYYY-MM-DD`);
  return {
    date: flags.date ?? todayUtc(),
    generator,
    appendix: !!flags.appendix,
    inputDetails,
    ...(flags.title !== undefined ? { title: flags.title } : {}),
  };
}

/**
 * For `reconcile`: writes --html/--pdf reports of a reconciliation when asked (its own --json
 * and --md stay the reconcile/v1 outputs).
 */
export async function writeReconcileReports(rec: Reconciliation, inputs: EngineInputs, flags: ReportFlags): Promise<void> {
  if (!wantsReport(flags)) return;
  await writeReports(reconcileReport(rec, reportOptionsFrom(flags, inputDetailsOf(inputs))), flags);
}

function pageOf(flags: ReportFlags): PageSize {
  const page = flags.page ?? 'a4';
  if (!isPageSize(page)) throw new CliError(`--page ${page}: expected a4 or letter`);
  return page;
}

function writeFile(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new CliError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export interface WriteTarget {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_TARGET: WriteTarget = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * Starts the PDF printer now when --pdf is given, so the browser starts while the engine
 * runs. The caller closes it (in a finally: a started browser keeps the process alive).
 */
export function startPdfPrinter(flags: ReportFlags): PdfPrinter | null {
  return flags.pdf ? new PdfPrinter() : null;
}

/**
 * Writes the report where the flags say: --html FILE, --pdf FILE, and (when `stdout` allows)
 * Markdown or JSON on standard output. A printer from startPdfPrinter is used and closed.
 */
export async function writeReports(
  report: Report,
  flags: ReportFlags,
  stdout: { readonly md?: boolean; readonly json?: boolean } = {},
  target: WriteTarget = PROCESS_TARGET,
  printer: PdfPrinter | null = null,
): Promise<void> {
  const page = pageOf(flags);
  if (flags.html || flags.pdf) {
    const html = renderHtml(report, { page });
    if (flags.html) writeFile(flags.html, html);
    if (flags.pdf) {
      const p = printer ?? new PdfPrinter();
      try {
        const { bytes } = await p.print(html, reportPrintLayout(report, page), report.date);
        writeFile(flags.pdf, bytes);
      } finally {
        await p.close();
      }
    }
  }
  if (stdout.json && flags.json) target.stdout(renderJson(report));
  else if (stdout.md && flags.md) target.stdout(renderMarkdown(report));
}

declare const __VERSION__: string;
